import "server-only";
import type { NatsConnection } from "@nats-io/transport-node";
import { describeError } from "@/lib/errors";

// Time lag on JetStream: the stored time of the first message a consumer has not completed. Every
// message at or below the ack floor is done, so that message is the next one on the consumer's
// filter subject at or after `ack_floor.stream_seq + 1` (STREAM.MSG.GET with `next_by_subj`, which
// skips deleted and other-subject sequences server-side). A stored message never changes, so its
// time is cached by (stream incarnation, filter, sequence): a sweep asks only for consumers whose
// floor moved since the last one, and the cache holds only what the last sweep used.

export type OldestTarget = {
  stream: string;
  /** The stream's `created`: a recreated stream restarts its sequences. */
  streamCreated: string;
  /** The consumer's filter subject, or ">" for an unfiltered consumer. */
  filter: string;
  /** First sequence not known to be completed: ack_floor.stream_seq + 1. */
  fromSeq: number;
  /** The stream's first sequence now: a cached message below it has since been removed. */
  streamFirstSeq: number;
};

export type OldestResult = { at: number | null; note: string | null };

type Cached = { seq: number; at: number };
type GetResponse = { message?: { seq: number; time: string }; error?: { code: number; err_code?: number; description?: string } };

const NO_MESSAGE = 10037;
const CONCURRENCY = 16;

/** "2026-12-06T12:00:02.123456789Z" → ms; keeps the milliseconds, whatever the precision. */
export function parseNatsTime(iso: string): number | null {
  const t = Date.parse(iso.replace(/(\.\d{3})\d+/, "$1"));
  return Number.isNaN(t) ? null : t;
}

export class OldestMessageTimes {
  private cache = new Map<string, Cached>();
  /** Lookups made by the last `read`, for the bench and tests: what the cache saved is targets − lookups. */
  lastLookups = 0;

  private static key(t: OldestTarget): string {
    return `${t.stream}\u0000${t.streamCreated}\u0000${t.filter}\u0000${t.fromSeq}`;
  }

  /** The time of each target's first uncompleted message; `at` null with a note when it cannot be read. */
  async read(nc: NatsConnection, targets: OldestTarget[], timeoutMs: number): Promise<OldestResult[]> {
    const next = new Map<string, Cached>();
    const out: OldestResult[] = new Array<OldestResult>(targets.length);
    const todo: number[] = [];
    targets.forEach((t, i) => {
      const key = OldestMessageTimes.key(t);
      const hit = this.cache.get(key);
      if (hit && hit.seq >= t.streamFirstSeq) {
        next.set(key, hit);
        out[i] = { at: hit.at, note: null };
      } else {
        todo.push(i);
      }
    });
    this.lastLookups = todo.length;
    let cursor = 0;
    const worker = async () => {
      while (cursor < todo.length) {
        const i = todo[cursor++]!;
        const t = targets[i]!;
        out[i] = await this.lookup(nc, t, timeoutMs, next);
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, todo.length) }, worker));
    this.cache = next;
    return out;
  }

  private async lookup(nc: NatsConnection, t: OldestTarget, timeoutMs: number, next: Map<string, Cached>): Promise<OldestResult> {
    try {
      const msg = await nc.request(`$JS.API.STREAM.MSG.GET.${t.stream}`, JSON.stringify({ seq: t.fromSeq, next_by_subj: t.filter }), { timeout: timeoutMs });
      const r = msg.json<GetResponse>();
      if (r.error) {
        // Nothing at or after the floor: the backlog counts messages the stream no longer holds.
        if (r.error.err_code === NO_MESSAGE) return { at: null, note: `the stream holds no message at or after sequence ${t.fromSeq} on ${t.filter}` };
        return { at: null, note: `JetStream refused to read sequence ${t.fromSeq}: ${r.error.description ?? `error ${r.error.code}`}` };
      }
      const at = r.message ? parseNatsTime(r.message.time) : null;
      if (at === null || !r.message) return { at: null, note: "JetStream returned a message without a readable time" };
      next.set(OldestMessageTimes.key(t), { seq: r.message.seq, at });
      return { at, note: null };
    } catch (e) {
      return { at: null, note: `could not read the first waiting message: ${describeError(e)}` };
    }
  }
}
