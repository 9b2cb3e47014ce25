// Redrive's HTTP server (`npm start`): Next.js's request handler behind a plain node:http server,
// for one reason — route handlers cannot see the socket, and the sign-in limits and the audit log
// need the address a request really came from, not one a client wrote into X-Forwarded-For.
// Each request gets the connection's peer address in a header whose name is random per process
// (REDRIVE_PEER_HEADER, read by lib/config.ts); any header of that family a client sent is dropped
// first. Everything else is Next.js's own production server, unchanged.
//
//   node server.mjs [-p PORT] [-H HOST]      (PORT from the environment works too; all interfaces by default)
//
// A build made with REDRIVE_BASE_PATH (e.g. /redrive) answers only under that path, probes included
// (/redrive/api/health/live); REDRIVE_DIST_DIR names a build made into another folder than .next.
//
// It needs only `next` and Node's standard library, so it also serves the `output: "standalone"`
// build when copied next to that build's server.js, as the container image does (Dockerfile).

import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const PEER_FAMILY = "x-redrive-peer";

function option(long, short) {
  const args = process.argv.slice(2);
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === long || a === short) return args[i + 1];
    if (a.startsWith(`${long}=`)) return a.slice(long.length + 1);
  }
  return undefined;
}

const dir = path.dirname(fileURLToPath(import.meta.url));
const port = Number(option("--port", "-p") ?? process.env.PORT ?? 3000);
// Like `next start`, not HOSTNAME from the environment: containers set that to their own name.
const hostname = option("--hostname", "-H") ?? undefined;
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`Redrive cannot start: the port "${port}" is not a port number (0–65535).`);
  process.exit(64);
}

// Before Next.js loads anything: the config module reads these once.
const peerHeader = `${PEER_FAMILY}-${randomBytes(16).toString("hex")}`;
process.env.REDRIVE_PEER_HEADER = peerHeader;
process.env.PORT = String(port);
process.env.NODE_ENV ??= "production";

// Serve with the config the build recorded, as Next's own standalone server does: the container
// image has no next.config.ts beside it, and in a checkout (built with output "standalone" for the
// image) Next would otherwise warn that `next start` cannot serve such a build, which this server
// does. Next skips .env files then, so a checkout's are loaded here as `next start` loads them.
const distDir = process.env.REDRIVE_DIST_DIR || ".next";
const manifest = path.join(dir, distDir, "required-server-files.json");
const built = existsSync(manifest) ? JSON.parse(readFileSync(manifest, "utf8")).config : null;
const hasConfigFile = ["next.config.ts", "next.config.mjs", "next.config.js"].some((f) => existsSync(path.join(dir, f)));
if (built && !process.env.__NEXT_PRIVATE_STANDALONE_CONFIG) {
  if (hasConfigFile) {
    // Next's own loader, resolved from next itself (a dependency of it, not of Redrive).
    const { loadEnvConfig } = createRequire(createRequire(import.meta.url).resolve("next/package.json"))("@next/env");
    loadEnvConfig(dir, false, { info: () => {}, error: (...a) => console.error(...a) });
  }
  process.env.__NEXT_PRIVATE_STANDALONE_CONFIG = JSON.stringify(built);
}

// The base path is part of the build (the browser bundles carry it); next.config.ts reads
// REDRIVE_BASE_PATH again when Next.js loads it here, so it must say the same as at build time.
const basePath = built?.basePath ?? "";
// Empty counts as unset, as shells and container runtimes often leave variables.
const given = (process.env.REDRIVE_BASE_PATH ?? "").trim();
const asked = given.replace(/\/+$/, "");
if (built && given !== "" && asked !== basePath) {
  console.error(
    `Redrive cannot start: REDRIVE_BASE_PATH is "${process.env.REDRIVE_BASE_PATH}", but this build serves ${basePath ? `under ${basePath}` : "at the root"}. ` +
      `The base path is fixed when Redrive is built: rebuild with REDRIVE_BASE_PATH=${asked || '""'}, or ${basePath ? `set REDRIVE_BASE_PATH=${basePath}` : "unset REDRIVE_BASE_PATH"}.`,
  );
  process.exit(64);
}
process.env.REDRIVE_BASE_PATH = basePath;

