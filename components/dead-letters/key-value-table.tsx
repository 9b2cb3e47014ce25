import { Card } from "@/components/ui/card";
import { formatConfigValue } from "@/components/consumers/format";
import { neutraliseBidi } from "./format";

/** Properties or headers as the broker delivered them: keys and values as text, structures as JSON text. */
export function KeyValueTable({ title, note, entries, empty, testId }: { title: string; note?: string; entries: Record<string, unknown>; empty: string; testId: string }) {
  const rows = Object.entries(entries);
  return (
    <Card data-testid={testId} className="min-w-0">
      <h2 className="text-sm font-semibold">
        {title} <span className="font-normal text-zinc-500 dark:text-zinc-400">({rows.length})</span>
      </h2>
      {note ? <p className="text-xs text-zinc-500 dark:text-zinc-400">{note}</p> : null}
      {rows.length === 0 ? (
        <p className="mt-3 text-sm text-zinc-500 dark:text-zinc-400">{empty}</p>
      ) : (
        <dl className="mt-3 grid grid-cols-[minmax(7rem,max-content)_1fr] gap-x-4 gap-y-1.5 text-sm">
          {rows.map(([key, value]) => {
            const text = neutraliseBidi(formatConfigValue(value));
            return (
              <div key={key} className="contents" data-testid="kv-entry" data-key={key}>
                <dt className="font-mono text-xs leading-5 wrap-anywhere text-zinc-500 dark:text-zinc-400">{neutraliseBidi(key)}</dt>
                <dd className="min-w-0">
                  {text.includes("\n") ? (
                    <pre className="max-h-64 overflow-auto rounded bg-zinc-50 p-2 font-mono text-xs whitespace-pre dark:bg-zinc-950">{text}</pre>
                  ) : (
                    <span className="font-mono text-xs leading-5 wrap-anywhere">{text}</span>
                  )}
                </dd>
              </div>
            );
          })}
        </dl>
      )}
    </Card>
  );
}
