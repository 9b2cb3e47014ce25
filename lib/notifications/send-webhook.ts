import "server-only";
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { describeError } from "@/lib/errors";
import { vetWebhookTarget, type VettedTarget, type WebhookTargetOptions } from "./webhook-target";

export type SendResult = { ok: boolean; httpStatus: number | null; error: string | null; durationMs: number };

/**
 * POSTs one JSON body, giving up after `timeoutMs` (resolving the host included). Never throws, and
 * never puts the URL (which may hold the channel's secret) into the error it reports. The host is
 * checked first (lib/notifications/webhook-target.ts) and the connection goes to the address that
 * was checked, with Host and TLS name still the URL's host. Redirects are not followed. Of the
 * reply only the status is kept: a body could carry what an internal service said back.
 */
export async function sendWebhook(url: string, body: unknown, timeoutMs: number, options: WebhookTargetOptions): Promise<SendResult> {
  const started = performance.now();
  const done = (r: Omit<SendResult, "durationMs">): SendResult => ({ ...r, durationMs: Math.round(performance.now() - started) });
  const deadline = AbortSignal.timeout(timeoutMs);
  try {
    const target = await beforeDeadline(vetWebhookTarget(url, options), deadline);
    if ("refused" in target) return done({ ok: false, httpStatus: null, error: target.refused });
    const status = await post(target, JSON.stringify(body), deadline);
    if (status >= 200 && status < 300) return done({ ok: true, httpStatus: status, error: null });
    if (status >= 300 && status < 400) return done({ ok: false, httpStatus: status, error: `the receiver answered HTTP ${status}, a redirect, which Redrive does not follow: point the channel at the final URL` });
    return done({ ok: false, httpStatus: status, error: `the receiver answered HTTP ${status}` });
  } catch (e) {
    if (deadline.aborted) return done({ ok: false, httpStatus: null, error: `no answer within ${Math.round(timeoutMs / 100) / 10} s` });
    return done({ ok: false, httpStatus: null, error: `could not reach the receiver: ${describeError(e).split(url).join("<url>")}` });
  }
}

function beforeDeadline<T>(work: Promise<T>, deadline: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const stop = () => reject(deadline.reason);
    if (deadline.aborted) return stop();
    deadline.addEventListener("abort", stop, { once: true });
    work.then(resolve, reject).finally(() => deadline.removeEventListener("abort", stop));
  });
}

/** Sends the request to the checked address and answers with the reply's status; the reply's body is not read. */
function post(target: VettedTarget, payload: string, deadline: AbortSignal): Promise<number> {
  const { url, hostname, address, family } = target;
  // The only lookup the connection makes: the address already checked (a literal IP needs none).
  const pinned: LookupFunction = (_host, opts, callback) => {
    if (opts.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  };
  const request = url.protocol === "https:" ? https.request : http.request;
  return new Promise<number>((resolve, reject) => {
    const req = request({
      host: hostname,
      port: url.port || undefined,
      path: `${url.pathname}${url.search}`,
      method: "POST",
      auth: url.username ? `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}` : undefined,
      headers: { "content-type": "application/json", "content-length": Buffer.byteLength(payload), "user-agent": "Redrive-Notifications/1" },
      lookup: pinned,
      agent: false,
      signal: deadline,
    });
    req.once("response", (res) => {
      resolve(res.statusCode ?? 0);
      res.destroy();
    });
    req.on("error", reject);
    req.end(payload);
  });
}
