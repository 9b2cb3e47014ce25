import "server-only";
import { chmod, unlink } from "node:fs/promises";
import net from "node:net";
import { z } from "zod";
import { describeError } from "@/lib/errors";

// The owner's side of the control socket: one JSON request line in, one JSON answer line out.
// Only what a tool cannot do while the folder is owned is offered (verify the audit log).

export const controlRequest = z.discriminatedUnion("op", [
  z.object({ op: z.literal("verify-audit"), anchors: z.array(z.object({ id: z.string().regex(/^\d{1,19}$/), hash: z.string().regex(/^[0-9a-f]{64}$/) })).max(1000) }),
]);
export type ControlRequest = z.infer<typeof controlRequest>;
export type ControlAnswer = { ok: true; result: unknown } | { ok: false; error: string };

export type ControlHandler = (request: ControlRequest) => Promise<unknown>;

const MAX_REQUEST_BYTES = 256 * 1024;

export async function serveStoreControl(address: string, handle: ControlHandler): Promise<{ close(): Promise<void> }> {
  // The folder is ours (claimed): a socket file still there was left by an owner that died.
  if (!address.startsWith("\\\\.\\pipe\\")) await unlink(address).catch(() => undefined);
  const server = net.createServer((socket) => {
    let text = "";
    socket.setEncoding("utf8");
    socket.setTimeout(120_000, () => socket.destroy());
    socket.on("error", () => undefined);
    socket.on("data", (chunk: string) => {
      text += chunk;
      if (text.length > MAX_REQUEST_BYTES) return void socket.end(`${JSON.stringify({ ok: false, error: "request too large" } satisfies ControlAnswer)}\n`);
      const nl = text.indexOf("\n");
      if (nl < 0) return;
      socket.pause();
      void answer(text.slice(0, nl), handle).then((a) => socket.end(`${JSON.stringify(a)}\n`));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(address, () => {
      server.off("error", reject);
      resolve();
    });
  });
  if (!address.startsWith("\\\\.\\pipe\\")) await chmod(address, 0o600).catch(() => undefined);
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // A tool still waiting gets a closed connection (it says so), not a hang.
        setTimeout(resolve, 2000).unref();
      }),
  };
}

async function answer(line: string, handle: ControlHandler): Promise<ControlAnswer> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return { ok: false, error: "the request is not JSON" };
  }
  const request = controlRequest.safeParse(parsed);
  if (!request.success) return { ok: false, error: `unknown request: ${request.error.issues.map((i) => i.message).join("; ")}` };
  try {
    return { ok: true, result: await handle(request.data) };
  } catch (e) {
    return { ok: false, error: describeError(e) };
  }
}
