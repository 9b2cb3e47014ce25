import { describe, expect, it } from "vitest";
import { retryDelayMs } from "@/lib/notifications/backoff";
import { buildMessage } from "@/lib/notifications/build-message";
import { globMatch } from "@/lib/notifications/glob-match";
import { incidentWindow, targetHref } from "@/lib/notifications/incident-link";
import { maskUrl } from "@/lib/notifications/mask-url";
import { renderBody } from "@/lib/notifications/render-body";
import { describeRule, readRuleParams } from "@/lib/notifications/rule-params";
import { parseExposition } from "../support/parse-exposition";

const consumer = { type: "consumer" as const, id: "7d7e0c56-3f0e-4d5c-9a43-6c2c1c9f0a11", cluster: "prod-rmq", kind: "rabbitmq" as const, parent: "/", name: "orders <&> x" };
const started = new Date("2026-11-20T08:00:00.000Z");
const fired = new Date("2026-11-20T08:02:00.000Z");

describe("notification links", () => {
  it("carry an absolute window around the incident, so yesterday's link shows yesterday", () => {
    expect(incidentWindow({ startedAt: started, firedAt: fired, resolvedAt: null })).toEqual({ from: "2026-11-20T07:30:00.000Z", to: "2026-11-20T08:32:00.000Z" });
    const resolved = new Date("2026-11-20T09:00:00.000Z");
    expect(incidentWindow({ startedAt: started, firedAt: fired, resolvedAt: resolved })).toEqual({ from: "2026-11-20T07:30:00.000Z", to: "2026-11-20T09:15:00.000Z" });
  });

  it("point at pages by id, never by name", () => {
    const w = { from: "2026-11-20T07:30:00.000Z", to: "2026-11-20T08:32:00.000Z" };
    expect(targetHref(consumer, w)).toBe(`/consumers/${consumer.id}?from=2026-11-20T07%3A30%3A00.000Z&to=2026-11-20T08%3A32%3A00.000Z`);
    expect(targetHref({ type: "dlq", id: "d1", cluster: "c", kind: "rabbitmq", name: "v/orders.dlq" }, null)).toBe("/dlqs/d1");
    expect(targetHref({ type: "source", cluster: "c", source: "v/orders", consumerId: null }, w)).toBe("/dead-letters?cluster=c");
  });
});

describe("notification bodies", () => {
  const message = buildMessage(
    { id: "i1", number: 12, ruleId: "r1", ruleName: "stopped", ruleKind: "consumer-state", target: consumer, title: "STOPPED: orders <&> x", summary: "backlog 37 and no consumer", startedAt: started, firedAt: fired, resolvedAt: null },
    "firing",
    "https://redrive.example.com/",
  );

  it("generic JSON carries the facts and the deep link", () => {
    const body = renderBody("webhook", message);
    expect(body).toMatchObject({ version: 1, status: "firing", rule: { name: "stopped", kind: "consumer-state" }, incident: { number: 12, startedAt: started.toISOString() }, target: consumer });
    expect(body.link).toBe(`https://redrive.example.com/consumers/${consumer.id}?from=2026-11-20T07%3A30%3A00.000Z&to=2026-11-20T08%3A32%3A00.000Z`);
  });

  it("Slack-compatible text escapes broker names and links the page", () => {
    const body = renderBody("slack", message) as { text: string; blocks: unknown[] };
    expect(body.text).toContain("*FIRING* STOPPED: orders &lt;&amp;&gt; x");
    expect(body.text).toContain(`<${message.link}|Open in Redrive>`);
    expect(JSON.stringify(body.blocks)).toContain(message.link);
    expect(JSON.stringify(body.blocks)).toContain(`since <!date^${started.getTime() / 1000}^{date_short_pretty} {time_secs}|${started.toISOString()}>`);
  });
});

describe("notification helpers", () => {
  it("backs off exponentially up to a ceiling", () => {
    expect([1, 2, 3, 4, 5].map((n) => retryDelayMs(n, 5000, 30_000))).toEqual([5000, 10_000, 20_000, 30_000, 30_000]);
  });

  it("masks everything past the host of a webhook URL", () => {
    expect(maskUrl("https://hooks.slack.com/services/T000/B000/XXXX")).toBe("https://hooks.slack.com/••••••");
    expect(maskUrl("http://127.0.0.1:9000/")).toBe("http://127.0.0.1:9000/");
    expect(maskUrl("https://user:secret@example.com/")).toBe("https://example.com/••••••");
    expect(maskUrl(null)).toBeNull();
  });

  it("matches names with * globs", () => {
    expect(globMatch("orders/*", "orders/fulfilment")).toBe(true);
    expect(globMatch("*.dlq", "prod/orders.dlq")).toBe(true);
    expect(globMatch("orders", "orders2")).toBe(false);
    expect(globMatch("a.b", "axb")).toBe(false);
  });

  it("reads stored rules and says them in words", () => {
    const p = readRuleParams("consumer-state", { states: ["STALLED", "STOPPED", "FAILING"] });
    expect(p && describeRule(p)).toBe("a consumer is STALLED, STOPPED or FAILING");
    expect(readRuleParams("consumer-state", { states: [] })).toBeNull();
    const eta = readRuleParams("time-to-drain", { aboveSeconds: 1800 });
    expect(eta && describeRule(eta)).toBe("a consumer's time to drain is above 30 min");
    const old = readRuleParams("oldest-message-age", { aboveSeconds: 900 });
    expect(old).toEqual({ kind: "oldest-message-age", aboveSeconds: 900, includeEstimates: false });
    expect(old && describeRule(old)).toBe("a consumer's oldest waiting message is older than 15 min");
    const est = readRuleParams("oldest-message-age", { aboveSeconds: 3600, includeEstimates: true });
    expect(est && describeRule(est)).toBe("a consumer's oldest waiting message is older than 1 h (or estimated to be, where the broker does not tell)");
    const missing = readRuleParams("consumer-state", { states: ["MISSING"] });
    expect(missing && describeRule(missing)).toBe("a consumer is MISSING");
  });
});

describe("the exposition reader used by the metrics tests", () => {
  it("reads families, labels with escapes and values, and refuses malformed lines", () => {
    const f = parseExposition('# HELP a_total x\n# TYPE a_total counter\na_total{q="a\\"b\\\\c",v="/"} 3\n# TYPE h histogram\nh_bucket{le="+Inf"} 1\nh_sum 0.5\nh_count 1\n');
    expect(f.get("a_total")?.samples[0]).toEqual({ name: "a_total", labels: { q: 'a"b\\c', v: "/" }, value: 3 });
    expect(f.get("h")?.samples).toHaveLength(3);
    expect(() => parseExposition("x 1\n")).toThrow(/before its TYPE/);
    expect(() => parseExposition('# TYPE x gauge\nx{a=b} 1\n')).toThrow(/unquoted/);
  });
});
