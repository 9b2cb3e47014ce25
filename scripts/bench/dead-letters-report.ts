import type { DeadLetterFigures, Throughput } from "./dead-letters";
import { renderInbox } from "./inbox-report";
import { int, ms, ratio } from "./stats";

const per = (t: Throughput) => `${int(t.perSecond)}/s (${int(t.n)} in ${ms(t.ms)})`;

/** The dead-letter sections of the report: figure | baseline | ratio (figure ÷ baseline). */
export function renderDeadLetters(f: DeadLetterFigures): string[] {
  const c = f.collect;
  const r = f.requeue.rabbit;
  const n = f.requeue.nats;
  return [
    `## Collection burst (issue 4): ${int(f.sizes.collect)} letters from one RabbitMQ DLQ`,
    "",
    `Real dead letters: ${int(f.sizes.collect)} messages (${c.payloadBytes} B JSON, two headers) published to a queue whose dead-letter exchange routes into the DLQ, then nacked`,
    `(requeue=false) by a consumer, so RabbitMQ wrote the \`x-death\` headers itself (two DLQs filled this way, ${ms(c.setupMs)}). Redrive: a \`RabbitCollector\` with the DLQ adopted`,
    `(prefetch ${f.prefetch}, batches of ${Math.min(f.prefetch, 100)}, store then ack), into the temp PostgreSQL store, timed from \`reconcile()\` until every letter was stored and acked.`,
    "Baselines in the same run: a bare amqplib consumer on the other DLQ with the same prefetch, acking every message and storing nothing;",
    "and the same bytes (payload + headers JSON) as a plain batched `INSERT … SELECT unnest(…)` into a table with only a primary key, same batch size.",
    "",
    "| Redrive | letters/s | baseline | per second | ratio |",
    "| --- | ---: | --- | ---: | ---: |",
    `| collect into the store | ${per(c.redrive)} | bare consumer, manual ack, no store | ${per(c.bareAck)} | ${ratio(c.redrive.perSecond, c.bareAck.perSecond)} |`,
    `| collect into the store | ${per(c.redrive)} | plain batched INSERT of the same bytes | ${per(c.plainInsert)} | ${ratio(c.redrive.perSecond, c.plainInsert.perSecond)} |`,
    "",
    `Accounted for: ${int(c.stored)} letters stored, ${int(c.left)} left on the DLQ.`,
    "",
    ...renderInbox([f.inbox, ...(f.inboxEmbedded ? [f.inboxEmbedded] : [])]),
    "",
    `## Requeue throughput (issue 5): ${int(f.sizes.requeue)} RabbitMQ letters, ${int(f.sizes.requeueNats)} JetStream letters`,
    "",
    `The letters are copies (by SQL, ${ms(f.requeue.insertMs)}) of one real collected dead letter each, with their own ~290-byte payloads. A requeue job by`,
    `\`startJob\` (filter by source) at rate ${int(f.jobRate)}/s (= \`redrive.maxRate\` of the bench's configuration, i.e. unpaced), run by a \`JobRunner\` with`,
    `\`maxInFlight\` ${f.maxInFlight} (chunks of ${f.maxInFlight}: intents and outcomes written per chunk, publishes confirmed one by one). “job” = \`claim()\` until idle;`,
    "“start + job” adds `startJob` (the claim transaction). Baselines with the same confirms in flight, same run:",
    "the shovel's “move messages” (the management UI's `PUT /api/parameters/shovel/…`, `src-delete-after: queue-length`, `ack-mode: on-confirm`, until the",
    "parameter removes itself), a bare amqplib ConfirmChannel, and bare `js.publish` (no `Nats-Msg-Id`).",
    "",
    "| Redrive | letters/s | baseline | per second | ratio |",
    "| --- | ---: | --- | ---: | ---: |",
    `| RabbitMQ requeue job | ${per(r.run)} | shovel move between two queues | ${per(r.shovel)} | ${ratio(r.run.perSecond, r.shovel.perSecond)} |`,
    `| RabbitMQ requeue job | ${per(r.run)} | bare ConfirmChannel, ${f.maxInFlight} in flight | ${per(r.bare)} | ${ratio(r.run.perSecond, r.bare.perSecond)} |`,
    `| RabbitMQ start + job | ${per(r.total)} | bare ConfirmChannel, ${f.maxInFlight} in flight | ${per(r.bare)} | ${ratio(r.total.perSecond, r.bare.perSecond)} |`,
    `| JetStream requeue job | ${per(n.run)} | bare js.publish, ${f.maxInFlight} at a time | ${per(n.bare)} | ${ratio(n.run.perSecond, n.bare.perSecond)} |`,
    `| JetStream start + job | ${per(n.total)} | bare js.publish, ${f.maxInFlight} at a time | ${per(n.bare)} | ${ratio(n.total.perSecond, n.bare.perSecond)} |`,
    "",
    `\`startJob\`: ${ms(r.startMs)} for ${int(f.sizes.requeue)} RabbitMQ letters, ${ms(n.startMs)} for ${int(f.sizes.requeueNats)} JetStream letters.`,
    `Accounted for: the destination queue holds ${int(r.destination)} messages and the store shows ${int(r.requeued)} requeued letters (${int(r.failed)} not done);`,
    `the shovel moved ${int(r.shovelMoved)}; the JetStream stream holds ${int(n.destination)}, the store shows ${int(n.requeued)} requeued (${int(n.failed)} not done); bare js.publish stored ${int(n.bareStored)}.`,
  ];
}
