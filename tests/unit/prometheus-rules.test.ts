import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

// The example rules in docs/ stay valid: proper YAML in Prometheus' rule-file shape, every metric
// they use is one Redrive serves, and every alert links to a Redrive page by id.

type Rule = { alert?: string; expr?: string; for?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
const root = process.cwd();
const file = parse(readFileSync(path.join(root, "docs/prometheus/redrive-rules.yml"), "utf8")) as { groups: Array<{ name: string; rules: Rule[] }> };

/** Every metric family Redrive defines, read from the modules that define them. */
function servedMetrics(): Set<string> {
  const names = new Set<string>();
  for (const f of ["lib/metrics/render-metrics.ts", "lib/metrics/process-metrics.ts"]) {
    const src = readFileSync(path.join(root, f), "utf8");
    for (const m of src.matchAll(/["'](redrive_[a-z_]+)["']/g)) names.add(m[1]!);
  }
  return names;
}

describe("docs/prometheus/redrive-rules.yml", () => {
  const rules = file.groups.flatMap((g) => g.rules);

  it("is a Prometheus rule file with named groups of alerts", () => {
    expect(file.groups.length).toBeGreaterThan(0);
    expect(new Set(file.groups.map((g) => g.name)).size).toBe(file.groups.length);
    for (const r of rules) {
      expect(r.alert, JSON.stringify(r)).toMatch(/^Redrive[A-Za-z]+$/);
      expect(typeof r.expr).toBe("string");
      if (r.for) expect(r.for).toMatch(/^\d+[smh]$/);
      expect(Object.keys(r).every((k) => ["alert", "expr", "for", "labels", "annotations"].includes(k))).toBe(true);
    }
    expect(new Set(rules.map((r) => r.alert)).size).toBe(rules.length);
  });

  it("uses only metrics Redrive serves", () => {
    const served = servedMetrics();
    expect(served.size).toBeGreaterThan(20);
    for (const r of rules) {
      const used = [...`${r.expr} ${Object.values(r.annotations ?? {}).join(" ")}`.matchAll(/\b(redrive_[a-z_]+)/g)].map((m) => m[1]!);
      expect(used.length, r.alert).toBeGreaterThan(0);
      for (const name of used) expect(served.has(name.replace(/_(bucket|sum|count)$/, "")) || served.has(name), `${r.alert}: ${name}`).toBe(true);
    }
  });

  it("gives every alert a deep link to an existing Redrive page, by id, with an absolute window where it has one", () => {
    for (const r of rules) {
      const link = r.annotations?.redrive_url;
      expect(link, r.alert).toMatch(/^https:\/\/redrive\.example\.com\//);
      const page = new URL(link!.replace(/\{\{.*?\}\}/g, "x")).pathname;
      const route = page === "/" ? "app/page.tsx" : page.replace(/^\/(consumers|dlqs)\/x$/, "app/$1/[id]/page.tsx").replace(/^\/(dead-letters|settings\/notifications)$/, "app/$1/page.tsx");
      expect(existsSync(path.join(root, route)), `${r.alert}: ${page}`).toBe(true);
      if (/\/(consumers|dlqs)\//.test(link!)) expect(link).toMatch(/\{\{ \$labels\.(consumer_id|dlq_id) \}\}/);
      if (link!.includes("from=")) expect(link).toMatch(/from=\{\{.*\}\}&to=\{\{.*\}\}$/);
      // Go template actions balance.
      expect((link!.match(/\{\{/g) ?? []).length).toBe((link!.match(/\}\}/g) ?? []).length);
    }
  });
});

describe("absolute windows in links", () => {
  it("accept Unix seconds (from alert templates) as well as ISO times", async () => {
    const { parseInstant, parseTimeRange } = await import("@/components/consumers/time-range");
    expect(parseInstant("1763712000")).toBe("2025-11-21T08:00:00.000Z");
    expect(parseInstant("1763712000000")).toBe("2025-11-21T08:00:00.000Z");
    expect(parseInstant("2025-11-21T08:00:00Z")).toBe("2025-11-21T08:00:00.000Z");
    expect(parseInstant("yesterday")).toBeNull();
    expect(parseTimeRange(new URLSearchParams("from=1763712000&to=1763715600"))).toEqual({ kind: "absolute", from: "2025-11-21T08:00:00.000Z", to: "2025-11-21T09:00:00.000Z" });
  });
});

const promtool = ["/usr/bin/promtool", "/usr/local/bin/promtool"].find((p) => existsSync(p));

describe("the example rules under promtool", () => {
  // promtool comes with Debian's prometheus package; where it is missing this check is skipped.
  it.skipIf(!promtool)("fire in its unit tests, with the deep links rendered from the series", async () => {
    const { spawnSync } = await import("node:child_process");
    const r = spawnSync(promtool!, ["test", "rules", "redrive-rules.test.yml"], { cwd: path.join(root, "docs/prometheus"), encoding: "utf8" });
    expect(r.stdout + r.stderr).toContain("SUCCESS");
    expect(r.status).toBe(0);
  });
});
