import { describe, expect, it } from "vitest";
import { runAppExpectingExit, startApp, apiRaw } from "./support/app-server";

describe("starting Redrive", () => {
  it("stops with a message naming the field when the config is wrong", async () => {
    const { code, output } = await runAppExpectingExit(JSON.stringify({ clusters: [{ name: "edge", kind: "nats", servers: ["http://edge:4222"] }] }));
    expect(code).toBe(78);
    expect(output).toContain("Redrive cannot start.");
    expect(output).toContain("clusters[0].servers[0]: must be a URL starting with nats:// or tls://");
  });

  it("stops with a clear message when the config file is not JSON", async () => {
    const { code, output } = await runAppExpectingExit("{ clusters: ");
    expect(code).toBe(78);
    expect(output).toMatch(/The configuration file .*redrive\.config\.json is not valid JSON/);
  });

  it("serves with an embedded store when no DATABASE_URL is set", async () => {
    const app = await startApp(
      { clusters: [{ name: "local-nats", kind: "nats", servers: ["nats://127.0.0.1:4222"] }] },
      { DATABASE_URL: "" },
    );
    try {
      const res = await apiRaw(app, "/api/health");
      const body = (await res.json()) as { data: { status: string; store: { ok: boolean; kind: string } } };
      expect(res.status).toBe(200);
      expect(body.data.store).toMatchObject({ ok: true, kind: "embedded" });
      expect(body.data.status).toBe("ok");
      const page = await apiRaw(app, "/");
      expect(page.status).toBe(200);
      expect(await page.text()).toContain("local-nats");
    } finally {
      await app.stop();
    }
  });
});
