import "server-only";
import { existsSync, readFileSync } from "node:fs";
import { isIP } from "node:net";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { BASE_PATH } from "@/lib/base-path";
import { PERMISSIONS, ROLES, type Permission, type Role } from "@/lib/permissions";

// The only module that reads process.env. Parsed once; a bad config stops the process with a
// message that names the field.

const name = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .max(100, "must be at most 100 characters")
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "may hold only letters, digits, '.', '_' and '-', starting with a letter or digit");

const url = (protocols: string[]) =>
  z
    .string()
    .trim()
    .refine((v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    }, `must be a URL starting with ${protocols.map((p) => `${p}//`).join(" or ")}`);

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be the name of an environment variable");
/** A file holding one secret, as Kubernetes and Docker mount them; relative paths are from the working directory. */
const secretFile = z.string().trim().min(1, "must be the path of a file");

const thresholds = z
  .object({
    windowSeconds: z.number().int().min(30).max(3600),
    stallSeconds: z.number().int().min(10).max(86_400),
    lagMinGrowth: z.number().int().min(1),
    redeliveryRatio: z.number().gt(0).max(1),
    deadLetterPerMinute: z.number().min(0),
  })
  .strict();

export const DEFAULT_THRESHOLDS = { windowSeconds: 300, stallSeconds: 120, lagMinGrowth: 100, redeliveryRatio: 0.2, deadLetterPerMinute: 10 };

const natsCluster = z
  .object({
    name,
    kind: z.literal("nats"),
    servers: z.array(url(["nats:", "tls:"])).min(1, "must list at least one server"),
    user: z.string().optional(),
    passwordEnv: envName.optional(),
    passwordFile: secretFile.optional(),
    tokenEnv: envName.optional(),
    tokenFile: secretFile.optional(),
    health: thresholds.partial().optional(),
    /** Read the age of each backlogged consumer's oldest waiting message (one STREAM.MSG.GET per consumer whose ack floor moved). */
    timeLag: z.boolean().default(true),
    capture: z
      .object({
        enabled: z.boolean().default(true),
        stream: z.string().regex(/^[A-Za-z0-9_-]+$/, "may hold only letters, digits, '_' and '-'").default("REDRIVE_DLQ_EVENTS"),
        consumer: z.string().regex(/^[A-Za-z0-9_-]+$/, "may hold only letters, digits, '_' and '-'").default("redrive-capture"),
        maxAgeHours: z.number().min(1).max(24 * 365).default(336),
        /** "all": collect every advisory the stream still holds when the consumer is first made; "new": only later ones. */
        startFrom: z.enum(["all", "new"]).default("all"),
      })
      .strict()
      .optional(),
  })
  .strict();

const rabbitCluster = z
  .object({
    name,
    kind: z.literal("rabbitmq"),
    amqpUrl: url(["amqp:", "amqps:"]),
    managementUrl: url(["http:", "https:"]),
    /** Defaults to the user and password in amqpUrl. */
    user: z.string().optional(),
    passwordEnv: envName.optional(),
    passwordFile: secretFile.optional(),
    /** Empty: every vhost the user can see. */
    vhosts: z.array(z.string().min(1)).default([]),
    health: thresholds.partial().optional(),
    deadLetters: z
      .object({
        /** "vhost/queue" patterns ("*" matches anything) of DLQs Redrive adopts without an admin. */
        adopt: z.array(z.string().min(1)).default([]),
        /** Extra DLQs ("vhost/queue") that no dead-letter exchange points at. */
        queues: z.array(z.string().regex(/^[^/]+\/.+$/, 'must be "vhost/queue"')).default([]),
        prefetch: z.number().int().min(1).max(10_000).default(200),
      })
      .strict()
      .optional(),
  })
  .strict();

/** Names of channels and rules are shown to people, so they may hold spaces. */
const displayName = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .max(100, "must be at most 100 characters")
  .regex(/^[A-Za-z0-9][A-Za-z0-9 _.-]*$/, "may hold only letters, digits, spaces, '.', '_' and '-', starting with a letter or digit");

const notificationChannel = z
  .object({
    name: displayName,
    /** "webhook": a generic JSON body; "slack": a Slack-compatible incoming-webhook body. */
    type: z.enum(["webhook", "slack"]),
    url: url(["http:", "https:"]).optional(),
    /** The environment variable holding the URL (webhook URLs often carry their secret). */
    urlEnv: envName.optional(),
    /** The file holding the URL (a mounted secret). */
    urlFile: secretFile.optional(),
  })
  .strict()
  .refine((c) => [c.url, c.urlEnv, c.urlFile].filter((v) => v !== undefined).length === 1, { message: "must give exactly one of url, urlEnv and urlFile" });

const ruleScope = {
  name: displayName,
  /** Only consumers or DLQs of this cluster. */
  cluster: z.string().min(1).optional(),
  /** Only targets whose "parent/name" (vhost/queue, stream/consumer) matches this pattern ("*" matches anything). */
  match: z.string().min(1).max(500).optional(),
  /** The condition must hold this long before the rule fires. */
  forSeconds: z.number().int().min(0).max(86_400).default(0),
  /** Channel names to send to. */
  channels: z.array(z.string().min(1)).min(1, "must name at least one channel"),
  enabled: z.boolean().default(true),
};

const notificationRule = z.discriminatedUnion("kind", [
  z.object({ ...ruleScope, kind: z.literal("consumer-state"), states: z.array(z.enum(["MISSING", "STALLED", "STOPPED", "FAILING", "LAGGING", "UNKNOWN"])).min(1).default(["STALLED", "STOPPED", "FAILING"]) }).strict(),
  z.object({ ...ruleScope, kind: z.literal("time-to-drain"), aboveSeconds: z.number().int().min(1), includeNotDraining: z.boolean().default(false) }).strict(),
  z.object({ ...ruleScope, kind: z.literal("oldest-message-age"), aboveSeconds: z.number().int().min(1), includeEstimates: z.boolean().default(false) }).strict(),
  z.object({ ...ruleScope, kind: z.literal("dead-letter-inflow"), perMinute: z.number().min(0) }).strict(),
  z.object({ ...ruleScope, kind: z.literal("dlx-routes-nowhere") }).strict(),
  z.object({ ...ruleScope, kind: z.literal("job-paused-itself") }).strict(),
]);

/** A consumer that must exist and be attached: by exact "stream/consumer" / "vhost/queue", or a pattern ("*" matches anything). */
const expectedConsumer = z
  .object({
    cluster: z.string().min(1),
    // RabbitMQ's default vhost is "/", so its queues are "//orders".
    name: z.string().regex(/^(\/|[^/*]+)\/[^*]+$/, 'must be "stream/consumer" or "vhost/queue" (the default vhost is //, e.g. //orders; use pattern for "*")').optional(),
    pattern: z.string().regex(/^[^/]+\/.+$/, 'must be "stream/consumer-pattern" or "vhost/queue-pattern"').optional(),
    minConsumers: z.number().int().min(1).max(100_000).default(1),
  })
  .strict()
  .refine((e) => (e.name === undefined) !== (e.pattern === undefined), { message: "must give exactly one of name and pattern" });

/** An HTTP header name, stored in lower case as Node.js and the Fetch API hand them over. */
const headerName = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, "must be an HTTP header name")
  .transform((v) => v.toLowerCase());

/** An OpenID provider: https, or http only on this machine (a provider a test or a developer runs locally). */
const issuerUrl = z
  .string()
  .trim()
  .refine((v) => {
    try {
      const u = new URL(v);
      return u.protocol === "https:" || (u.protocol === "http:" && ["localhost", "127.0.0.1", "[::1]"].includes(u.hostname));
    } catch {
      return false;
    }
  }, "must be an https:// URL (http:// only for a provider on this machine: localhost or 127.0.0.1)");

const oidcSchema = z
  .object({
    /** The provider's issuer URL; its /.well-known/openid-configuration is read at the first sign-in. */
    issuer: issuerUrl,
    clientId: z.string().trim().min(1, "must not be empty"),
    clientSecretEnv: envName.optional(),
    clientSecretFile: secretFile.optional(),
    scopes: z
      .array(z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/, "must be one scope name, without spaces"))
      .refine((s) => s.includes("openid"), 'must include "openid"')
      .default(["openid", "profile", "email"]),
    /** The claim (of the ID token, else of the userinfo answer) holding the user's groups. */
    groupsClaim: z.string().trim().min(1).default("groups"),
    /** The claim that becomes the Redrive user name; unset: preferred_username, else email. */
    usernameClaim: z.string().trim().min(1).optional(),
    /** The button says "Sign in with <displayName>". */
    displayName: z.string().trim().min(1).max(60).default("single sign-on"),
    /** On sign-out, also send the browser to the provider's end_session_endpoint when it has one. */
    endSession: z.boolean().default(true),
  })
  .strict();

const proxyHeadersSchema = z
  .object({
    userHeader: headerName.default("x-forwarded-user"),
    emailHeader: headerName.default("x-forwarded-email"),
    groupsHeader: headerName.default("x-forwarded-groups"),
    /** The header the proxy proves itself with, holding the shared secret. */
    secretHeader: headerName.default("x-redrive-proxy-secret"),
    secretEnv: envName.optional(),
    secretFile: secretFile.optional(),
    /** Addresses of the proxies (the connection's peer, as `npm start` sees it), e.g. ["10.0.0.5"]. */
    proxies: z.array(z.string().trim().refine((v) => isIP(v) !== 0, "must be an IP address")).default([]),
    /** Which header becomes the Redrive user name. */
    usernameFrom: z.enum(["user", "email"]).default("user"),
  })
  .strict();

const fileSchema = z
  .object({
    clusters: z
      .array(z.discriminatedUnion("kind", [natsCluster, rabbitCluster]))
      .min(1, "must list at least one cluster")
      .superRefine((list, ctx) => {
        const seen = new Set<string>();
        list.forEach((c, i) => {
          if (seen.has(c.name)) ctx.addIssue({ code: "custom", path: [i, "name"], message: `"${c.name}" is used by two clusters` });
          seen.add(c.name);
        });
      }),
    statusIntervalSeconds: z.number().int().min(1).max(300).default(5),
    expectedConsumers: z.array(expectedConsumer).default([]),
    connectTimeoutSeconds: z.number().min(0.5).max(60).default(5),
    sampler: z
      .object({
        intervalSeconds: z.number().min(5, "must be at least 5 (seconds)").max(3600).default(10),
        rawRetentionHours: z.number().min(1).max(24 * 30).default(24),
        rollupRetentionDays: z.number().min(1).max(3650).default(30),
      })
      .strict()
      .default({ intervalSeconds: 10, rawRetentionHours: 24, rollupRetentionDays: 30 }),
    health: thresholds.partial().default({}),
    redrive: z
      .object({
        defaultRate: z.number().int().min(1).max(100_000).default(100),
        maxRate: z.number().int().min(1).max(1_000_000).default(5000),
        /** Publishes awaiting their broker confirm at once, per job. */
        maxInFlight: z.number().int().min(1).max(10_000).default(200),
        /** A letter that died again after this many requeues is poison: left out of bulk jobs. */
        poisonAfter: z.number().int().min(1).max(1000).default(3),
        confirmTimeoutSeconds: z.number().min(1).max(600).default(15),
        /** A requeue job pauses itself when more than this share of the letters it sent come back dead… */
        bounceThresholdPercent: z.number().min(0).max(100).default(10),
        /** …once it has sent at least this many (since its start or last resume). */
        bounceMinSent: z.number().int().min(1).max(1_000_000).default(20),
        /** Requeue and terminate of a whole filter or group above this many letters need the count typed to confirm. */
        confirmAbove: z.number().int().min(0).max(100_000_000).default(1000),
        canary: z
          .object({
            /** The dry-run dialog offers a canary switched on above this many letters. */
            defaultAbove: z.number().int().min(0).default(1000),
            /** A canary is max(letters, percent of the job), at most `max`. */
            letters: z.number().int().min(1).max(100_000).default(10),
            percent: z.number().min(0).max(100).default(1),
            max: z.number().int().min(1).max(100_000).default(1000),
            /** Least wait after the canary went out before it can pass (dead letters take a moment to come back). */
            settleSeconds: z.number().min(0).max(3600).default(15),
            /** Longest wait for the destination to show it consumed the canary; then it passes if none came back dead. */
            timeoutSeconds: z.number().min(1).max(86_400).default(120),
          })
          .strict()
          .default({ defaultAbove: 1000, letters: 10, percent: 1, max: 1000, settleSeconds: 15, timeoutSeconds: 120 }),
      })
      .strict()
      .default({
        defaultRate: 100,
        maxRate: 5000,
        maxInFlight: 200,
        poisonAfter: 3,
        confirmTimeoutSeconds: 15,
        bounceThresholdPercent: 10,
        bounceMinSent: 20,
        confirmAbove: 1000,
        canary: { defaultAbove: 1000, letters: 10, percent: 1, max: 1000, settleSeconds: 15, timeoutSeconds: 120 },
      }),
    shutdown: z
      .object({
        /** On SIGTERM/SIGINT, how long publishes already sent may await their confirms (inside Kubernetes' 30 s grace). */
        deadlineSeconds: z.number().min(1).max(600).default(20),
      })
      .strict()
      .default({ deadlineSeconds: 20 }),
    auth: z
      .object({
        /** A session ends after this long without a request. */
        sessionIdleMinutes: z.number().min(0.05).max(24 * 60).default(30),
        /** A session ends this long after sign-in, however busy. */
        sessionMaxHours: z.number().min(0.001).max(24 * 30).default(8),
        /** Failed sign-ins allowed per account, and per address, within the window before sign-in is refused. */
        signInFailuresPerAccount: z.number().int().min(1).max(1000).default(5),
        signInFailuresPerAddress: z.number().int().min(1).max(10_000).default(20),
        /** Failed sign-ins allowed from everyone together within the window (many addresses guessing many accounts). */
        signInFailuresTotal: z.number().int().min(1).max(1_000_000).default(100),
        signInWindowMinutes: z.number().min(0.05).max(24 * 60).default(15),
        /** A reverse proxy you run is the peer: take the client's address from the last X-Forwarded-For entry, and https from X-Forwarded-Proto. */
        trustProxy: z.boolean().default(false),
        /** Origins, besides Redrive's own, whose pages may send state-changing requests (e.g. a reverse proxy's public URL). */
        allowedOrigins: z.array(url(["http:", "https:"])).default([]),
        /** How long the one-time setup link printed on first start stays valid. */
        setupLinkHours: z.number().min(0.1).max(24 * 7).default(24),
        /** Permissions granted to a role on top of its own, e.g. { "operator": ["dead-letters:redirect"] }. */
        permissions: z.partialRecord(z.enum(ROLES), z.array(z.enum(PERMISSIONS))).optional(),
        /** false: password sign-in is refused; people sign in through single sign-on only (API tokens keep working). */
        localAccounts: z.boolean().default(true),
        /** Single sign-on: the role each group gives (the highest of a user's groups wins). */
        groupRoles: z.record(z.string().min(1, "a group name must not be empty"), z.enum(ROLES)).default({}),
        /** The role of a single sign-on user in no mapped group; unset: such a user is refused. */
        defaultRole: z.enum(ROLES).optional(),
        oidc: oidcSchema.optional(),
        proxyHeaders: proxyHeadersSchema.optional(),
      })
      .strict()
      .default({
        sessionIdleMinutes: 30,
        sessionMaxHours: 8,
        signInFailuresPerAccount: 5,
        signInFailuresPerAddress: 20,
        signInFailuresTotal: 100,
        signInWindowMinutes: 15,
        trustProxy: false,
        allowedOrigins: [],
        setupLinkHours: 24,
        localAccounts: true,
        groupRoles: {},
      }),
    /** Where operators reach this Redrive: the base of every link in a notification, and the origin its pages send from. */
    publicUrl: url(["http:", "https:"]).optional(),
    metrics: z
      .object({
        /** true: /api/metrics answers without credentials (for a scraper inside a trusted network). */
        open: z.boolean().default(false),
      })
      .strict()
      .default({ open: false }),
    notifications: z
      .object({
        channels: z.array(notificationChannel).default([]),
        rules: z.array(notificationRule).default([]),
        /** Also send webhooks to private, loopback and link-local addresses (a receiver inside the network). Off: refused. */
        allowPrivateTargets: z.boolean().default(false),
        delivery: z
          .object({
            timeoutSeconds: z.number().min(1).max(120).default(10),
            maxAttempts: z.number().int().min(1).max(50).default(8),
            /** The first retry waits this long; each next one twice as long, up to maxBackoffSeconds. */
            backoffSeconds: z.number().min(0.1).max(3600).default(5),
            maxBackoffSeconds: z.number().min(1).max(86_400).default(900),
            /** Resolved incidents and finished deliveries are kept this long. */
            retentionDays: z.number().min(1).max(3650).default(30),
            /** When one rule fires (or resolves) for more targets than this at once, each channel gets one summary instead. */
            groupAbove: z.number().int().min(1).max(10_000).default(10),
          })
          .strict()
          .default({ timeoutSeconds: 10, maxAttempts: 8, backoffSeconds: 5, maxBackoffSeconds: 900, retentionDays: 30, groupAbove: 10 }),
      })
      .strict()
      .superRefine((n, ctx) => {
        const channels = new Set<string>();
        n.channels.forEach((c, i) => {
          if (channels.has(c.name)) ctx.addIssue({ code: "custom", path: ["channels", i, "name"], message: `"${c.name}" is used by two channels` });
          channels.add(c.name);
        });
        const rules = new Set<string>();
        n.rules.forEach((r, i) => {
          if (rules.has(r.name)) ctx.addIssue({ code: "custom", path: ["rules", i, "name"], message: `"${r.name}" is used by two rules` });
          rules.add(r.name);
          r.channels.forEach((c, j) => {
            if (!channels.has(c)) ctx.addIssue({ code: "custom", path: ["rules", i, "channels", j], message: `names no channel "${c}" of notifications.channels` });
          });
        });
      })
      .default({ channels: [], rules: [], allowPrivateTargets: false, delivery: { timeoutSeconds: 10, maxAttempts: 8, backoffSeconds: 5, maxBackoffSeconds: 900, retentionDays: 30, groupAbove: 10 } }),
  })
  .strict();

const envSchema = z.object({
  REDRIVE_CONFIG: z.string().min(1).optional(),
  /** The whole configuration as JSON text, for a container that has no config file. */
  REDRIVE_CONFIG_JSON: z.string().min(1).optional(),
  DATABASE_URL: url(["postgres:", "postgresql:"]).optional(),
  REDRIVE_DATA_DIR: z.string().min(1).default(".redrive/data"),
  REDRIVE_LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  REDRIVE_ADMIN_USER: z.string().trim().min(1).max(100).default("admin"),
  REDRIVE_ADMIN_PASSWORD: z.string().min(12, "must be at least 12 characters").max(1024).optional(),
  PORT: z.coerce.number().int().min(1).max(65535).optional(),
  /** Set by server.mjs for its own process: the header it writes each connection's peer address into. */
  REDRIVE_PEER_HEADER: z.string().regex(/^x-redrive-peer-[0-9a-f]{16,64}$/).optional(),
  // One configuration field each (FIELD_VARIABLES), checked by the configuration's own schema.
  REDRIVE_PUBLIC_URL: z.string().optional(),
  REDRIVE_TRUST_PROXY: z.string().optional(),
  REDRIVE_METRICS_OPEN: z.string().optional(),
  REDRIVE_SHUTDOWN_DEADLINE_SECONDS: z.string().optional(),
});

/**
 * The few fields a deployment sets per environment, each from a variable of its own, over the value
 * in the configuration file or REDRIVE_CONFIG_JSON (the rest stays there). Checked by the same schema,
 * so the same sentences, naming the variable.
 */
const FIELD_VARIABLES = {
  REDRIVE_PUBLIC_URL: { field: ["publicUrl"], type: "string" },
  REDRIVE_TRUST_PROXY: { field: ["auth", "trustProxy"], type: "boolean" },
  REDRIVE_METRICS_OPEN: { field: ["metrics", "open"], type: "boolean" },
  REDRIVE_SHUTDOWN_DEADLINE_SECONDS: { field: ["shutdown", "deadlineSeconds"], type: "number" },
} as const satisfies Record<string, { field: readonly [string, ...string[]]; type: "string" | "boolean" | "number" }>;

/** Environment settings that may instead come from a file named by `<name>_FILE` (Docker's and Kubernetes' convention). */
const ENV_FROM_FILE = ["DATABASE_URL", "REDRIVE_ADMIN_PASSWORD"] as const;

/** Every environment variable Redrive reads itself (besides those an `…Env` field names): the deployment examples are checked against it. */
export const ENVIRONMENT_VARIABLES: readonly string[] = [...Object.keys(envSchema.shape), ...ENV_FROM_FILE.map((n) => `${n}_FILE`)];

export type Thresholds = typeof DEFAULT_THRESHOLDS;

export type CaptureConfig = { enabled: boolean; stream: string; consumer: string; maxAgeHours: number; startFrom: "all" | "new" };
export type RabbitDeadLetterConfig = { adopt: string[]; queues: string[]; prefetch: number };
export const DEFAULT_CAPTURE: CaptureConfig = { enabled: true, stream: "REDRIVE_DLQ_EVENTS", consumer: "redrive-capture", maxAgeHours: 336, startFrom: "all" };
export const DEFAULT_RABBIT_DEAD_LETTERS: RabbitDeadLetterConfig = { adopt: [], queues: [], prefetch: 200 };

export type ExpectedConsumerConfig = { cluster: string; key: string; minConsumers: number };

export type NatsClusterConfig = {
  name: string;
  kind: "nats";
  health?: Thresholds;
  /** Consumers that must exist and be attached (from the top-level expectedConsumers). */
  expected?: ExpectedConsumerConfig[];
  capture?: CaptureConfig;
  /** Time lag (age of the oldest waiting message); on unless false. */
  timeLag?: boolean;
  servers: string[];
  user?: string;
  password?: string;
  token?: string;
};

export type RabbitClusterConfig = {
  name: string;
  kind: "rabbitmq";
  health?: Thresholds;
  /** Queues that must exist and have consumers attached (from the top-level expectedConsumers). */
  expected?: ExpectedConsumerConfig[];
  deadLetters?: RabbitDeadLetterConfig;
  amqpUrl: string;
  managementUrl: string;
  user: string;
  password: string;
  vhosts: string[];
};

export type ClusterConfig = NatsClusterConfig | RabbitClusterConfig;

export type NotificationChannelConfig = { name: string; type: "webhook" | "slack"; url: string };
export type NotificationRuleConfig = z.infer<typeof notificationRule>;
export type NotificationDeliveryConfig = { timeoutMs: number; maxAttempts: number; backoffMs: number; maxBackoffMs: number; retentionMs: number; groupAbove: number };

export type RedriveConfig = {
  /** Where the clusters came from: a file path, "REDRIVE_CONFIG_JSON", or "built-in defaults". */
  source: string;
  clusters: ClusterConfig[];
  statusIntervalMs: number;
  connectTimeoutMs: number;
  sampler: { intervalMs: number; rawRetentionMs: number; rollupRetentionMs: number };
  redrive: {
    defaultRate: number;
    maxRate: number;
    maxInFlight: number;
    poisonAfter: number;
    confirmTimeoutMs: number;
    bounceThresholdPercent: number;
    bounceMinSent: number;
    confirmAbove: number;
    canary: { defaultAbove: number; letters: number; percent: number; max: number; settleSeconds: number; timeoutSeconds: number };
  };
  shutdown: { deadlineMs: number };
  /** Base URL of links in notifications, without a trailing slash: origin and the base path the app is served under; without one configured, http://localhost:<PORT>. */
  publicUrl: string;
  metrics: { open: boolean };
  notifications: { channels: NotificationChannelConfig[]; rules: NotificationRuleConfig[]; delivery: NotificationDeliveryConfig; allowPrivateTargets: boolean };
  database: { kind: "postgres"; url: string } | { kind: "embedded"; dataDir: string };
  logLevel: "debug" | "info" | "warn" | "error";
  auth: {
    sessionIdleMs: number;
    sessionMaxMs: number;
    signInFailuresPerAccount: number;
    signInFailuresPerAddress: number;
    signInFailuresTotal: number;
    signInWindowMs: number;
    trustProxy: boolean;
    allowedOrigins: string[];
    /** publicUrl's origin when the config names one; null: the Host a request was sent to stands in (see check-origin.ts). */
    publicOrigin: string | null;
    /** The header server.mjs writes the socket's peer address into; null when started some other way (`next start`, `next dev`). */
    peerHeader: string | null;
    setupLinkMs: number;
    /** Permissions each role holds on top of its own (auth.permissions). */
    permissions: Partial<Record<Role, Permission[]>>;
    /** The first admin, made on first start when no account exists (REDRIVE_ADMIN_USER / REDRIVE_ADMIN_PASSWORD). */
    firstAdmin: { name: string; password: string | undefined };
    /** Where the setup link printed on first start points when publicUrl is not set (the port `npm start` serves on). */
    localUrl: string;
    /** false: password sign-in is refused (auth.localAccounts). */
    localAccounts: boolean;
    /** Single sign-on's group → role mapping, shared by OpenID Connect and proxy headers. */
    sso: SsoRoleRules;
    oidc: OidcConfig | null;
    proxyHeaders: ProxyHeadersConfig | null;
  };
};

export type SsoRoleRules = { groupRoles: Record<string, Role>; defaultRole: Role | null };

export type OidcConfig = {
  issuer: string;
  clientId: string;
  /** Unset: a public client (PKCE only). */
  clientSecret: string | undefined;
  scopes: string[];
  groupsClaim: string;
  usernameClaim: string | null;
  displayName: string;
  endSession: boolean;
  /** publicUrl + /api/auth/oidc/callback: registered at the provider. */
  redirectUri: string;
  /** The issuer is plain http on this machine. */
  insecure: boolean;
};

export type ProxyHeadersConfig = {
  userHeader: string;
  emailHeader: string;
  groupsHeader: string;
  secretHeader: string;
  secret: string | null;
  proxies: string[];
  usernameFrom: "user" | "email";
};

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

export const DEFAULT_CLUSTERS = [
  { name: "local-nats", kind: "nats", servers: ["nats://127.0.0.1:4222"] },
  {
    name: "local-rabbitmq",
    kind: "rabbitmq",
    amqpUrl: "amqp://guest:guest@127.0.0.1:5672",
    managementUrl: "http://127.0.0.1:15672",
  },
] as const;

const CONFIG_CANDIDATES = ["redrive.config.json", "redrive.config.yaml", "redrive.config.yml"];

/** `raw` with each set FIELD_VARIABLES variable in its field; `from` maps a field ("auth.trustProxy") to its variable. */
function withFieldVariables(raw: unknown, env: Partial<Record<keyof typeof FIELD_VARIABLES, string>>): { raw: unknown; from: Map<string, string> } {
  const from = new Map<string, string>();
  const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
  if (!isObject(raw)) return { raw, from };
  const out: Record<string, unknown> = { ...raw };
  for (const [name, { field, type }] of Object.entries(FIELD_VARIABLES)) {
    const text = env[name as keyof typeof FIELD_VARIABLES];
    if (text === undefined) continue;
    // "true"/"false" and numbers become what the field holds; anything else stays text for the schema to refuse.
    const value = type === "boolean" && (text === "true" || text === "false") ? text === "true" : type === "number" && /^\s*-?\d+(\.\d+)?\s*$/.test(text) ? Number(text) : text;
    let parent = out;
    let settable = true;
    for (const key of field.slice(0, -1)) {
      const child = parent[key];
      if (child === undefined) parent[key] = {};
      else if (isObject(child)) parent[key] = { ...child };
      else settable = false; // the file's own value is wrong; the schema says so.
      if (!settable) break;
      parent = parent[key] as Record<string, unknown>;
    }
    if (!settable) continue;
    parent[field[field.length - 1]!] = value;
    from.set(field.join("."), name);
  }
  return { raw: out, from };
}

function formatIssues(where: string, error: z.ZodError): string {
  const lines = error.issues.map((issue) => {
    const field = issue.path.length ? issue.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("").replace(/^\./, "") : "(top level)";
    return `  - ${field}: ${issue.message}`;
  });
  return `Invalid configuration in ${where}:\n${lines.join("\n")}`;
}

function readConfigFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(/*turbopackIgnore: true*/ file, "utf8");
  } catch (e) {
    throw new ConfigError(`Cannot read the configuration file ${file}: ${(e as Error).message}`);
  }
  try {
    return file.endsWith(".json") ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new ConfigError(`The configuration file ${file} is not valid ${file.endsWith(".json") ? "JSON" : "YAML"}: ${(e as Error).message}`);
  }
}

/**
 * A secret from a file, as Kubernetes and Docker mount them: the content, less the trailing newline
 * an editor or `echo` leaves. The sentence names the setting and the path, never the content.
 */
function readSecretFile(file: string, setting: string, cwd: string): string {
  const full = path.resolve(cwd, file);
  let text: string;
  try {
    text = readFileSync(/*turbopackIgnore: true*/ full, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "which does not exist" : code === "EACCES" ? "which Redrive may not read" : code === "EISDIR" ? "which is a directory" : `which cannot be read (${code ?? (e as Error).message})`;
    throw new ConfigError(`Invalid configuration: ${setting} names the file ${full}, ${why}.`);
  }
  const value = text.replace(/[\r\n]+$/, "");
  if (value === "") throw new ConfigError(`Invalid configuration: ${setting} names the file ${full}, which is empty.`);
  return value;
}

/** A secret named by `<field>Env` (an environment variable) or `<field>File` (a mounted file); at most one of them. */
function secret(env: Record<string, string | undefined>, cwd: string, from: { env?: string; file?: string }, field: string): string | undefined {
  if (from.env !== undefined && from.file !== undefined) {
    throw new ConfigError(`Invalid configuration: ${field}Env and ${field}File are both given; give one of them.`);
  }
  if (from.file !== undefined) return readSecretFile(from.file, `${field}File`, cwd);
  if (!from.env) return undefined;
  const v = env[from.env];
  if (v === undefined || v === "") {
    throw new ConfigError(`Invalid configuration: ${field}Env names the environment variable ${from.env}, which is not set.`);
  }
  return v;
}

/** The environment with each `<name>_FILE` replaced by the file's content under `<name>`; refuses both at once. */
function withFileSettings(env: Record<string, string | undefined>, cwd: string): { env: Record<string, string | undefined>; fromFile: Map<string, string> } {
  const out = { ...env };
  const fromFile = new Map<string, string>();
  for (const name of ENV_FROM_FILE) {
    const file = env[`${name}_FILE`];
    if (file === undefined || file === "") continue;
    if (env[name] !== undefined && env[name] !== "") {
      throw new ConfigError(`Invalid configuration: ${name} and ${name}_FILE are both set; set one of them.`);
    }
    out[name] = readSecretFile(file, `${name}_FILE`, cwd);
    delete out[`${name}_FILE`];
    fromFile.set(name, path.resolve(cwd, file));
  }
  return { env: out, fromFile };
}

/**
 * publicUrl with the base path the app was built for (lib/base-path.ts): a bare origin gets it
 * appended; a path of its own must be that very path, since links built on it must reach the app.
 */
function publicUrlUnder(publicUrl: string | undefined, basePath: string, port: string | number): string {
  if (publicUrl === undefined) return `http://localhost:${port}${basePath}`;
  const u = new URL(publicUrl);
  const path = u.pathname.replace(/\/+$/, "");
  if (path !== "" && path !== basePath) {
    const built = basePath ? `under ${basePath}` : "at the root (/)";
    const fix = basePath ? `set publicUrl to ${u.origin}${basePath}` : `set publicUrl to ${u.origin}`;
    throw new ConfigError(
      `Invalid configuration: publicUrl is ${publicUrl}, whose path ${path} is not where this build of Redrive is served (${built}). ` +
        `The base path is fixed when Redrive is built (REDRIVE_BASE_PATH): ${fix}, or build Redrive with REDRIVE_BASE_PATH=${path}.`,
    );
  }
  if (u.search || u.hash) throw new ConfigError(`Invalid configuration: publicUrl is ${publicUrl}; it must be the address of Redrive without a query or fragment, e.g. ${u.origin}${basePath}.`);
  return `${u.origin}${basePath}`;
}

/**
 * Parses configuration from an environment and a working directory. `basePath` is the path the app
 * was built to serve under (lib/base-path.ts). Throws ConfigError.
 */
export function loadConfig(processEnv: Record<string, string | undefined> = process.env, cwd = process.cwd(), basePath = BASE_PATH): RedriveConfig {
  const { env, fromFile } = withFileSettings(processEnv, cwd);
  // An empty variable counts as unset, as shells and container runtimes often leave them.
  const envParsed = envSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== "")));
  if (!envParsed.success) {
    // A value read from a file is named by the variable that pointed at it (the content is never shown).
    const issues = envParsed.error.issues.map((i) => {
      const key = String(i.path[0] ?? "");
      return fromFile.has(key) ? { ...i, path: [`${key}_FILE (${fromFile.get(key)})`] } : i;
    });
    throw new ConfigError(formatIssues("the environment", new z.ZodError(issues)));
  }
  const e = envParsed.data;

  let file: string | undefined;
  if (e.REDRIVE_CONFIG) {
    file = path.resolve(cwd, e.REDRIVE_CONFIG);
    if (!existsSync(/*turbopackIgnore: true*/ file)) throw new ConfigError(`REDRIVE_CONFIG names ${file}, which does not exist.`);
  } else {
    file = CONFIG_CANDIDATES.map((c) => path.resolve(cwd, c)).find((c) => existsSync(/*turbopackIgnore: true*/ c));
  }

  let raw: unknown;
  let source: string;
  if (e.REDRIVE_CONFIG_JSON !== undefined) {
    // Two sources would leave an operator guessing which one Redrive obeys.
    if (file) {
      throw new ConfigError(
        e.REDRIVE_CONFIG
          ? `REDRIVE_CONFIG and REDRIVE_CONFIG_JSON are both set; set one of them.`
          : `REDRIVE_CONFIG_JSON is set, but the configuration file ${file} exists too; remove the file or unset REDRIVE_CONFIG_JSON.`,
      );
    }
    source = "REDRIVE_CONFIG_JSON";
    try {
      raw = JSON.parse(e.REDRIVE_CONFIG_JSON);
    } catch (err) {
      throw new ConfigError(`REDRIVE_CONFIG_JSON is not valid JSON: ${(err as Error).message}`);
    }
  } else {
    source = file ?? "built-in defaults";
    raw = file ? readConfigFile(file) : { clusters: DEFAULT_CLUSTERS };
  }
  const overlaid = withFieldVariables(raw, e);
  if (overlaid.from.size > 0) source += ` with ${[...overlaid.from.values()].join(", ")}`;
  const parsed = fileSchema.safeParse(overlaid.raw);
  if (!parsed.success) {
    // A field set by its own variable is named by the variable, as the operator wrote it there.
    const issues = parsed.error.issues.map((i) => {
      const at = i.path.map(String);
      for (const [field, name] of overlaid.from) {
        const parts = field.split(".");
        if (parts.every((p, k) => at[k] === p)) return { ...i, path: [`${name} (${field})`, ...i.path.slice(parts.length)] };
      }
      return i;
    });
    throw new ConfigError(formatIssues(file ?? (e.REDRIVE_CONFIG_JSON !== undefined ? "REDRIVE_CONFIG_JSON" : "the built-in defaults"), new z.ZodError(issues)));
  }
  const f = parsed.data;

  const globalHealth: Thresholds = { ...DEFAULT_THRESHOLDS, ...f.health };
  const expected = new Map<string, ExpectedConsumerConfig[]>();
  f.expectedConsumers.forEach((e, i) => {
    if (!f.clusters.some((c) => c.name === e.cluster)) {
      throw new ConfigError(`Invalid configuration: expectedConsumers[${i}].cluster names "${e.cluster}", which is not one of the clusters.`);
    }
    const list = expected.get(e.cluster) ?? [];
    list.push({ cluster: e.cluster, key: (e.name ?? e.pattern)!, minConsumers: e.minConsumers });
    expected.set(e.cluster, list);
  });
  // Only a cluster with expectations carries the list.
  const expectedOf = (name: string) => (expected.has(name) ? { expected: expected.get(name)! } : {});
  const clusters: ClusterConfig[] = f.clusters.map((c, i) => {
    const field = `clusters[${i}]`;
    const health = { ...globalHealth, ...c.health };
    switch (c.kind) {
      case "nats":
        return {
          name: c.name,
          kind: "nats",
          health,
          capture: c.capture ?? DEFAULT_CAPTURE,
          ...expectedOf(c.name),
          // Only an opt-out is recorded: time lag is on unless switched off.
          ...(c.timeLag ? {} : { timeLag: false }),
          servers: c.servers,
          user: c.user,
          password: secret(env, cwd, { env: c.passwordEnv, file: c.passwordFile }, `${field}.password`),
          token: secret(env, cwd, { env: c.tokenEnv, file: c.tokenFile }, `${field}.token`),
        };
      case "rabbitmq": {
        const amqp = new URL(c.amqpUrl);
        const password = secret(env, cwd, { env: c.passwordEnv, file: c.passwordFile }, `${field}.password`) ?? (decodeURIComponent(amqp.password) || "guest");
        const user = c.user ?? (decodeURIComponent(amqp.username) || "guest");
        return {
          name: c.name,
          kind: "rabbitmq",
          health,
          deadLetters: c.deadLetters ?? DEFAULT_RABBIT_DEAD_LETTERS,
          ...expectedOf(c.name),
          amqpUrl: c.amqpUrl,
          managementUrl: c.managementUrl.replace(/\/+$/, ""),
          user,
          password,
          vhosts: c.vhosts,
        };
      }
      default: {
        const never: never = c;
        return never;
      }
    }
  });

  const { oidc, proxyHeaders } = singleSignOn(f, env, cwd);

  return {
    source,
    clusters,
    statusIntervalMs: f.statusIntervalSeconds * 1000,
    connectTimeoutMs: Math.round(f.connectTimeoutSeconds * 1000),
    sampler: {
      intervalMs: Math.round(f.sampler.intervalSeconds * 1000),
      rawRetentionMs: f.sampler.rawRetentionHours * 3_600_000,
      rollupRetentionMs: f.sampler.rollupRetentionDays * 86_400_000,
    },
    redrive: { ...f.redrive, confirmTimeoutMs: Math.round(f.redrive.confirmTimeoutSeconds * 1000) },
    shutdown: { deadlineMs: Math.round(f.shutdown.deadlineSeconds * 1000) },
    // Without a publicUrl, links point at the port this process serves on (server.mjs and `next start` both honour PORT).
    publicUrl: publicUrlUnder(f.publicUrl, basePath, e.PORT ?? 3000),
    metrics: f.metrics,
    notifications: {
      channels: f.notifications.channels.map((c, i) => {
        const secretUrl = secret(env, cwd, { env: c.urlEnv, file: c.urlFile }, `notifications.channels[${i}].url`);
        if (secretUrl !== undefined && !/^https?:\/\/[^\s]+$/i.test(secretUrl)) {
          const where = c.urlEnv !== undefined ? `urlEnv names ${c.urlEnv}` : `urlFile names ${path.resolve(cwd, c.urlFile!)}`;
          throw new ConfigError(`Invalid configuration: notifications.channels[${i}].${where}, which does not hold an http:// or https:// URL.`);
        }
        return { name: c.name, type: c.type, url: secretUrl ?? c.url! };
      }),
      rules: f.notifications.rules,
      allowPrivateTargets: f.notifications.allowPrivateTargets,
      delivery: {
        timeoutMs: Math.round(f.notifications.delivery.timeoutSeconds * 1000),
        maxAttempts: f.notifications.delivery.maxAttempts,
        backoffMs: Math.round(f.notifications.delivery.backoffSeconds * 1000),
        maxBackoffMs: Math.round(f.notifications.delivery.maxBackoffSeconds * 1000),
        retentionMs: f.notifications.delivery.retentionDays * 86_400_000,
        groupAbove: f.notifications.delivery.groupAbove,
      },
    },
    database: e.DATABASE_URL ? { kind: "postgres", url: e.DATABASE_URL } : { kind: "embedded", dataDir: path.resolve(cwd, e.REDRIVE_DATA_DIR) },
    logLevel: e.REDRIVE_LOG_LEVEL,
    auth: {
      sessionIdleMs: Math.round(f.auth.sessionIdleMinutes * 60_000),
      sessionMaxMs: Math.round(f.auth.sessionMaxHours * 3_600_000),
      signInFailuresPerAccount: f.auth.signInFailuresPerAccount,
      signInFailuresPerAddress: f.auth.signInFailuresPerAddress,
      signInFailuresTotal: f.auth.signInFailuresTotal,
      signInWindowMs: Math.round(f.auth.signInWindowMinutes * 60_000),
      trustProxy: f.auth.trustProxy,
      allowedOrigins: f.auth.allowedOrigins.map((o) => new URL(o).origin),
      publicOrigin: f.publicUrl === undefined ? null : new URL(f.publicUrl).origin,
      peerHeader: e.REDRIVE_PEER_HEADER ?? null,
      setupLinkMs: Math.round(f.auth.setupLinkHours * 3_600_000),
      permissions: f.auth.permissions ?? {},
      firstAdmin: { name: e.REDRIVE_ADMIN_USER, password: e.REDRIVE_ADMIN_PASSWORD },
      localUrl: `http://localhost:${e.PORT ?? 3000}${basePath}`,
      localAccounts: f.auth.localAccounts,
      sso: { groupRoles: f.auth.groupRoles, defaultRole: f.auth.defaultRole ?? null },
      oidc,
      proxyHeaders,
    },
  };
}

