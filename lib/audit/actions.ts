// The audit log's vocabulary: every action Redrive records and how each kind of target is written.
// Writers take their names from here (AuditIntent, AuditEvent and AuditRowInput accept nothing
// else), and the audit page offers the same names, so a renamed action cannot leave rows that no
// filter finds. Shared by server and browser: no server imports.
//
// Naming: "<resource>.<verb>", lower case, words joined by "-" ("auth.sign-in"); a resource with
// parts nests with dots ("notification.channel.create"). A job's own row is "job.<action>", each
// letter it moves is "letter.<action>"; controls of a running job are "job.pause" and the like.

export const AUDIT_ACTIONS = [
  "auth.sign-in",
  "auth.sign-out",
  "auth.refused",
  "user.create",
  "user.update",
  "user.password",
  "token.create",
  "token.revoke",
  "job.requeue",
  "job.terminate",
  "job.restore",
  "job.pause",
  "job.resume",
  "job.cancel",
  "job.auto-pause",
  "job.auto-resume",
  "job.canary-pass",
  "letter.requeue",
  "letter.terminate",
  "letter.restore",
  "dlq.adopt",
  "dlq.release",
  "expected-consumer.create",
  "expected-consumer.delete",
  "notification.channel.create",
  "notification.channel.update",
  "notification.channel.delete",
  "notification.channel.test",
  "notification.rule.create",
  "notification.rule.update",
  "notification.rule.delete",
  "audit.export",
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];
/** "job", "letter", "notification", …: what a prefix filter ("job." or "job*") narrows to. */
export type AuditResource = ResourceOf<AuditAction>;
type ResourceOf<A> = A extends `${infer R}.${string}` ? R : never;
type VerbOf<A, R extends string> = A extends `${R}.${infer V}` ? V : never;

/** What a job's own rows say it did: its action (requeue, …) or a control (pause, resume, cancel). */
export type JobVerb = VerbOf<AuditAction, "job">;

/** The row of a whole job: started (its action) or controlled. A JobAction or control without a name above does not compile where it is recorded. */
export function jobAuditAction(verb: JobVerb): AuditAction {
  return `job.${verb}`;
}

/** A name read back as text (a job's stored action), checked against the vocabulary. */
export function isAuditAction(v: string): v is AuditAction {
  return (AUDIT_ACTIONS as readonly string[]).includes(v);
}

/** How targets are written: "<kind>:<id>". Users are matched by their name in lower case (every spelling that reaches an account is the same target). */
export const auditTarget = {
  letter: (id: string) => `letter:${id}`,
  job: (id: string) => `job:${id}`,
  user: (name: string) => `user:${name.toLowerCase()}`,
  token: (name: string) => `token:${name}`,
  /** A DLQ: the cluster's name, then the queue as the list shows it ("vhost/queue"). */
  dlq: (cluster: string, name: string) => `dlq:${cluster}/${name}`,
  /** An expected consumer: the cluster's name, then the consumer's key. */
  expectedConsumer: (cluster: string, key: string) => `expected-consumer:${cluster}/${key}`,
  notificationChannel: (name: string) => `notification-channel:${name}`,
  notificationRule: (name: string) => `notification-rule:${name}`,
  /** The audit log itself (an export). */
  auditLog: () => "audit",
} as const;

/** Offered in the audit page's action filter (any other text works too): a job's and a letter's rows first, then single actions. */
export const AUDIT_ACTION_SUGGESTIONS: readonly (AuditAction | `${AuditResource}.`)[] = [
  "job.",
  "job.requeue",
  "job.terminate",
  "job.restore",
  "job.pause",
  "job.resume",
  "job.cancel",
  "job.auto-pause",
  "job.auto-resume",
  "letter.",
  "letter.requeue",
  "letter.terminate",
  "letter.restore",
  "dlq.adopt",
  "dlq.release",
  "audit.export",
];
