import "server-only";
import { getConfig } from "@/lib/config";
import { redactSecrets } from "@/lib/errors";

// Structured one-line logs. Every value passes through redactSecrets: logs never carry credentials.

type Level = "debug" | "info" | "warn" | "error";
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

function threshold(): number {
  try {
    return ORDER[getConfig().logLevel];
  } catch {
    return ORDER.info;
  }
}

function serialise(v: unknown): unknown {
  if (v instanceof Error) {
    return { name: v.name, message: redactSecrets(v.message), ...(v.cause !== undefined ? { cause: serialise(v.cause) } : {}) };
  }
  return v;
}

function write(level: Level, msg: string, context: Record<string, unknown> = {}): void {
  if (ORDER[level] < threshold()) return;
  const fields = Object.fromEntries(Object.entries(context).map(([k, v]) => [k, serialise(v)]));
  const line = redactSecrets(JSON.stringify({ t: new Date().toISOString(), level, msg, ...fields }));
  if (level === "error" || level === "warn") console.error(line);
  else console.log(line);
}

export const log = {
  debug: (msg: string, ctx?: Record<string, unknown>) => write("debug", msg, ctx),
  info: (msg: string, ctx?: Record<string, unknown>) => write("info", msg, ctx),
  warn: (msg: string, ctx?: Record<string, unknown>) => write("warn", msg, ctx),
  error: (msg: string, ctx?: Record<string, unknown>) => write("error", msg, ctx),
};
