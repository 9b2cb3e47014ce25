import "server-only";
import { describeError } from "@/lib/errors";

export type SendResult = { ok: boolean; httpStatus: number | null; error: string | null; durationMs: number };

/**
 * POSTs one JSON body, giving up after `timeoutMs`. Never throws, and never puts the URL (which may
 * hold the channel's secret) into the error it reports.
 */
export async function sendWebhook(url: string, body: unknown, timeoutMs: number): Promise<SendResult> {
  const started = performance.now();
  const done = (r: Omit<SendResult, "durationMs">): SendResult => ({ ...r, durationMs: Math.round(performance.now() - started) });
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": "Redrive-Notifications/1" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
      redirect: "error",
    });
    const text = await res.text().catch(() => "");
    if (res.ok) return done({ ok: true, httpStatus: res.status, error: null });
    const said = text.trim().replace(/\s+/g, " ").slice(0, 200);
    return done({ ok: false, httpStatus: res.status, error: `the receiver answered HTTP ${res.status}${said ? `: ${said}` : ""}` });
  } catch (e) {
    const name = e instanceof Error ? e.name : "";
    if (name === "TimeoutError" || name === "AbortError") return done({ ok: false, httpStatus: null, error: `no answer within ${Math.round(timeoutMs / 100) / 10} s` });
    return done({ ok: false, httpStatus: null, error: `could not reach the receiver: ${describeError(e).split(url).join("<url>")}` });
  }
}