const { default: next } = await import("next");
const app = next({ dev: false, dir, hostname: hostname ?? "localhost", port });
const handle = app.getRequestHandler();
await app.prepare();

/**
 * An answer that closes its connection before the request's body was read (today: a body over the
 * limit, answered 413 with Connection: close by lib/http/read-body.ts). Node closes such a socket as
 * soon as the answer is written; with the client's unread bytes still in it, the kernel then sends
 * a reset, and a client still writing may meet the reset before it has read the answer. So, as web
 * servers' "lingering close" does: the socket is half-closed (the client reads the answer to its
 * end), what still arrives is read and dropped, and the socket is closed when the client closes its
 * side or after LINGER_MS, whichever comes first. An answer that keeps its connection is left to
 * Node, which reads the rest of the body itself; it never calls destroySoon for it.
 */
const LINGER_MS = 2000;

function lingerAfterRefusal(req, res) {
  res.once("prefinish", () => {
    if (req.complete) return;
    const socket = req.socket;
    // Node calls destroySoon once the answer is out, for a response that closes its connection.
    socket.destroySoon = function lingeringClose() {
      if (this.destroyed) return;
      const close = () => {
        clearTimeout(timer);
        this.destroy();
      };
      const timer = setTimeout(close, LINGER_MS);
      timer.unref();
      this.once("end", close);
      this.on("error", close);
      this.end();
      this.resume();
    };
  });
}

/** Under the base path: "/redrive", "/redrive/…" or "/redrive?…". */
const underBase = (url) => basePath === "" || url === basePath || url.startsWith(`${basePath}/`) || url.startsWith(`${basePath}?`);

const server = createServer((req, res) => {
  // Next.js would render its not-found page (which sends a signed-out browser to sign-in) for paths
  // outside the base path: a probe pointed at /api/health/live would then follow a redirect to a 200
  // and pass. A plain 404 says where Redrive is.
  if (!underBase(req.url ?? "/")) {
    res.writeHead(404, { "content-type": "text/plain; charset=utf-8", "x-content-type-options": "nosniff" });
    res.end(`Not found: Redrive is served under ${basePath}/ (REDRIVE_BASE_PATH when it was built).\n`);
    return;
  }
  for (const name of Object.keys(req.headers)) if (name.startsWith(PEER_FAMILY)) delete req.headers[name];
  req.headers[peerHeader] = req.socket.remoteAddress ?? "";
  lingerAfterRefusal(req, res);
  handle(req, res).catch((e) => {
    console.error(JSON.stringify({ t: new Date().toISOString(), level: "error", msg: "request failed outside the app", url: req.url, error: String(e) }));
    if (!res.headersSent) {
      res.statusCode = 500;
      res.setHeader("content-type", "application/json; charset=utf-8");
      res.end(JSON.stringify({ error: { code: "INTERNAL", message: "Redrive could not answer this request; the server log has the details." } }));
    } else {
      res.destroy();
    }
  });
});

server.on("error", (e) => {
  console.error(`Redrive cannot serve on ${hostname ?? "*"}:${port}: ${e.message}`);
  process.exit(1);
});

server.listen(port, hostname, () => {
  const address = server.address();
  const shown = typeof address === "object" && address ? `${hostname ?? "localhost"}:${address.port}` : String(address);
  console.log(`Redrive serving on http://${shown}${basePath}`);
});

// Redrive's own shutdown (lib/lifecycle/install-shutdown.ts, installed while the app boots) owns
// SIGTERM/SIGINT: it lets in-flight publishes reach their confirms, hands leases back and exits,
// answering requests (probes say "stopping") until then. Only when it is not installed (the app
// failed to boot) does this server stop the way `next start` does: stop accepting, let requests in
// flight finish, close the app, exit.
let stopping = false;
for (const [signal, code] of [["SIGTERM", 143], ["SIGINT", 130]]) {
  process.on(signal, () => {
    if (stopping || globalThis.__redriveShutdownInstalled) return;
    stopping = true;
    server.close(() => void app.close().catch((e) => console.error(e)).finally(() => process.exit(code)));
    server.closeIdleConnections();
  });
}
