"use client";

import { useMemo, useState, type ReactNode } from "react";
import { Card } from "@/components/ui/card";
import { withBasePath } from "@/lib/base-path";
import type { LetterDetail } from "@/lib/dead-letters/types";
import { deadLetterPayloadUrl } from "@/lib/queries/use-dead-letter";
import { formatBytes, formatExactBytes, neutraliseBidi } from "./format";
import { JsonTree } from "./json-tree";
import {
  decodeBase64,
  decodeText,
  defaultPayloadTab,
  HEX_BYTES_PER_LINE,
  HEX_RENDER_LIMIT,
  hexDumpLines,
  JSON_PARSE_LIMIT,
  looksLikeJson,
  parseJson,
  TEXT_RENDER_LIMIT,
  type JsonParse,
  type PayloadTab,
} from "./payload";

const TAB_LABEL: Record<PayloadTab, string> = { json: "JSON", text: "Text", hex: "Hex" };
const note = "text-xs text-zinc-500 dark:text-zinc-400";

/**
 * The payload as JSON, text or hex, decoded in the browser from the bytes the API sent. The tab
 * lives in the URL (`tab`); without one it is chosen from the bytes.
 */
export function PayloadViewer({ letter, tab: wanted, onTab }: { letter: LetterDetail; tab: PayloadTab | null; onTab: (t: PayloadTab) => void }) {
  const bytes = useMemo(() => (letter.payloadBase64 === null ? null : decodeBase64(letter.payloadBase64)), [letter.payloadBase64]);
  const text = useMemo(() => (bytes ? decodeText(bytes) : ""), [bytes]);
  const json = useMemo<JsonParse | null>(() => {
    if (!bytes || bytes.length === 0 || letter.payloadTruncated || bytes.length > JSON_PARSE_LIMIT) return null;
    if (!looksLikeJson(letter.contentType, text)) return null;
    return parseJson(text);
  }, [bytes, text, letter.payloadTruncated, letter.contentType]);

  const download = withBasePath(deadLetterPayloadUrl(letter.id));

  if (letter.payloadHidden) {
    return (
      <Shell>
        <p className="rounded-md bg-zinc-100 px-3 py-2 text-sm text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300" data-testid="payload-hidden">
          Your role does not include reading payloads. The metadata, headers and death history below are yours to see; ask an admin for the operator role to see the bytes.
        </p>
      </Shell>
    );
  }
  if (letter.payloadMissing) {
    return (
      <Shell>
        <p className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-500/10 dark:text-amber-200" data-testid="payload-missing">
          The payload is not stored: {letter.payloadMissing}
        </p>
        <p className={`mt-2 ${note}`}>Its metadata, headers and death history below are what the broker reported when it died.</p>
      </Shell>
    );
  }
  if (letter.payloadBase64 === null || bytes === null) {
    return (
      <Shell>
        <p role="alert" className="rounded-md bg-rose-50 px-3 py-2 text-sm text-rose-900 dark:bg-rose-500/10 dark:text-rose-200">
          The payload could not be shown here{letter.payloadBase64 === null ? ": the server sent no bytes for it" : ": the server sent bytes that are not base64"}.{" "}
          <DownloadLink href={download}>Download the exact bytes</DownloadLink> to look at it.
        </p>
      </Shell>
    );
  }

  const jsonOk = json?.ok === true;
  const tab = wanted ?? defaultPayloadTab(letter.payloadIsUtf8, jsonOk);

  return (
    <Shell>
      <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
        <div role="tablist" aria-label="Show the payload as" className="inline-flex">
          {(["json", "text", "hex"] as const).map((t) => (
            <button
              key={t}
              type="button"
              role="tab"
              id={`payload-tab-${t}`}
              aria-selected={tab === t}
              aria-controls="payload-panel"
              data-testid={`payload-tab-${t}`}
              onClick={() => onTab(t)}
              className={
                "h-8 border-y border-r px-3 text-sm first:rounded-l-md first:border-l last:rounded-r-md " +
                (tab === t
                  ? "border-zinc-900 bg-zinc-900 text-white dark:border-zinc-100 dark:bg-zinc-100 dark:text-zinc-900"
                  : "border-zinc-300 bg-white text-zinc-700 hover:bg-zinc-50 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-300 dark:hover:bg-zinc-800")
              }
            >
              {TAB_LABEL[t]}
            </button>
          ))}
        </div>
        <p className={note}>
          <span title={formatExactBytes(letter.payloadSize)}>{formatBytes(letter.payloadSize)}</span>
          {letter.contentType ? <> · {letter.contentType}</> : null}
          {" · "}
          {letter.payloadIsUtf8 ? "valid UTF-8" : "not valid UTF-8"}
          {" · "}
          <DownloadLink href={download}>Download the exact bytes</DownloadLink>
        </p>
      </div>

      {letter.payloadTruncated ? (
        <p className="mb-3 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-500/10 dark:text-amber-200" data-testid="payload-truncated">
          Showing the first {formatBytes(bytes.length)} of {formatBytes(letter.payloadSize)} ({formatExactBytes(letter.payloadSize)}).{" "}
          <DownloadLink href={download}>Download the exact bytes</DownloadLink> for all of it.
        </p>
      ) : null}

      <div role="tabpanel" id="payload-panel" aria-labelledby={`payload-tab-${tab}`} data-tab={tab}>
        {bytes.length === 0 ? (
          <p className="text-sm text-zinc-500 dark:text-zinc-400">The payload is empty (0 bytes).</p>
        ) : tab === "json" ? (
          <JsonTab json={json} truncated={letter.payloadTruncated} size={bytes.length} />
        ) : tab === "text" ? (
          <TextTab text={text} isUtf8={letter.payloadIsUtf8} download={download} />
        ) : (
          <HexTab bytes={bytes} total={letter.payloadSize} download={download} />
        )}
      </div>
    </Shell>
  );
}

