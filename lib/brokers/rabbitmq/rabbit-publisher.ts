import "server-only";
import type { ConfirmChannel, Message, Options } from "amqplib";
import type { RabbitClusterConfig } from "@/lib/config";
import { describeError } from "@/lib/errors";
import { rabbitDestinationProblem } from "../destination-rules";
import { decodeAmqpTable } from "./amqp-table";
import { connectAmqp, type AmqpConnection } from "./connect-amqp";
import { OP_HEADER, REDRIVE_COUNT_HEADER } from "./letter-from-amqp";
import { splitQueueId } from "./queue-id";
import type { LetterPublisher, OutgoingLetter, PublishResult } from "../publisher";

// Requeue on RabbitMQ: publish to the default exchange keyed by the destination queue, mandatory,
// on a confirm channel. Done only on a confirm without a return; a return is a failure with the
// broker's reason; no confirm in time (or a closed channel) is "outcome unknown" and never retried
// automatically — RabbitMQ has no dedupe, so a retry could double the message.

const STRIP_HEADERS = new Set(["CC", "BCC", "x-delivery-count"]);

/** A publish awaiting its confirm: its timer stops while RabbitMQ blocks the connection. */
type Pending = { resolve: (r: PublishResult) => void; pause(): void; resume(): void };
/** `blocked`: why RabbitMQ is blocking this connection's publishers (a resource alarm), or null. */
type Channel = { ch: ConfirmChannel; pending: Map<string, Pending>; returned: Map<string, string>; blocked: string | null };

export class RabbitPublisher implements LetterPublisher {
  private readonly connections = new Map<string, Promise<Channel>>();
  private readonly blocked = new Map<string, string>();
  private readonly conns: AmqpConnection[] = [];

  constructor(
    private readonly cluster: RabbitClusterConfig,
    private readonly confirmTimeoutMs: number,
  ) {}

  private channel(vhost: string): Promise<Channel> {
    let p = this.connections.get(vhost);
    if (!p) {
      p = (async () => {
        const conn = await connectAmqp(this.cluster, { vhost, timeoutMs: 5000, name: "redrive-requeue" });
        this.conns.push(conn);
        conn.on("close", () => this.connections.delete(vhost));
        const ch = await conn.createConfirmChannel();
        const state: Channel = { ch, pending: new Map(), returned: new Map(), blocked: null };
        // A resource alarm: RabbitMQ stops reading what this connection sends, so the confirms of
        // publishes already sent are late, not lost. Their timers wait for the alarm to clear, and
        // nothing new is sent meanwhile (the job waits, and says why).
        conn.on("blocked", (reason: unknown) => {
          state.blocked = typeof reason === "string" && reason ? reason : "resource alarm";
          this.blocked.set(vhost, state.blocked);
          for (const p of state.pending.values()) p.pause();
        });
        conn.on("unblocked", () => {
          state.blocked = null;
          this.blocked.delete(vhost);
          for (const p of state.pending.values()) p.resume();
        });
        // The broker sends basic.return before the ack, so the return is known when the confirm lands.
        ch.on("return", (m: Message) => {
          const op = m.properties.headers?.[OP_HEADER];
          const f = m.fields as unknown as { replyCode?: number; replyText?: string };
          if (typeof op === "string") state.returned.set(op, `${f.replyCode ?? 312} ${f.replyText ?? "NO_ROUTE"}`);
        });
        const fail = (why: string) => {
          this.connections.delete(vhost);
          this.blocked.delete(vhost);
          for (const [, p] of state.pending) p.resolve({ outcome: "unknown", detail: `${why} before RabbitMQ confirmed the publish; not retried, so it cannot be doubled` });
          state.pending.clear();
        };
        ch.on("close", () => fail("the channel closed"));
        ch.on("error", (e: unknown) => fail(`the channel failed (${describeError(e)})`));
        conn.on("error", () => undefined);
        return state;
      })();
      p.catch(() => this.connections.delete(vhost));
      this.connections.set(vhost, p);
    }
    return p;
  }