/** auth.oidc and auth.proxyHeaders with their secrets read, and the rules that make them usable together. */
function singleSignOn(f: z.infer<typeof fileSchema>, env: Record<string, string | undefined>, cwd: string): { oidc: OidcConfig | null; proxyHeaders: ProxyHeadersConfig | null } {
  const a = f.auth;
  const sso = a.oidc !== undefined || a.proxyHeaders !== undefined;
  const invalid = (m: string) => new ConfigError(`Invalid configuration: ${m}`);
  if (!a.localAccounts && !sso) {
    throw invalid("auth.localAccounts is false, but neither auth.oidc nor auth.proxyHeaders is configured, so nobody could sign in.");
  }
  if (sso && Object.keys(a.groupRoles).length === 0 && a.defaultRole === undefined) {
    throw invalid("single sign-on is configured, but auth.groupRoles maps no group to a role and auth.defaultRole is unset, so every single sign-on would be refused.");
  }
  if (!a.localAccounts && a.defaultRole !== "admin" && !Object.values(a.groupRoles).includes("admin")) {
    throw invalid("auth.localAccounts is false, so admins can only come from single sign-on, but auth.groupRoles maps no group to admin: map your administrators' group to admin.");
  }
  if (!sso && (Object.keys(a.groupRoles).length > 0 || a.defaultRole !== undefined)) {
    throw invalid("auth.groupRoles and auth.defaultRole apply to single sign-on, but neither auth.oidc nor auth.proxyHeaders is configured.");
  }
  let oidc: OidcConfig | null = null;
  if (a.oidc) {
    if (f.publicUrl === undefined) {
      throw invalid("auth.oidc needs publicUrl: the provider sends browsers back to <publicUrl>/api/auth/oidc/callback, which must be registered with it.");
    }
    const o = a.oidc;
    oidc = {
      issuer: o.issuer.replace(/\/+$/, ""),
      clientId: o.clientId,
      clientSecret: secret(env, cwd, { env: o.clientSecretEnv, file: o.clientSecretFile }, "auth.oidc.clientSecret"),
      scopes: o.scopes,
      groupsClaim: o.groupsClaim,
      usernameClaim: o.usernameClaim ?? null,
      displayName: o.displayName,
      endSession: o.endSession,
      redirectUri: `${f.publicUrl.replace(/\/+$/, "")}/api/auth/oidc/callback`,
      insecure: new URL(o.issuer).protocol === "http:",
    };
  }
  let proxyHeaders: ProxyHeadersConfig | null = null;
  if (a.proxyHeaders) {
    const p = a.proxyHeaders;
    const shared = secret(env, cwd, { env: p.secretEnv, file: p.secretFile }, "auth.proxyHeaders.secret") ?? null;
    if (shared === null && p.proxies.length === 0) {
      throw invalid("auth.proxyHeaders needs the proxy to prove itself: give secretEnv or secretFile (a secret the proxy sends), or proxies (its addresses), or both.");
    }
    if (shared !== null && shared.length < 16) throw invalid("auth.proxyHeaders.secret must be at least 16 characters.");
    const names = [p.userHeader, p.emailHeader, p.groupsHeader, p.secretHeader];
    if (new Set(names).size !== names.length) throw invalid("auth.proxyHeaders: userHeader, emailHeader, groupsHeader and secretHeader must be four different headers.");
    proxyHeaders = { ...p, secret: shared, proxies: p.proxies.map((ip) => ip.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, "")) };
  }
  return { oidc, proxyHeaders };
}

let cached: RedriveConfig | undefined;

/** The process's configuration, parsed on first use. */
export function getConfig(): RedriveConfig {
  cached ??= loadConfig();
  return cached;
}
