import { describe, expect, it } from "vitest";
import type { BrokerKind } from "@/lib/brokers/types";
import { remediationFor, shellArg } from "@/lib/health/remediation";
import { HEALTH_STATES } from "@/lib/health/types";

// Every kind, checked by the compiler: a new kind must be added here.
const KINDS = Object.keys({ nats: true, rabbitmq: true } satisfies Record<BrokerKind, true>) as BrokerKind[];

describe("remediation text per state", () => {
  it("gives every non-OK state on every broker a summary and at least one broker command naming the consumer's scope", () => {
    for (const kind of KINDS) {
      for (const state of HEALTH_STATES) {
        const r = remediationFor({ kind, state, parent: "ORDERS", name: "billing" });
        expect(r.summary.length, `${kind} ${state}`).toBeGreaterThan(10);
        if (state === "OK") {
          expect(r.steps).toEqual([]);
          continue;
        }
        const commands = r.steps.map((s) => s.command).filter((c): c is string => c !== null);
        expect(commands.length, `${kind} ${state}`).toBeGreaterThan(0);
        expect(commands.every((c) => (kind === "nats" ? /^nats / : /^rabbitmq(ctl|-diagnostics|-plugins) /).test(c)), `${kind} ${state}`).toBe(true);
      }
    }
  });

  it("speaks each broker's own terms", () => {
    expect(remediationFor({ kind: "nats", state: "STALLED", parent: "ORDERS", name: "billing" }).steps[0]!.command).toBe("nats consumer info ORDERS billing");
    expect(remediationFor({ kind: "rabbitmq", state: "STOPPED", parent: "/", name: "orders" }).steps.map((s) => s.command)).toContain("rabbitmqctl list_consumers -p /");
    expect(remediationFor({ kind: "rabbitmq", state: "MISSING", parent: "shop", name: "orders" }).summary).toMatch(/expected/);
  });

  it("quotes names a shell would misread", () => {
    expect(shellArg("orders.v2")).toBe("orders.v2");
    expect(shellArg("my queue")).toBe("'my queue'");
    expect(shellArg("it's; rm -rf /")).toBe(`'it'\\''s; rm -rf /'`);
    expect(remediationFor({ kind: "rabbitmq", state: "STOPPED", parent: "a b", name: "q" }).steps[1]!.command).toBe("rabbitmqctl list_consumers -p 'a b'");
  });
});