function Shell({ children }: { children: ReactNode }) {
  return (
    <Card className="min-w-0" data-testid="payload-viewer" aria-labelledby="payload-heading">
      <h2 id="payload-heading" className="mb-3 text-sm font-semibold">
        Payload
      </h2>
      {children}
    </Card>
  );
}

function DownloadLink({ href, children }: { href: string; children: ReactNode }) {
  return (
    <a href={href} download className="font-medium text-zinc-900 underline dark:text-zinc-100" data-testid="payload-download">
      {children}
    </a>
  );
}

function JsonTab({ json, truncated, size }: { json: JsonParse | null; truncated: boolean; size: number }) {
  if (json === null) {
    const why = truncated
      ? "Only the start of the payload is here, and a cut document is not JSON."
      : size > JSON_PARSE_LIMIT
        ? `It is larger than ${formatBytes(JSON_PARSE_LIMIT)}, too much to parse in the browser.`
        : "It does not look like JSON (no JSON content type, and it does not start with { or [).";
    return <p className="text-sm text-zinc-600 dark:text-zinc-400">Not shown as JSON: {why} The Text and Hex tabs show it.</p>;
  }
  if (!json.ok) {
    return (
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        Not valid JSON: <span className="font-mono text-xs">{json.error}</span>. The Text and Hex tabs show it as it is.
      </p>
    );
  }
  return (
    <>
      {json.lossyNumbers ? (
        <p className={`mb-2 ${note}`}>Some numbers here have more digits than this browser keeps exactly; the Text tab shows them as written.</p>
      ) : null}
      <div className="max-h-[70vh] overflow-auto rounded bg-zinc-50 p-2 dark:bg-zinc-950">
        <JsonTree value={json.value} />
      </div>
    </>
  );
}

function TextTab({ text, isUtf8, download }: { text: string; isUtf8: boolean; download: string }) {
  const [all, setAll] = useState(false);
  const cut = !all && text.length > TEXT_RENDER_LIMIT;
  const shown = useMemo(() => neutraliseBidi(cut ? text.slice(0, TEXT_RENDER_LIMIT) : text), [text, cut]);
  return (
    <>
      {!isUtf8 ? (
        <p className={`mb-2 ${note}`}>These bytes are not valid UTF-8: the sequences that are not text show as �. The Hex tab shows every byte.</p>
      ) : null}
      <pre className="max-h-[70vh] overflow-auto rounded bg-zinc-50 p-3 font-mono text-xs wrap-anywhere whitespace-pre-wrap dark:bg-zinc-950" data-testid="payload-text">
        {shown}
      </pre>
      {cut ? (
        <p className={`mt-2 ${note}`}>
          Showing the first {TEXT_RENDER_LIMIT.toLocaleString("en-US")} of {text.length.toLocaleString("en-US")} characters.{" "}
          <button type="button" className="underline" onClick={() => setAll(true)}>
            Show all (may be slow)
          </button>{" "}
          or <DownloadLink href={download}>download the exact bytes</DownloadLink>.
        </p>
      ) : null}
    </>
  );
}

function HexTab({ bytes, total, download }: { bytes: Uint8Array; total: number; download: string }) {
  const shown = Math.min(bytes.length, HEX_RENDER_LIMIT);
  const dump = useMemo(() => hexDumpLines(bytes.subarray(0, HEX_RENDER_LIMIT)).join("\n"), [bytes]);
  const header = useMemo(() => {
    let cols = "";
    for (let j = 0; j < HEX_BYTES_PER_LINE; j++) cols += (j === 8 ? " " : "") + `${j.toString(16).padStart(2, "0")} `;
    return `offset    ${cols} ascii`;
  }, []);
  return (
    <>
      <div className="max-h-[70vh] overflow-auto rounded bg-zinc-50 px-3 pb-3 dark:bg-zinc-950">
        <pre className="sticky top-0 bg-zinc-50 pt-3 pb-1 font-mono text-xs whitespace-pre text-zinc-400 select-none dark:bg-zinc-950 dark:text-zinc-500" aria-hidden>
          {header}
        </pre>
        <pre className="font-mono text-xs whitespace-pre" data-testid="payload-hex">
          {dump}
        </pre>
      </div>
      {shown < total ? (
        <p className={`mt-2 ${note}`}>
          Showing the first {formatBytes(shown)} of {formatBytes(total)} as hex. <DownloadLink href={download}>Download the exact bytes</DownloadLink> for the
          rest.
        </p>
      ) : null}
    </>
  );
}
