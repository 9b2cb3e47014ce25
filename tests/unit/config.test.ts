import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, DEFAULT_CAPTURE, DEFAULT_CLUSTERS, DEFAULT_RABBIT_DEAD_LETTERS, DEFAULT_THRESHOLDS, loadConfig } from "@/lib/config";

function dirWith(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "redrive-config-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig", () => {
  it("watches the local brokers and uses the embedded store when nothing is configured", () => {
    const dir = dirWith({});
    const c = loadConfig({}, dir);
    expect(c.source).toBe("built-in defaults");
    expect(c.clusters.map((x) => x.name)).toEqual(DEFAULT_CLUSTERS.map((x) => x.name));
    const rabbit = c.clusters.find((x) => x.kind === "rabbitmq");
    expect(rabbit).toMatchObject({ user: "guest", password: "guest", managementUrl: DEFAULT_CLUSTERS[1].managementUrl });
    expect(c.database).toEqual({ kind: "embedded", dataDir: path.join(dir, ".redrive/data") });
    expect(c.statusIntervalMs).toBe(5000);
    expect(c.connectTimeoutMs).toBe(5000);
  });

  it("reads redrive.config.json and takes secrets from the environment", () => {
    const dir = dirWith({
      "redrive.config.json": JSON.stringify({
        clusters: [
          { name: "prod-rmq", kind: "rabbitmq", amqpUrl: "amqp://ops@rmq:5672", managementUrl: "http://rmq:15672/", passwordEnv: "RMQ_PASS", vhosts: ["orders"] },
          { name: "prod-nats", kind: "nats", servers: ["nats://a:4222", "nats://b:4222"], tokenEnv: "NATS_TOKEN" },
        ],
        statusIntervalSeconds: 10,
      }),
    });
    const c = loadConfig({ RMQ_PASS: "s3cret", NATS_TOKEN: "tok", DATABASE_URL: "postgres://u@db/redrive" }, dir);
    expect(c.source).toBe(path.join(dir, "redrive.config.json"));
    expect(c.clusters[0]).toEqual({ name: "prod-rmq", kind: "rabbitmq", health: DEFAULT_THRESHOLDS, deadLetters: DEFAULT_RABBIT_DEAD_LETTERS, amqpUrl: "amqp://ops@rmq:5672", managementUrl: "http://rmq:15672", user: "ops", password: "s3cret", vhosts: ["orders"] });
    expect(c.clusters[1]).toMatchObject({ kind: "nats", token: "tok", servers: ["nats://a:4222", "nats://b:4222"] });
    expect(c.database).toEqual({ kind: "postgres", url: "postgres://u@db/redrive" });
    expect(c.statusIntervalMs).toBe(10_000);
  });

  it("reads YAML from the path in REDRIVE_CONFIG", () => {
    const dir = dirWith({ "ops.yaml": "clusters:\n  - name: edge\n    kind: nats\n    servers: [nats://edge:4222]\n" });
    const c = loadConfig({ REDRIVE_CONFIG: "ops.yaml" }, dir);
    expect(c.clusters).toEqual([{ name: "edge", kind: "nats", health: DEFAULT_THRESHOLDS, capture: DEFAULT_CAPTURE, servers: ["nats://edge:4222"], user: undefined, password: undefined, token: undefined }]);
  });

  it("hands each cluster its expected consumers, and refuses one naming no cluster", () => {
    const yaml = (list: string) => `clusters:\n  - name: edge\n    kind: nats\n    servers: [nats://edge:4222]\nexpectedConsumers:\n${list}`;
    const c = loadConfig({ REDRIVE_CONFIG: "ops.yaml" }, dirWith({ "ops.yaml": yaml("  - { cluster: edge, name: ORDERS/billing }\n  - { cluster: edge, pattern: ORDERS/worker-*, minConsumers: 2 }\n") }));
    expect(c.clusters[0]).toMatchObject({ expected: [{ cluster: "edge", key: "ORDERS/billing", minConsumers: 1 }, { cluster: "edge", key: "ORDERS/worker-*", minConsumers: 2 }] });
    expect(() => loadConfig({ REDRIVE_CONFIG: "ops.yaml" }, dirWith({ "ops.yaml": yaml("  - { cluster: nowhere, name: ORDERS/billing }\n") }))).toThrow(/expectedConsumers\[0\]\.cluster names "nowhere"/);
    expect(() => loadConfig({ REDRIVE_CONFIG: "ops.yaml" }, dirWith({ "ops.yaml": yaml("  - { cluster: edge, name: ORDERS/billing, pattern: ORDERS/* }\n") }))).toThrow(/exactly one of name and pattern/);
    expect(() => loadConfig({ REDRIVE_CONFIG: "ops.yaml" }, dirWith({ "ops.yaml": yaml("  - { cluster: edge, name: billing }\n") }))).toThrow(/expectedConsumers\[0\]\.name: must be "stream\/consumer" or "vhost\/queue"/);
  });

  it("takes a queue of RabbitMQ's default vhost \"/\" as an expected consumer (//orders)", () => {
    const dir = dirWith({
      "ops.yaml": 'clusters:\n  - name: rmq\n    kind: rabbitmq\n    amqpUrl: amqp://rmq:5672\n    managementUrl: http://rmq:15672\nexpectedConsumers:\n  - { cluster: rmq, name: "//orders" }\n  - { cluster: rmq, name: "billing/invoices", minConsumers: 2 }\n',
    });
    expect(loadConfig({ REDRIVE_CONFIG: "ops.yaml" }, dir).clusters[0]).toMatchObject({ expected: [{ key: "//orders", minConsumers: 1 }, { key: "billing/invoices", minConsumers: 2 }] });
  });

  it("switches a NATS cluster's time lag off only when told", () => {
    const dir = dirWith({ "ops.yaml": "clusters:\n  - name: edge\n    kind: nats\n    servers: [nats://edge:4222]\n    timeLag: false\n" });
    expect(loadConfig({ REDRIVE_CONFIG: "ops.yaml" }, dir).clusters[0]).toMatchObject({ timeLag: false });
  });

  it("layers health thresholds: defaults, then the file's, then the cluster's; and reads the sampler settings", () => {
    const dir = dirWith({
      "redrive.config.json": JSON.stringify({
        sampler: { intervalSeconds: 15, rawRetentionHours: 6 },
        health: { stallSeconds: 300 },
        clusters: [
          { name: "a", kind: "nats", servers: ["nats://a:4222"], health: { lagMinGrowth: 5000 } },
          { name: "b", kind: "nats", servers: ["nats://b:4222"] },
        ],
      }),
    });
    const c = loadConfig({}, dir);
    expect(c.clusters[0]!.health).toEqual({ ...DEFAULT_THRESHOLDS, stallSeconds: 300, lagMinGrowth: 5000 });
    expect(c.clusters[1]!.health).toEqual({ ...DEFAULT_THRESHOLDS, stallSeconds: 300 });
    expect(c.sampler).toEqual({ intervalMs: 15_000, rawRetentionMs: 6 * 3_600_000, rollupRetentionMs: 30 * 86_400_000 });
    const tooFast = dirWith({ "redrive.config.json": JSON.stringify({ sampler: { intervalSeconds: 2 }, clusters: [{ name: "a", kind: "nats", servers: ["nats://a:4222"] }] }) });
    expect(errorOf(() => loadConfig({}, tooFast)).message).toContain("sampler.intervalSeconds: must be at least 5 (seconds)");
  });

  it("names the field and the problem when the config is wrong", () => {
    const dir = dirWith({
      "redrive.config.json": JSON.stringify({ clusters: [{ name: "x", kind: "rabbitmq", amqpUrl: "http://nope", managementUrl: "http://m:15672" }] }),
    });
    const e = errorOf(() => loadConfig({}, dir));
    expect(e.message).toContain("redrive.config.json");
    expect(e.message).toContain("clusters[0].amqpUrl: must be a URL starting with amqp:// or amqps://");
  });

  it("rejects unknown kinds, unknown fields, duplicate names and empty lists", () => {
    const cases: Array<[unknown, string]> = [
      [{ clusters: [{ name: "a", kind: "kafka" }] }, "clusters[0].kind"],
      [{ clusters: [{ name: "a", kind: "nats", servers: ["nats://x:1"], sever: 1 }] }, "sever"],
      [{ clusters: [{ name: "a", kind: "nats", servers: ["nats://x:1"] }, { name: "a", kind: "nats", servers: ["nats://y:1"] }] }, 'clusters[1].name: "a" is used by two clusters'],
      [{ clusters: [] }, "clusters: must list at least one cluster"],
      [{ clusters: [{ name: "a b", kind: "nats", servers: ["nats://x:1"] }] }, "clusters[0].name"],
    ];
    for (const [raw, expected] of cases) {
      const dir = dirWith({ "redrive.config.json": JSON.stringify(raw) });
      expect(errorOf(() => loadConfig({}, dir)).message).toContain(expected);
    }
  });

  it("explains unparseable files, missing files and unset secret variables", () => {
    expect(errorOf(() => loadConfig({}, dirWith({ "redrive.config.json": "{ clusters: [" }))).message).toMatch(/is not valid JSON/);
    expect(errorOf(() => loadConfig({}, dirWith({ "redrive.config.yaml": "clusters: [\n  - : :" }))).message).toMatch(/is not valid YAML/);
    expect(errorOf(() => loadConfig({ REDRIVE_CONFIG: "missing.json" }, dirWith({}))).message).toMatch(/REDRIVE_CONFIG names .*missing\.json, which does not exist/);
    const dir = dirWith({ "redrive.config.json": JSON.stringify({ clusters: [{ name: "n", kind: "nats", servers: ["nats://x:1"], passwordEnv: "NATS_PW" }] }) });
    expect(errorOf(() => loadConfig({}, dir)).message).toBe("Invalid configuration: clusters[0].passwordEnv names the environment variable NATS_PW, which is not set.");
  });

  it("rejects a malformed environment", () => {
    const e = errorOf(() => loadConfig({ DATABASE_URL: "mysql://x", REDRIVE_LOG_LEVEL: "loud" }, dirWith({})));
    expect(e.message).toContain("DATABASE_URL: must be a URL starting with postgres:// or postgresql://");
    expect(e.message).toContain("REDRIVE_LOG_LEVEL");
  });
  it("reads publicUrl, metrics and notifications, with webhook URLs from the environment", () => {
    const none = loadConfig({}, dirWith({}));
    expect(none.publicUrl).toBe("http://localhost:3000");
    // A server started on another port links to that port, not to 3000.
    expect(loadConfig({ PORT: "8088" }, dirWith({})).publicUrl).toBe("http://localhost:8088");
    expect(loadConfig({ PORT: "8088" }, dirWith({ "redrive.config.json": JSON.stringify({ clusters: [{ name: "n", kind: "nats", servers: ["nats://x:1"] }], publicUrl: "https://r.example.com" }) })).publicUrl).toBe("https://r.example.com");
    expect(none.metrics).toEqual({ open: false });
    expect(none.notifications).toEqual({ channels: [], rules: [], allowPrivateTargets: false, delivery: { timeoutMs: 10_000, maxAttempts: 8, backoffMs: 5000, maxBackoffMs: 900_000, retentionMs: 30 * 86_400_000, groupAbove: 10 } });

    const dir = dirWith({
      "redrive.config.json": JSON.stringify({
        clusters: [{ name: "n", kind: "nats", servers: ["nats://x:1"] }],
        publicUrl: "https://redrive.example.com/",
        metrics: { open: true },
        notifications: {
          channels: [
            { name: "ops", type: "webhook", url: "https://hooks.example.com/ops" },
            { name: "chat", type: "slack", urlEnv: "SLACK_HOOK" },
          ],
          rules: [{ name: "trouble", kind: "consumer-state", channels: ["ops", "chat"] }],
          delivery: { timeoutSeconds: 3, backoffSeconds: 0.5 },
          allowPrivateTargets: true,
        },
      }),
    });
    const c = loadConfig({ SLACK_HOOK: "https://hooks.slack.com/services/T/B/X" }, dir);
    expect(c.publicUrl).toBe("https://redrive.example.com");
    expect(c.metrics.open).toBe(true);
    expect(c.notifications.channels).toEqual([
      { name: "ops", type: "webhook", url: "https://hooks.example.com/ops" },
      { name: "chat", type: "slack", url: "https://hooks.slack.com/services/T/B/X" },
    ]);
    expect(c.notifications.rules[0]).toMatchObject({ name: "trouble", kind: "consumer-state", states: ["STALLED", "STOPPED", "FAILING"], forSeconds: 0, enabled: true });
    expect(c.notifications.delivery).toMatchObject({ timeoutMs: 3000, backoffMs: 500, maxAttempts: 8 });
    expect(c.notifications.allowPrivateTargets).toBe(true);
  });

  it("rejects notification rules naming unknown channels and channels without exactly one URL", () => {
    const cases: Array<[unknown, string]> = [
      [{ rules: [{ name: "r", kind: "dlx-routes-nowhere", channels: ["nowhere"] }] }, 'notifications.rules[0].channels[0]: names no channel "nowhere"'],
      [{ channels: [{ name: "c", type: "webhook" }] }, "notifications.channels[0]: must give exactly one of url, urlEnv and urlFile"],
      [{ channels: [{ name: "c", type: "webhook", url: "ftp://x" }] }, "notifications.channels[0].url"],
      [{ rules: [{ name: "r", kind: "time-to-drain", channels: [] }] }, "notifications.rules[0]"],
    ];
    for (const [notifications, expected] of cases) {
      const dir = dirWith({ "redrive.config.json": JSON.stringify({ clusters: [{ name: "n", kind: "nats", servers: ["nats://x:1"] }], notifications }) });
      expect(errorOf(() => loadConfig({}, dir)).message).toContain(expected);
    }
    const dir = dirWith({ "redrive.config.json": JSON.stringify({ clusters: [{ name: "n", kind: "nats", servers: ["nats://x:1"] }], notifications: { channels: [{ name: "c", type: "slack", urlEnv: "HOOK" }] } }) });
    expect(errorOf(() => loadConfig({ HOOK: "not a url" }, dir)).message).toMatch(/urlEnv names HOOK, which does not hold an http/);
  });

  it("reads the shutdown deadline (20 s unless set) and refuses one below a second", () => {
    const nats = [{ name: "a", kind: "nats", servers: ["nats://a:4222"] }];
    expect(loadConfig({}, dirWith({ "redrive.config.json": JSON.stringify({ clusters: nats }) })).shutdown).toEqual({ deadlineMs: 20_000 });
    expect(loadConfig({}, dirWith({ "redrive.config.json": JSON.stringify({ clusters: nats, shutdown: { deadlineSeconds: 8.5 } }) })).shutdown).toEqual({ deadlineMs: 8500 });
    expect(errorOf(() => loadConfig({}, dirWith({ "redrive.config.json": JSON.stringify({ clusters: nats, shutdown: { deadlineSeconds: 0 } }) }))).message).toContain("shutdown.deadlineSeconds");
  });

  it("grants a role more permissions through auth.permissions, and names a permission or role it does not know", () => {
    const base = { clusters: [{ name: "n", kind: "nats", servers: ["nats://x:1"] }] };
    expect(loadConfig({}, dirWith({ "redrive.config.json": JSON.stringify(base) })).auth.permissions).toEqual({});
    const granted = loadConfig({}, dirWith({ "redrive.config.json": JSON.stringify({ ...base, auth: { permissions: { operator: ["dead-letters:redirect"] } } }) }));
    expect(granted.auth.permissions).toEqual({ operator: ["dead-letters:redirect"] });
    expect(errorOf(() => loadConfig({}, dirWith({ "redrive.config.json": JSON.stringify({ ...base, auth: { permissions: { operator: ["dead-letters:anything"] } } }) }))).message).toContain("auth.permissions.operator[0]");
    expect(errorOf(() => loadConfig({}, dirWith({ "redrive.config.json": JSON.stringify({ ...base, auth: { permissions: { root: ["dead-letters:redirect"] } } }) }))).message).toContain("auth.permissions");
  });
});

