import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

// The server build writes the modules every API route shares into one chunk per route, and the
// running app holds each copy's source as a string. V8 keeps a string at one byte a character only
// while every character is Latin-1 (U+0000–U+00FF); one em dash makes the whole source two bytes a
// character, in every copy. Those chunks must stay Latin-1 (lib/http/define-route.ts's dash, the
// Prisma schema's comments, which the generated client embeds).

const CHUNKS = path.resolve(import.meta.dirname, "..", "..", ".next", "server", "chunks");

describe("the server build", () => {
  it("keeps the chunks copied once per route at one byte a character", () => {
    const files = readdirSync(CHUNKS)
      .filter((f) => f.endsWith(".js"))
      .map((f) => path.join(CHUNKS, f));
    const bySize = new Map<number, string[]>();
    for (const f of files) {
      const size = statSync(f).size;
      bySize.set(size, [...(bySize.get(size) ?? []), f]);
    }
    // Copies: five or more files of the same size, over 50 KB.
    const copied = [...bySize.entries()].filter(([size, list]) => size > 50_000 && list.length >= 5);
    expect(copied.length, "no chunk copied per route: the build's layout changed, and this test must follow it").toBeGreaterThan(0);
    for (const [size, list] of copied) {
      const text = readFileSync(list[0]!, "utf8");
      const wide = [...text.matchAll(/[^\u0000-\u00ff]/gu)].map((m) => `${JSON.stringify(m[0])} in …${text.slice(Math.max(0, m.index - 60), m.index + 20)}…`);
      expect(wide, `${path.basename(list[0]!)} (${size} bytes, ${list.length} copies) holds characters past U+00FF`).toEqual([]);
    }
  });
});
