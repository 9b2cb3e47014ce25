import "server-only";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import path from "node:path";

// Where the owner of an embedded store answers the tools that need the folder while it runs
// (audit:verify): a Unix socket in the folder itself, so reaching it takes the same file access as
// opening the store — no password, no port. A Unix socket path has ~100 bytes at most; a longer
// folder gets one in the temp directory named from the folder. Windows uses a named pipe.

const MAX_SOCKET_PATH = 100;

export function controlAddress(dataDir: string): string {
  const name = createHash("sha256").update(path.resolve(dataDir)).digest("hex").slice(0, 16);
  if (process.platform === "win32") return `\\\\.\\pipe\\redrive-store-${name}`;
  const inFolder = path.join(dataDir, "redrive.sock");
  return inFolder.length <= MAX_SOCKET_PATH ? inFolder : path.join(tmpdir(), `redrive-store-${name}.sock`);
}
