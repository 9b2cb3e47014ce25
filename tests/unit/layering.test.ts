import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

// The layering of lib/, read from the sources: which lib/<folder> imports which. A cycle between
// folders means two domains lean on each other's insides (a protocol helper living in the wrong
// home); vendor broker SDKs are the brokers folder's alone, so a new kind is a driver, not a hunt.

const root = path.resolve(import.meta.dirname, "../..");
const lib = path.join(root, "lib");

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (name === "generated" || name === "node_modules") return [];
    if (statSync(full).isDirectory()) return sources(full);
    return /\.(ts|tsx)$/.test(name) && !name.endsWith(".d.ts") ? [full] : [];
  });
}

/** Every module specifier a file imports or re-exports (static and dynamic), comments left out. */
function specifiers(file: string): string[] {
  const text = readFileSync(file, "utf8")
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/^\s*\/\/.*$/gm, "");
  const found: string[] = [];
  for (const m of text.matchAll(
    /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*["']([^"']+)["']|(?:^|[\s;])import\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/gm,
  )) {
    found.push((m[1] ?? m[2] ?? m[3])!);
  }
  return found;
}

/** The lib/ node a file belongs to: its top folder, or the file itself for lib/config.ts and friends. */
function nodeOf(file: string): string {
  const rel = path.relative(lib, file).split(path.sep);
  return rel.length > 1 ? rel[0]! : rel[0]!.replace(/\.tsx?$/, "");
}

function targetOf(from: string, spec: string): string | null {
  let abs: string;
  if (spec.startsWith("@/")) abs = path.join(root, spec.slice(2));
  else if (spec.startsWith(".")) abs = path.resolve(path.dirname(from), spec);
  else return null;
  const rel = path.relative(lib, abs);
  if (rel.startsWith("..")) return null;
  return nodeOf(abs);
}

function folderGraph(): Map<string, Map<string, string>> {
  const graph = new Map<string, Map<string, string>>();
  for (const file of sources(lib)) {
    const from = nodeOf(file);
    for (const spec of specifiers(file)) {
      const to = targetOf(file, spec);
      if (!to || to === from) continue;
      const edges = graph.get(from) ?? new Map<string, string>();
      // One witness per edge, so a failure names the file to look at.
      if (!edges.has(to)) edges.set(to, path.relative(root, file));
      graph.set(from, edges);
    }
  }
  return graph;
}

/** Every elementary cycle's nodes, found by a depth-first walk from each node (the graph is small). */
function cycles(graph: Map<string, Map<string, string>>): string[][] {
  const found = new Map<string, string[]>();
  const walk = (start: string, node: string, trail: string[]) => {
    for (const next of graph.get(node)?.keys() ?? []) {
      if (next === start) {
        const key = [...trail].sort().join(",");
        if (!found.has(key)) found.set(key, [...trail, start]);
      } else if (!trail.includes(next) && next > start) {
        walk(start, next, [...trail, next]);
      }
    }
  };
  for (const node of graph.keys()) walk(node, node, [node]);
  return [...found.values()];
}

describe("lib layering", () => {
  it("has no import cycle between lib/ folders", () => {
    const graph = folderGraph();
    const described = cycles(graph).map((c) => c.map((n, i) => (i + 1 < c.length ? `${n} → (${graph.get(n)!.get(c[i + 1]!)})` : n)).join(" → "));
    expect(described).toEqual([]);
  });

  it("finds a cycle when there is one (the walk itself works)", () => {
    const g = new Map([
      ["a", new Map([["b", "x"]])],
      ["b", new Map([["c", "y"]])],
      ["c", new Map([["a", "z"]])],
      ["d", new Map([["a", "w"]])],
    ]);
    expect(cycles(g)).toEqual([["a", "b", "c", "a"]]);
  });

  it("imports amqplib and @nats-io only under lib/brokers/", () => {
    const outside = [...sources(lib), ...sources(path.join(root, "app")), ...sources(path.join(root, "components"))].flatMap((file) =>
      nodeOf(file) === "brokers" && file.startsWith(lib)
        ? []
        : specifiers(file)
            .filter((s) => s === "amqplib" || s.startsWith("amqplib/") || s.startsWith("@nats-io/"))
            .map((s) => `${path.relative(root, file)}: ${s}`),
    );
    expect(outside).toEqual([]);
  });

  it("reaches a broker kind's own folder (lib/brokers/<kind>/) only from lib/brokers/ itself", () => {
    const kinds = readdirSync(path.join(lib, "brokers")).filter((n) => statSync(path.join(lib, "brokers", n)).isDirectory());
    const reaching = [...sources(lib), ...sources(path.join(root, "app")), ...sources(path.join(root, "components"))].flatMap((file) =>
      nodeOf(file) === "brokers" && file.startsWith(lib)
        ? []
        : specifiers(file)
            .filter((s) => kinds.some((k) => s.startsWith(`@/lib/brokers/${k}/`)))
            .map((s) => `${path.relative(root, file)}: ${s}`),
    );
    expect(reaching).toEqual([]);
  });

  it("reads import specifiers, not comments", () => {
    const sample = path.join(root, "tests/unit/layering.test.ts");
    expect(specifiers(sample)).toContain("node:fs");
  });
});
