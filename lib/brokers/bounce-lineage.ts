import "server-only";

// Every requeue carries an attempt id "redrive:<job id>:<letter id>" (RabbitMQ: the x-redrive-op
// header; JetStream: Nats-Msg-Id). When that message dies again, the id names the letter it was
// sent back for and the job that sent it.

const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
const ATTEMPT = new RegExp(`^redrive:(${UUID}):(${UUID})$`, "i");

export type BouncedFrom = { jobId: string; letterId: string };

/** The job and letter a requeue's attempt id names, or null for anything else (a header an application set, a malformed id). */
export function bouncedFrom(attemptId: unknown): BouncedFrom | null {
  const v = Array.isArray(attemptId) ? attemptId[0] : attemptId;
  if (typeof v !== "string") return null;
  const m = ATTEMPT.exec(v.trim());
  return m ? { jobId: m[1]!.toLowerCase(), letterId: m[2]!.toLowerCase() } : null;
}
