/**
 * Summarises V8 CPU profiles (.cpuprofile, from `node --cpu-prof`, e.g. the load run's
 * REDRIVE_LOAD_CPU_PROF): where the time went, by package or file, and by function (self and total).
 *
 *   node --import tsx scripts/load/profile-summary.ts FILE.cpuprofile [--top N] [--match TEXT]
 *
 * --match keeps only the time spent under a function whose name or file holds TEXT (e.g. "authenticate").
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

type Frame = { functionName: string; url: string; lineNumber: number };
type ProfileNode = { id: number; callFrame: Frame; children?: number[] };
type Profile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number };

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: "string" }, match: { type: "string" } } });
const top = Number(values.top ?? 30);

/** node_modules/<package> (scoped too), the app's own file, or node's internals. */
function place(url: string): string {
  if (!url) return "(native / V8)";
  const nm = url.lastIndexOf("node_modules/");
  if (nm >= 0) {
    const rest = url.slice(nm + "node_modules/".length).split("/");
    return rest[0]?.startsWith("@") ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url);
  }
  if (url.startsWith("node:")) return "node:" + url.slice(5).split("/")[0];
  const next = url.indexOf("/.next/");
  return next >= 0 ? url.slice(next + 1) : url.replace(/^file:\/\//, "");
}

function summarise(file: string) {
  const p = JSON.parse(readFileSync(file, "utf8")) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000));
  const key = (f: Frame) => `${f.functionName || "(anonymous)"}  ${place(f.url)}:${f.lineNumber + 1}`;
  const matches = (f: Frame) => !values.match || f.functionName.includes(values.match) || f.url.includes(values.match);

  const total = (p.endTime - p.startTime) / 1000;
  const bySelf = new Map<string, number>();
  const byPlace = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let kept = 0;
  for (const [id, ms] of self) {
    const stack: Frame[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) stack.push(byId.get(at)!.callFrame);
    if (!stack.some(matches)) continue;
    kept += ms;
    const f = stack[0]!;
    const name = f.functionName === "(idle)" || f.functionName === "(program)" || f.functionName === "(garbage collector)" ? f.functionName : key(f);
    bySelf.set(name, (bySelf.get(name) ?? 0) + ms);
    byPlace.set(f.url ? place(f.url) : f.functionName || "(native / V8)", (byPlace.get(f.url ? place(f.url) : f.functionName || "(native / V8)") ?? 0) + ms);
    for (const k of new Set(stack.map(key))) inclusive.set(k, (inclusive.get(k) ?? 0) + ms);
  }
  const busy = kept - (bySelf.get("(idle)") ?? 0);
  const show = (title: string, m: Map<string, number>) => {
    console.log(`\n${title}`);
    for (const [k, ms] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${ms.toFixed(0).padStart(9)} ms ${((100 * ms) / busy).toFixed(1).padStart(5)}%  ${k}`);
  };
  console.log(`${file}: ${total.toFixed(0)} ms profiled, ${busy.toFixed(0)} ms busy${values.match ? ` under "${values.match}"` : ""} (percentages are of busy time)`);
  show("self time by package / file", byPlace);
  show("self time by function", bySelf);
  show("total time (self + callees) by function", inclusive);
}

for (const f of positionals) summarise(f);
