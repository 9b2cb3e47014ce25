import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { npmStart } from "../../scripts/npm-start";

// npm start is read by the bench (it serves the app as npm start runs it) and by the image's and the
// examples' tests: the environment it sets and the command line must come apart exactly.

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function withStart(start: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), "redrive-npm-start-"));
  dirs.push(dir);
  writeFileSync(path.join(dir, "package.json"), JSON.stringify({ scripts: { start } }));
  return dir;
}

describe("npmStart", () => {
  it("reads the repository's start script: the allocator's setting, then node with the heap's bounds and server.mjs", () => {
    expect(npmStart()).toEqual({ env: { MALLOC_ARENA_MAX: "2" }, command: ["node", "--max-semi-space-size=16", "--max-old-space-size=1024", "server.mjs"] });
  });

  it("separates every leading assignment from the command, values with = kept whole", () => {
    expect(npmStart(withStart("A=1 B_2=x=y node --flag server.mjs"))).toEqual({ env: { A: "1", B_2: "x=y" }, command: ["node", "--flag", "server.mjs"] });
    expect(npmStart(withStart("node server.mjs"))).toEqual({ env: {}, command: ["node", "server.mjs"] });
  });

  it("refuses a start script that is not node … server.mjs, naming it", () => {
    expect(() => npmStart(withStart("next start"))).toThrow(/"next start": expected \[NAME=value …\] node \[flags\] server\.mjs/);
    expect(() => npmStart(withStart("A=1 node server.js"))).toThrow(/expected/);
    expect(() => npmStart(withStart("node server.mjs A=1"))).toThrow(/expected/);
  });
});