  private options(l: OutgoingLetter): Options.Publish {
    const p = l.properties;
    const headers: Record<string, unknown> = {};
    for (const [k, v] of Object.entries((decodeAmqpTable(l.headers) ?? {}) as Record<string, unknown>)) if (!STRIP_HEADERS.has(k)) headers[k] = v;
    headers[REDRIVE_COUNT_HEADER] = l.redriveCount + 1;
    headers[OP_HEADER] = l.attemptId;
    const str = (v: unknown) => (typeof v === "string" ? v : undefined);
    const ts = str(p.timestamp) ? Math.floor(Date.parse(p.timestamp as string) / 1000) : undefined;
    return {
      mandatory: true,
      headers,
      contentType: str(p.contentType),
      contentEncoding: str(p.contentEncoding),
      deliveryMode: typeof p.deliveryMode === "number" ? p.deliveryMode : 2,
      priority: typeof p.priority === "number" ? p.priority : undefined,
      correlationId: str(p.correlationId),
      replyTo: str(p.replyTo),
      // Keeps consumers able to deduplicate: RabbitMQ itself does not.
      messageId: str(p.messageId) ?? l.attemptId,
      timestamp: Number.isFinite(ts) ? ts : undefined,
      type: str(p.type),
      appId: str(p.appId),
      // expiration is dropped (it could expire again at once); userId only if it is ours (else 406).
      userId: str(p.userId) === this.cluster.user ? this.cluster.user : undefined,
    };
  }

  async prepare(destination: string): Promise<void> {
    if (rabbitDestinationProblem(destination, this.cluster.vhosts)) return;
    await this.channel(splitQueueId(destination).vhost).then(
      () => undefined,
      () => undefined,
    );
  }

  async publish(l: OutgoingLetter): Promise<PublishResult> {
    // Checked when the job started; checked again for jobs that predate the rule.
    const rule = rabbitDestinationProblem(l.destination, this.cluster.vhosts);
    if (rule) return { outcome: "failed", detail: `not sent: ${rule}` };
    const { vhost, queue } = splitQueueId(l.destination);
    let state: Channel;
    try {
      state = await this.channel(vhost);
    } catch (e) {
      return { outcome: "not_sent", detail: `cannot reach RabbitMQ (vhost ${vhost}): ${describeError(e)}` };
    }
    if (state.blocked) return { outcome: "not_sent", detail: `RabbitMQ is blocking publishers (${state.blocked}); letters wait until the alarm clears` };
    return new Promise<PublishResult>((resolve) => {
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      const done = (r: PublishResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        state.pending.delete(l.attemptId);
        state.returned.delete(l.attemptId);
        resolve(r);
      };
      const arm = () => {
        clearTimeout(timer);
        timer = setTimeout(
          () => done({ outcome: "unknown", detail: `RabbitMQ did not confirm within ${this.confirmTimeoutMs / 1000} s; not retried, so it cannot be doubled` }),
          this.confirmTimeoutMs,
        );
      };
      state.pending.set(l.attemptId, { resolve: done, pause: () => clearTimeout(timer), resume: arm });
      if (!state.blocked) arm();
      try {
        state.ch.publish("", queue, Buffer.from(l.payload), this.options(l), (err: unknown) => {
          // amqplib calls back with "message nacked" for a broker nack (it did not take the message),
          // and with "channel closed" for every publish still unconfirmed when the channel went:
          // those may well have landed, so they are unknown, not failed.
          if (err && describeError(err) === "message nacked") return done({ outcome: "failed", detail: "RabbitMQ refused the publish (nack)" });
          if (err) return done({ outcome: "unknown", detail: `the channel closed (${describeError(err)}) before RabbitMQ confirmed the publish; not retried, so it cannot be doubled` });
          const returned = state.returned.get(l.attemptId);
          if (returned) return done({ outcome: "failed", detail: `unroutable: ${returned} — no queue "${queue}" in vhost ${vhost}` });
          done({ outcome: "done", detail: null });
        });
      } catch (e) {
        done({ outcome: "unknown", detail: `publishing failed mid-way (${describeError(e)}); not retried, so it cannot be doubled` });
      }
    });
  }

  waiting(): string | null {
    const [reason] = this.blocked.values();
    return reason === undefined ? null : `RabbitMQ is blocking publishers (${reason}); letters wait until the alarm clears`;
  }

  async close(): Promise<void> {
    await Promise.all(this.conns.map((c) => c.close().catch(() => undefined)));
    this.conns.length = 0;
    this.connections.clear();
  }
}
