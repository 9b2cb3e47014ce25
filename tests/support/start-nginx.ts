import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

export const NGINX = "/usr/sbin/nginx";

export type RunningNginx = {
  /** http://127.0.0.1:<port>, without a path. */
  origin: string;
  port: number;
  /** What nginx wrote to its error log (startup problems, upstream errors). */
  errors: () => string;
  /** Every request nginx served, one "<status> <method> <uri>" per line. */
  requests: () => string[];
  stop(): Promise<void>;
};

/**
 * A real nginx (Debian's) on `port` in front of Redrive, started the way an operator would run it,
 * with a configuration of its own in a temporary prefix: nothing of the system's /etc/nginx is used.
 * `server` is the body of the server block (its `location`s); `http` adds to the http block.
 */
export async function startNginx(options: { port: number; server: string; http?: string }): Promise<RunningNginx> {
  const prefix = mkdtempSync(path.join(tmpdir(), "redrive-nginx-"));
  for (const d of ["logs", "temp"]) mkdirSync(path.join(prefix, d));
  const conf = path.join(prefix, "nginx.conf");
  writeFileSync(
    conf,
    `worker_processes 1;
error_log ${prefix}/logs/error.log warn;
events { worker_connections 256; }
http {
  log_format requests '$status $request_method $request_uri';
  access_log ${prefix}/logs/access.log requests;
  client_body_temp_path ${prefix}/temp/body;
  proxy_temp_path ${prefix}/temp/proxy;
  fastcgi_temp_path ${prefix}/temp/fastcgi;
  uwsgi_temp_path ${prefix}/temp/uwsgi;
  scgi_temp_path ${prefix}/temp/scgi;
  ${options.http ?? ""}
  server {
    listen 127.0.0.1:${options.port};
    server_name localhost;
${options.server}
  }
}
`,
  );

  const child: ChildProcess = spawn(NGINX, ["-p", prefix, "-e", `${prefix}/logs/error.log`, "-c", conf, "-g", `daemon off; pid ${prefix}/nginx.pid;`], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const read = (f: string) => (existsSync(path.join(prefix, "logs", f)) ? readFileSync(path.join(prefix, "logs", f), "utf8") : "");

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      // QUIT: nginx's graceful stop; TERM after a while if a connection lingers.
      child.kill("SIGQUIT");
      const t = setTimeout(() => child.kill("SIGTERM"), 5000);
      await exited;
      clearTimeout(t);
    }
    rmSync(prefix, { recursive: true, force: true });
  };

  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) {
      const why = `${output}${read("error.log")}`;
      await stop();
      throw new Error(`nginx exited with code ${child.exitCode} before listening:\n${why}\n--- nginx.conf ---\n${readFileSync(conf, "utf8")}`);
    }
    if (await listening(options.port)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`nginx did not listen on 127.0.0.1:${options.port} within 15 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    origin: `http://127.0.0.1:${options.port}`,
    port: options.port,
    errors: () => read("error.log"),
    requests: () => read("access.log").split("\n").filter(Boolean),
    stop,
  };
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, "127.0.0.1");
    s.once("connect", () => (s.destroy(), resolve(true)));
    s.once("error", () => resolve(false));
  });
}