describe("loadConfig from the environment alone (a container without a config file)", () => {
  const rabbit = { name: "prod-rmq", kind: "rabbitmq", amqpUrl: "amqp://ops@rmq:5672", managementUrl: "http://rmq:15672", passwordFile: "secrets/rmq-password" };
  const natsMissingFile = { name: "prod-nats", kind: "nats", servers: ["nats://a:4222"], user: "redrive", passwordFile: "/run/nope/never-there" };

  it("reads the whole configuration from REDRIVE_CONFIG_JSON, with the file's validation sentences", () => {
    const dir = dirWith({});
    const c = loadConfig({ REDRIVE_CONFIG_JSON: JSON.stringify({ clusters: [{ name: "edge", kind: "nats", servers: ["nats://edge:4222"] }], statusIntervalSeconds: 7 }) }, dir);
    expect(c.source).toBe("REDRIVE_CONFIG_JSON");
    expect(c.clusters.map((x) => x.name)).toEqual(["edge"]);
    expect(c.statusIntervalMs).toBe(7000);
    expect(errorOf(() => loadConfig({ REDRIVE_CONFIG_JSON: JSON.stringify({ clusters: [] }) }, dir)).message).toBe("Invalid configuration in REDRIVE_CONFIG_JSON:\n  - clusters: must list at least one cluster");
    expect(errorOf(() => loadConfig({ REDRIVE_CONFIG_JSON: "{ clusters: " }, dir)).message).toMatch(/^REDRIVE_CONFIG_JSON is not valid JSON: /);
  });

  it("sets publicUrl, auth.trustProxy, metrics.open and shutdown.deadlineSeconds from a variable each, over the file's value", () => {
    const dir = dirWith({ "redrive.config.yaml": "clusters:\n  - { name: edge, kind: nats, servers: ['nats://edge:4222'] }\npublicUrl: http://file.example\nauth: { trustProxy: false, sessionIdleMinutes: 5 }\n" });
    const plain = loadConfig({}, dir);
    expect([plain.publicUrl, plain.auth.trustProxy, plain.metrics.open, plain.shutdown.deadlineMs]).toEqual(["http://file.example", false, false, 20_000]);
    const c = loadConfig({ REDRIVE_PUBLIC_URL: "https://redrive.ops.example/", REDRIVE_TRUST_PROXY: "true", REDRIVE_METRICS_OPEN: "true", REDRIVE_SHUTDOWN_DEADLINE_SECONDS: "45" }, dir);
    expect([c.publicUrl, c.auth.trustProxy, c.metrics.open, c.shutdown.deadlineMs]).toEqual(["https://redrive.ops.example", true, true, 45_000]);
    // The rest of the section stays as the file has it.
    expect([plain.auth.sessionIdleMs, c.auth.sessionIdleMs]).toEqual([5 * 60_000, 5 * 60_000]);
    expect(c.source).toBe(`${path.join(dir, "redrive.config.yaml")} with REDRIVE_PUBLIC_URL, REDRIVE_TRUST_PROXY, REDRIVE_METRICS_OPEN, REDRIVE_SHUTDOWN_DEADLINE_SECONDS`);
    // With REDRIVE_CONFIG_JSON too; an empty variable counts as unset.
    const json = JSON.stringify({ clusters: [{ name: "edge", kind: "nats", servers: ["nats://edge:4222"] }] });
    const fromJson = loadConfig({ REDRIVE_CONFIG_JSON: json, REDRIVE_PUBLIC_URL: "https://r.example", REDRIVE_TRUST_PROXY: "" }, dirWith({}));
    expect([fromJson.publicUrl, fromJson.auth.trustProxy, fromJson.source]).toEqual(["https://r.example", false, "REDRIVE_CONFIG_JSON with REDRIVE_PUBLIC_URL"]);
  });

  it("refuses a bad per-field variable with the field's own sentence, naming the variable", () => {
    const json = JSON.stringify({ clusters: [{ name: "edge", kind: "nats", servers: ["nats://edge:4222"] }] });
    const dir = dirWith({});
    expect(errorOf(() => loadConfig({ REDRIVE_CONFIG_JSON: json, REDRIVE_TRUST_PROXY: "yes" }, dir)).message).toBe(
      "Invalid configuration in REDRIVE_CONFIG_JSON:\n  - REDRIVE_TRUST_PROXY (auth.trustProxy): Invalid input: expected boolean, received string",
    );
    const fileSentence = errorOf(() => loadConfig({ REDRIVE_CONFIG_JSON: JSON.stringify({ ...JSON.parse(json), shutdown: { deadlineSeconds: 0 } }) }, dir)).message;
    const variableSentence = errorOf(() => loadConfig({ REDRIVE_CONFIG_JSON: json, REDRIVE_SHUTDOWN_DEADLINE_SECONDS: "0" }, dir)).message;
    expect(variableSentence).toBe(fileSentence.replace("shutdown.deadlineSeconds:", "REDRIVE_SHUTDOWN_DEADLINE_SECONDS (shutdown.deadlineSeconds):"));
    expect(errorOf(() => loadConfig({ REDRIVE_CONFIG_JSON: json, REDRIVE_SHUTDOWN_DEADLINE_SECONDS: "twenty" }, dir)).message).toMatch(/REDRIVE_SHUTDOWN_DEADLINE_SECONDS \(shutdown\.deadlineSeconds\): Invalid input: expected number, received string$/);
    expect(errorOf(() => loadConfig({ REDRIVE_CONFIG_JSON: json, REDRIVE_PUBLIC_URL: "ftp://files.example" }, dir)).message).toMatch(/^Invalid configuration in REDRIVE_CONFIG_JSON:\n {2}- REDRIVE_PUBLIC_URL \(publicUrl\): /);
  });

  it("refuses REDRIVE_CONFIG_JSON together with REDRIVE_CONFIG or a config file in the working directory", () => {
    const json = JSON.stringify({ clusters: [{ name: "edge", kind: "nats", servers: ["nats://edge:4222"] }] });
    const withFile = dirWith({ "ops.yaml": "clusters: []\n", "redrive.config.json": json });
    expect(errorOf(() => loadConfig({ REDRIVE_CONFIG: "ops.yaml", REDRIVE_CONFIG_JSON: json }, withFile)).message).toBe("REDRIVE_CONFIG and REDRIVE_CONFIG_JSON are both set; set one of them.");
    expect(errorOf(() => loadConfig({ REDRIVE_CONFIG_JSON: json }, withFile)).message).toBe(
      `REDRIVE_CONFIG_JSON is set, but the configuration file ${path.join(withFile, "redrive.config.json")} exists too; remove the file or unset REDRIVE_CONFIG_JSON.`,
    );
  });

  it("reads every secret from a mounted file, trailing newline trimmed, relative to the working directory", () => {
    const dir = dirWith({});
    mkdirSync(path.join(dir, "secrets"));
    writeFileSync(path.join(dir, "secrets/rmq-password"), "rabbit s3cret\n");
    writeFileSync(path.join(dir, "secrets/nats-token"), "tok\r\n");
    writeFileSync(path.join(dir, "secrets/hook"), "https://hooks.example/T0/B0/xyz\n");
    writeFileSync(path.join(dir, "secrets/db-url"), "postgres://redrive:pw@db/redrive\n");
    writeFileSync(path.join(dir, "secrets/admin"), "a long admin password\n");
    const config = {
      clusters: [rabbit, { name: "prod-nats", kind: "nats", servers: ["nats://a:4222"], tokenFile: path.join(dir, "secrets/nats-token") }],
      notifications: { channels: [{ name: "chat", type: "slack", urlFile: "secrets/hook" }] },
    };
    const c = loadConfig({ REDRIVE_CONFIG_JSON: JSON.stringify(config), DATABASE_URL_FILE: "secrets/db-url", REDRIVE_ADMIN_PASSWORD_FILE: path.join(dir, "secrets/admin") }, dir);
    expect(c.clusters[0]).toMatchObject({ kind: "rabbitmq", user: "ops", password: "rabbit s3cret" });
    expect(c.clusters[1]).toMatchObject({ kind: "nats", token: "tok" });
    expect(c.notifications.channels[0]?.url).toBe("https://hooks.example/T0/B0/xyz");
    expect(c.database).toEqual({ kind: "postgres", url: "postgres://redrive:pw@db/redrive" });
    expect(c.auth.firstAdmin.password).toBe("a long admin password");
  });

  it("names the setting and the path of a secret file it cannot use, never the content", () => {
    const dir = dirWith({ "short-admin": "tooshort-secret-ish\n".slice(0, 8), "not-a-url": "postgres-ish secret value\n", empty: "\n", pw: "x" });
    mkdirSync(path.join(dir, "a-dir"));
    const json = (c: object) => JSON.stringify({ clusters: [c] });
    const missing = errorOf(() => loadConfig({ REDRIVE_CONFIG_JSON: json(natsMissingFile) }, dir)).message;
    expect(missing).toBe("Invalid configuration: clusters[0].passwordFile names the file /run/nope/never-there, which does not exist.");
    expect(errorOf(() => loadConfig({ REDRIVE_CONFIG_JSON: json({ ...rabbit, passwordFile: "a-dir" }) }, dir)).message).toBe(`Invalid configuration: clusters[0].passwordFile names the file ${path.join(dir, "a-dir")}, which is a directory.`);
    expect(errorOf(() => loadConfig({ REDRIVE_CONFIG_JSON: json({ ...rabbit, passwordFile: "empty" }) }, dir)).message).toBe(`Invalid configuration: clusters[0].passwordFile names the file ${path.join(dir, "empty")}, which is empty.`);
    expect(errorOf(() => loadConfig({ REDRIVE_CONFIG_JSON: json({ ...rabbit, passwordFile: "pw", passwordEnv: "PW" }), PW: "x" }, dir)).message).toBe("Invalid configuration: clusters[0].passwordEnv and clusters[0].passwordFile are both given; give one of them.");
    expect(errorOf(() => loadConfig({ DATABASE_URL_FILE: "missing-db-url" }, dir)).message).toBe(`Invalid configuration: DATABASE_URL_FILE names the file ${path.join(dir, "missing-db-url")}, which does not exist.`);
    expect(errorOf(() => loadConfig({ DATABASE_URL_FILE: "pw", DATABASE_URL: "postgres://db/x" }, dir)).message).toBe("Invalid configuration: DATABASE_URL and DATABASE_URL_FILE are both set; set one of them.");
    // The content fails the same checks as the variable would, and is not repeated in the sentence.
    const badUrl = errorOf(() => loadConfig({ DATABASE_URL_FILE: "not-a-url" }, dir)).message;
    expect(badUrl).toBe(`Invalid configuration in the environment:\n  - DATABASE_URL_FILE (${path.join(dir, "not-a-url")}): must be a URL starting with postgres:// or postgresql://`);
    const shortAdmin = errorOf(() => loadConfig({ REDRIVE_ADMIN_PASSWORD_FILE: "short-admin" }, dir)).message;
    expect(shortAdmin).toContain("REDRIVE_ADMIN_PASSWORD_FILE");
    expect(shortAdmin).toContain("must be at least 12 characters");
    expect(shortAdmin).not.toContain("tooshort");
  });
});
