import "server-only";
import { AppError } from "@/lib/errors";

// A request body, read as it arrives and counted: past the limit nothing more is read — whether or
// not the client declared a Content-Length (a chunked body declares none) — and the answer is 413.
// The stream is left unread rather than cancelled: cancelling would reset the connection before
// the 413 is sent; the answer carries `Connection: close` instead, so the server closes the socket
// once it is out (see errorResponse in define-route.ts), after a lingering close: what the client
// still sends is read and dropped for a moment, so that it reads the answer (server.mjs).

export const MAX_BODY_BYTES = 1024 * 1024;

export async function readBody(request: Request, limit = MAX_BODY_BYTES): Promise<string> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > limit) throw tooLarge(limit);
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) throw tooLarge(limit);
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  return Buffer.concat(chunks).toString("utf8");
}

function tooLarge(limit: number): AppError {
  return new AppError("PAYLOAD_TOO_LARGE", `The request body is larger than ${limit / 1024} KiB; Redrive reads no more than that. Send less at once.`);
}
