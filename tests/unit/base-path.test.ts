import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { ConfigError, loadConfig } from "@/lib/config";
import { parseBasePath } from "@/lib/parse-base-path";

function configDir(config: unknown): string {
  const dir = mkdtempSync(path.join(tmpdir(), "redrive-base-path-"));
  writeFileSync(
    path.join(dir, "redrive.config.json"),
    JSON.stringify({ clusters: [{ name: "n", kind: "nats", servers: ["nats://x:1"] }], ...(config as object) }),
  );
  return dir;
}

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("expected an error");
}

describe("parseBasePath (REDRIVE_BASE_PATH at build time)", () => {
  it("serves at the root when unset, empty or /", () => {
    expect(parseBasePath(undefined)).toBe("");
    expect(parseBasePath("")).toBe("");
    expect(parseBasePath("/")).toBe("");
    expect(parseBasePath("  ")).toBe("");
  });

  it("takes a path of one or more parts", () => {
    expect(parseBasePath("/redrive")).toBe("/redrive");
    expect(parseBasePath(" /ops/redrive ")).toBe("/ops/redrive");
    expect(parseBasePath("/team-a_1.console~x")).toBe("/team-a_1.console~x");
  });

  it("refuses each malformed path with a sentence saying what to write", () => {
    expect(messageOf(() => parseBasePath("redrive"))).toBe('REDRIVE_BASE_PATH is "redrive": it must start with "/", e.g. "/redrive".');
    expect(messageOf(() => parseBasePath("/redrive/"))).toBe('REDRIVE_BASE_PATH is "/redrive/": it must not end with "/"; write "/redrive".');
    expect(messageOf(() => parseBasePath("/a//b"))).toContain('must not hold "//"');
    expect(messageOf(() => parseBasePath("/a/../b"))).toContain('must not hold "." or ".." segments');
    for (const bad of ["/a b", "/a?b", "/a#b", "/a%2Fb", "/réd"])
      expect(messageOf(() => parseBasePath(bad))).toContain("each part may hold only letters, digits");
    expect(messageOf(() => parseBasePath(`/${"a".repeat(200)}`))).toContain("at most 200");
  });
});

describe("publicUrl and the base path the app was built for", () => {
  it("adds the base path to a bare publicUrl, to the default and to the local setup link", () => {
    const bare = loadConfig({}, configDir({ publicUrl: "https://ops.example.com/" }), "/redrive");
    expect(bare.publicUrl).toBe("https://ops.example.com/redrive");
    expect(bare.auth.publicOrigin).toBe("https://ops.example.com");
    const none = loadConfig({ PORT: "4000" }, configDir({}), "/redrive");
    // Without a publicUrl, links point at the port this process serves on, under the base path.
    expect(none.publicUrl).toBe("http://localhost:4000/redrive");
    expect(none.auth.localUrl).toBe("http://localhost:4000/redrive");
  });

  it("takes a publicUrl whose path is the base path, with or without a trailing slash", () => {
    expect(loadConfig({}, configDir({ publicUrl: "https://ops.example.com/redrive" }), "/redrive").publicUrl).toBe("https://ops.example.com/redrive");
    expect(loadConfig({}, configDir({ publicUrl: "https://ops.example.com/redrive/" }), "/redrive").publicUrl).toBe("https://ops.example.com/redrive");
  });

  it("refuses a publicUrl whose path is not the one the app was built for", () => {
    const e = messageOf(() => loadConfig({}, configDir({ publicUrl: "https://ops.example.com/console" }), "/redrive"));
    expect(e).toBe(
      "Invalid configuration: publicUrl is https://ops.example.com/console, whose path /console is not where this build of Redrive is served (under /redrive). " +
        "The base path is fixed when Redrive is built (REDRIVE_BASE_PATH): set publicUrl to https://ops.example.com/redrive, or build Redrive with REDRIVE_BASE_PATH=/console.",
    );
    const root = messageOf(() => loadConfig({}, configDir({ publicUrl: "https://ops.example.com/redrive" }), ""));
    expect(root).toContain("is not where this build of Redrive is served (at the root (/))");
    expect(root).toContain("set publicUrl to https://ops.example.com, or build Redrive with REDRIVE_BASE_PATH=/redrive");
    expect(() => loadConfig({}, configDir({ publicUrl: "https://ops.example.com/redrive?x=1" }), "/redrive")).toThrow(ConfigError);
  });

  it("leaves a root build as it was", () => {
    expect(loadConfig({}, configDir({ publicUrl: "https://ops.example.com" }), "").publicUrl).toBe("https://ops.example.com");
    expect(loadConfig({}, configDir({}), "").publicUrl).toBe("http://localhost:3000");
  });
});

describe("paths the browser asks for (lib/base-path.ts)", () => {
  /** The module as a build for `built` has it: Next.js writes REDRIVE_BUILT_BASE_PATH into the bundle. */
  async function builtFor(built: string | undefined) {
    const before = process.env.REDRIVE_BUILT_BASE_PATH;
    if (built === undefined) delete process.env.REDRIVE_BUILT_BASE_PATH;
    else process.env.REDRIVE_BUILT_BASE_PATH = built;
    vi.resetModules();
    try {
      return await import("@/lib/base-path");
    } finally {
      if (before === undefined) delete process.env.REDRIVE_BUILT_BASE_PATH;
      else process.env.REDRIVE_BUILT_BASE_PATH = before;
    }
  }

  it("adds the base path to the app's own paths and takes it off window.location's", async () => {
    const m = await builtFor("/redrive");
    expect(m.BASE_PATH).toBe("/redrive");
    expect(m.withBasePath("/api/jobs?state=running")).toBe("/redrive/api/jobs?state=running");
    expect(m.withBasePath("/")).toBe("/redrive/");
    expect(m.withBasePath("https://elsewhere.example/x")).toBe("https://elsewhere.example/x");
    expect(m.withoutBasePath("/redrive/consumers/abc")).toBe("/consumers/abc");
    expect(m.withoutBasePath("/redrive")).toBe("/");
    // Only a whole segment is the base path.
    expect(m.withoutBasePath("/redriveX/y")).toBe("/redriveX/y");
  });

  it("changes nothing in a build at the root", async () => {
    const m = await builtFor(undefined);
    expect(m.BASE_PATH).toBe("");
    expect(m.withBasePath("/api/jobs")).toBe("/api/jobs");
    expect(m.withoutBasePath("/consumers")).toBe("/consumers");
  });
});
