import { medianPerLetter, type CpuUse } from "./cpu-meter";
import type { DeadLetterFigures, Throughput } from "./dead-letters";
import { renderInbox as renderInboxFigures } from "./inbox-report";
import { int, ms, ratio } from "./stats";
import { describeProfile } from "./store-profile";

const per = (t: Throughput) => `${int(t.perSecond)}/s (${int(t.n)} in ${ms(t.ms)})`;

const list = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(", ");
const target = (value: number, min: number) => (Number.isFinite(value) ? (value >= min ? `≥ ${min} ✔` : `≥ ${min} ✘`) : "–");
const median = (xs: number[]) => {
  const s = [...xs].filter(Number.isFinite).sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)]! : Number.NaN;
};

type CpuRow = { run: string; broker: string; rate: Throughput; cpu: CpuUse[] };
/** A Redrive run and its bare baseline, as the CPU table shows them and its sentences compare them. */
type CpuPair = { what: string; redrive: CpuRow; bareName: string; bare: CpuRow };

/** A row's per-letter figures, medians over its rounds (null when none was metered). */
const cpuOf = (r: CpuRow) => medianPerLetter(r.cpu.map((cpu) => ({ cpu, n: r.rate.n })));
const us = (x: number) => (Number.isFinite(x) ? `${Math.round(x)} µs` : "–");

/**
 * Where each run's CPU went, per letter (medians over the rounds), and the letters a second the
 * machine's cores allow at that cost: broker + PostgreSQL + the bench's process (Redrive's job or
 * collector, or the bare client), the work the run itself made.
 */
export function renderCpu(rows: CpuRow[]): string[] {
  const pct = (x: number) => (Number.isFinite(x) ? `${Math.round(x * 100)}%` : "–");
  const out: string[] = [];
  let cores = 0;
  for (const r of rows) {
    const m = cpuOf(r);
    if (!m) continue;
    cores = m.cores;
    out.push(
      `| ${r.run} | ${int(r.rate.perSecond)}/s | ${us(m.perLetter.broker)} (${r.broker}) | ${us(m.perLetter.store)} | ${us(m.perLetter.bench)} | **${us(m.perLetter.total)}** | ${int(m.ceiling)}/s (${pct(r.rate.perSecond / m.ceiling)} of it reached) | ${us(m.perLetter.other)} | ${pct(m.machineBusy)} |`,
    );
  }
  if (!out.length) return [];
  return [
    `| run | letters/s (median) | broker CPU a letter | PostgreSQL | the bench's process (Redrive, or the bare client) | all three | CPU ceiling: ${cores} cores ÷ all three | other processes | machine busy |`,
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...out,
  ];
}

/** "the requeue job's own CPU cost … allows at most …": the CPU ceiling of `job` against `bare`, or nothing when not measured. */
function cpuCeilingSentence({ what, redrive: job, bareName, bare }: CpuPair, targetRatio: number): string[] {
  const j = cpuOf(job);
  const b = cpuOf(bare);
  if (!j || !b || !Number.isFinite(j.ceiling)) return [];
  const limit = j.ceiling / bare.rate.perSecond;
  return [
    `${what} cost ${us(j.perLetter.total)} of CPU a letter (broker ${us(j.perLetter.broker)}, PostgreSQL ${us(j.perLetter.store)}, Redrive ${us(j.perLetter.bench)}); ${bareName} ${us(b.perLetter.total)} (broker ${us(b.perLetter.broker)}, client ${us(b.perLetter.bench)}).`,
    `At that cost this machine's ${j.cores} cores, shared by broker, store and Redrive, allow at most ${int(j.ceiling)}/s, ${limit.toFixed(2)}× ${bareName}'s median: ${limit >= targetRatio ? `room for the ${targetRatio}× target` : `below the ${targetRatio}× target, so here the target needs a cheaper letter, not a faster pipeline`}; it ran at ${Math.round((job.rate.perSecond / j.ceiling) * 100)}% of that ceiling.`,
  ];
}

/** The dead-letter sections of the report: figure | baseline | ratio (figure ÷ baseline). */
export function renderDeadLetters(f: DeadLetterFigures): string[] {
  return [...renderCollection(f), ...(f.inbox ? ["", ...renderInbox(f)] : []), "", ...renderRequeue(f)];
}

export const COLLECTION_HEADING = "## Collection (issue 18)";
export const REQUEUE_HEADING = "## Requeue throughput (issue 18)";

export function renderCollection(f: DeadLetterFigures): string[] {
  const c = f.collect.rabbit;
  const n = f.collect.nats;
  const rounds = c.redrive.rounds.length;
  return [
    `${COLLECTION_HEADING}: ${int(f.sizes.collect)} letters from a RabbitMQ DLQ, ${int(f.sizes.collectNats)} from JetStream advisories; ${rounds} rounds`,
    "",
    `RabbitMQ: real dead letters (${c.payloadBytes} B JSON, two headers) published to a queue whose dead-letter exchange routes into the DLQ, then nacked`,
    `(requeue=false), so RabbitMQ wrote the \`x-death\` headers itself (${ms(c.setupMs)} to fill two DLQs a round). Redrive: a \`RabbitCollector\` with the DLQ adopted`,
    `(prefetch ${f.prefetch}, batches of ${Math.min(f.prefetch, 100)}, stored then acked), into the temp PostgreSQL store, from \`reconcile()\` until every letter was stored and acked.`,
    "Baseline: a bare amqplib consumer on the other DLQ, same prefetch, acking every message and storing nothing.",
    `JetStream: ${int(f.sizes.collectNats)} messages terminated by a worker (+TERM), so the server published as many MSG_TERMINATED advisories into the capture stream; two`,
    `durables see them all. Redrive: a \`CaptureCollector\` (fetch ${n.batch} advisories, STREAM.MSG.GET each original, store the batch, then ack) until its durable has nothing`,
    `pending or unacked. Baseline: a bare loop on the other durable — fetch ${n.batch}, STREAM.MSG.GET each original (as many at once), ack — storing nothing.`,
    "Each round runs both in turn, the order rotating from round to round (the machine is shared: other work comes and goes); figures are medians over the rounds.",
    "",
    "| Redrive | letters/s (median) | baseline | per second (median) | ratio of medians | each round | target |",
    "| --- | ---: | --- | ---: | ---: | --- | --- |",
    `| collect from a RabbitMQ DLQ into the store | ${per(c.redrive.median)} | bare consumer, prefetch ${f.prefetch}, no store | ${per(c.bare.median)} | ${ratio(c.redrive.median.perSecond, c.bare.median.perSecond)} | ${list(c.ratios)} | ${target(median(c.ratios), 0.8)} |`,
    `| collect JetStream dead letters into the store | ${per(n.redrive.median)} | bare advisory fetch + STREAM.MSG.GET, no store | ${per(n.bare.median)} | ${ratio(n.redrive.median.perSecond, n.bare.median.perSecond)} | ${list(n.ratios)} | ${target(median(n.ratios), 0.8)} |`,
    `| (the store's ceiling) | | plain batched INSERT of the same bytes into a table with only a primary key, batches of ${Math.min(f.prefetch, 100)} | ${per(f.collect.plainInsert)} | ${ratio(c.redrive.median.perSecond, f.collect.plainInsert.perSecond)} | | |`,
    `| (the inbox's ceiling) | | the same letters INSERTed by SQL into dead_letters (its indexes, the search table, the group counts), batches of ${Math.min(f.prefetch, 100)}, no broker | ${per(f.collect.inboxInsert)} | ${ratio(c.redrive.median.perSecond, f.collect.inboxInsert.perSecond)} | | |`,
    "",
    `The inbox's ceiling is what storing the letters costs by itself: ${per(f.collect.inboxInsert)}, ${ratio(f.collect.inboxInsert.perSecond, c.bare.median.perSecond)}× the bare consumer. Collection cannot beat it, whatever the broker's speed.`,
    "",
    ...cpuSection([
      {
        what: "Collection from the RabbitMQ DLQ",
        redrive: { run: "collect from a RabbitMQ DLQ", broker: "RabbitMQ", rate: c.redrive.median, cpu: c.cpu.redrive },
        bareName: "the bare consumer",
        bare: { run: "bare consumer", broker: "RabbitMQ", rate: c.bare.median, cpu: c.cpu.bare },
      },
      {
        what: "Collection of JetStream dead letters",
        redrive: { run: "collect JetStream dead letters", broker: "NATS", rate: n.redrive.median, cpu: n.cpu.redrive },
        bareName: "the bare loop",
        bare: { run: "bare advisory fetch + STREAM.MSG.GET", broker: "NATS", rate: n.bare.median, cpu: n.cpu.bare },
      },
    ]),
    `Nothing is acked before it is stored: each batch is acked after its INSERT committed. Accounted for: ${int(c.stored)} RabbitMQ letters stored, ${int(c.left)} left on the DLQs; ${int(n.stored)} JetStream letters stored.`,
  ];
}

/**
 * The CPU table (each pair's Redrive run, then its baseline; `extra` rows after the first pair) and
 * each pair's ceiling against the 0.8× target, or nothing when this machine gave no per-process CPU times.
 */
function cpuSection(pairs: CpuPair[], extra: CpuRow[] = []): string[] {
  const rows = pairs.flatMap((p, i) => [p.redrive, p.bare, ...(i === 0 ? extra : [])]);
  const sentences = pairs.flatMap((p) => cpuCeilingSentence(p, 0.8));
  const table = renderCpu(rows);
  if (!table.length) return [];
  return [
    "Where the CPU went (every process's CPU time from /proc during each run, per letter, medians over the rounds; the broker is every RabbitMQ or NATS server process, the bench's process runs Redrive's job or collector in-process, or the bare baseline's client; other processes are whatever else ran on the machine meanwhile):",
    "",
    ...table,
    "",
    ...sentences,
    "",
  ];
}

export function renderInbox(f: DeadLetterFigures): string[] {
  if (!f.inbox) return [];
  return renderInboxFigures([f.inbox, ...(f.inboxEmbedded ? [f.inboxEmbedded] : [])]);
}

/**
 * The floor's verdict: the store's CPU for the letters' states alone, added to each bare baseline's
 * own CPU, and the rate this machine's cores would allow a requeue that wrote nothing more.
 */
function floorSentences(f: DeadLetterFigures): string[] {
  const r = f.requeue.rabbit;
  const n = f.requeue.nats;
  const floor = medianPerLetter([{ cpu: r.floor.cpu, n: r.floor.rate.n }]);
  if (!floor || !(floor.perLetter.store > 0)) return [];
  const against = (name: string, bare: Throughput, cpu: CpuUse[]) => {
    const b = medianPerLetter(cpu.map((c) => ({ cpu: c, n: bare.n })));
    if (!b) return null;
    const ceiling = (floor.cores * 1e6) / (b.perLetter.total + floor.perLetter.store);
    const x = ceiling / bare.perSecond;
    return `${name}'s own ${us(b.perLetter.total)} plus the floor's ${us(floor.perLetter.store)} allow at most ${int(ceiling)}/s, ${x.toFixed(2)}× ${name} (${x >= 0.8 ? "room for the 0.8× target: what stands between it and a requeue job is the job's bookkeeping beyond the floor and Redrive's own CPU" : "below the 0.8× target: on this machine no requeue that records each letter's outcome in this store can reach it"})`;
  };
  const parts = [against("the bare ConfirmChannel", r.bare.median, r.cpu.bare), against("bare js.publish", n.bare.median, n.cpu.bare)].filter((x): x is string => x !== null);
  return [
    `The floor: what any requeue must write in this store, each letter's inbox state after its confirm (one UPDATE a chunk of ${f.maxInFlight}, with the table's indexes and group-count triggers, from one connection; no claim, job rows or audit), measured once on ${int(r.floor.rate.n)} letters: ${per(r.floor.rate)}, PostgreSQL ${us(floor.perLetter.store)} a letter.`,
    `With nothing else written, ${parts.join("; ")}.`,
    "",
  ];
}

export function renderRequeue(f: DeadLetterFigures): string[] {
  const r = f.requeue.rabbit;
  const n = f.requeue.nats;
  const rounds = r.job.rounds.length;
  const rss = Math.max(...r.jobs.map((j) => j.rss.peakMiB));
  const rssBefore = Math.min(...r.jobs.map((j) => j.rss.beforeMiB));
  const firstAll = [...r.jobs, ...n.jobs].map((j) => j.firstLetterMs);
  return [
    `${REQUEUE_HEADING}: ${int(f.sizes.requeue)} RabbitMQ letters, ${int(f.sizes.requeueNats)} JetStream letters; ${rounds} rounds`,
    "",
    `The letters are copies (by SQL) of one real collected dead letter each, with their own ~290-byte payloads, made afresh for each round, then \`VACUUM ANALYZE\` of the letters and the jobs' tables (what autovacuum does between jobs on a server that runs it; this machine's PostgreSQL has it off). A requeue job`,
    `as an operator starts it: \`startJob\` (filter by source) at rate ${int(f.jobRate)}/s (= \`redrive.maxRate\` of the bench's configuration, i.e. unpaced), run by a`,
    `\`JobRunner\` polling for work and asking the health gate before each chunk as the server's does, with \`maxInFlight\` ${f.maxInFlight}: chunks of up to ${f.maxInFlight}, each chunk's audit intent (one chained row naming its letters) and in-flight marks written`,
    "in one statement before its letters are sent and its outcome row and the letters' states in one statement after their confirms, the next chunk taken and its intent written while the last awaits its confirms, at most",
    `${f.maxInFlight} publishes unconfirmed across chunks. Timed from the start request until the job is completed (the claim transaction included).`,
    `Baselines with the same confirms in flight, same round: a bare amqplib ConfirmChannel (${f.maxInFlight} unconfirmed), the shovel's “move messages” (the management UI's`,
    "`PUT /api/parameters/shovel/…`, `src-delete-after: queue-length`, `ack-mode: on-confirm`, until the parameter removes itself), and bare `js.publish`",
    `(${f.maxInFlight} outstanding, no \`Nats-Msg-Id\`). The order rotates from round to round; figures are medians over the rounds.`,
    "",
    "| Redrive | letters/s (median) | baseline | per second (median) | ratio of medians | each round | target |",
    "| --- | ---: | --- | ---: | ---: | --- | --- |",
    `| RabbitMQ requeue job (start + run) | ${per(r.job.median)} | bare ConfirmChannel, ${f.maxInFlight} in flight | ${per(r.bare.median)} | ${ratio(r.job.median.perSecond, r.bare.median.perSecond)} | ${list(r.ratios.bare)} | ${target(median(r.ratios.bare), 0.8)} |`,
    `| RabbitMQ requeue job (start + run) | ${per(r.job.median)} | shovel move between two queues | ${per(r.shovel.median)} | ${ratio(r.job.median.perSecond, r.shovel.median.perSecond)} | ${list(r.ratios.shovel)} | ${target(median(r.ratios.shovel), 1)} |`,
    `| JetStream requeue job (start + run) | ${per(n.job.median)} | bare js.publish, ${f.maxInFlight} outstanding | ${per(n.bare.median)} | ${ratio(n.job.median.perSecond, n.bare.median.perSecond)} | ${list(n.ratios)} | ${target(median(n.ratios), 0.8)} |`,
    `| (the bookkeeping's ceiling) terminate job of as many letters: the same claim, chunk intents, in-flight marks, chunk outcomes and state changes, no broker | ${per(r.bookkeeping.median)} | bare ConfirmChannel, ${f.maxInFlight} in flight | ${per(r.bare.median)} | ${ratio(r.bookkeeping.median.perSecond, r.bare.median.perSecond)} | | |`,
    "",
    `Where the ceiling is: a requeue job cannot go faster than its bookkeeping in the store, measured alone as a terminate job of ${int(f.sizes.requeue)} letters`,
    `(${per(r.bookkeeping.median)}, ${ratio(r.bookkeeping.median.perSecond, r.bare.median.perSecond)}× the bare ConfirmChannel). Each chunk costs two chained audit rows (intent, outcome, naming its letters);`,
    "each letter its entries in the audit's letter index, two updates of its job row (in flight, outcome), one update of the letter's inbox row (state, with that",
    "table's B-tree indexes; the searched text and its GIN indexes are in dead_letter_search, written once at capture) and its share of the claim (the insert of",
    "its job row, which is the job's hold on it, and a row lock on the inbox row, which is not rewritten); the brokers and PostgreSQL share the machine's two cores,",
    "so a requeue job also competes with the broker's own work for CPU, which",
    "the bare baselines do not.",
    ...(r.bookkeepingProfile
      ? [`Where the bookkeeping job's time in the store went (pg_stat_activity sampled every 10 ms, last round): ${describeProfile(r.bookkeepingProfile)}.`]
      : []),
    "",
    ...cpuSection(
      [
        {
          what: "The RabbitMQ requeue job",
          redrive: { run: "RabbitMQ requeue job", broker: "RabbitMQ", rate: r.job.median, cpu: r.cpu.job },
          bareName: "the bare ConfirmChannel",
          bare: { run: "bare ConfirmChannel", broker: "RabbitMQ", rate: r.bare.median, cpu: r.cpu.bare },
        },
        {
          what: "The JetStream requeue job",
          redrive: { run: "JetStream requeue job", broker: "NATS", rate: n.job.median, cpu: n.cpu.job },
          bareName: "bare js.publish",
          bare: { run: "bare js.publish", broker: "NATS", rate: n.bare.median, cpu: n.cpu.bare },
        },
      ],
      // Shown after the RabbitMQ pair: the same job's store work alone, and the least of it.
      [
        { run: "bookkeeping alone (terminate job)", broker: "RabbitMQ", rate: r.bookkeeping.median, cpu: r.cpu.bookkeeping },
        { run: "the floor: the letters' inbox state alone", broker: "RabbitMQ", rate: r.floor.rate, cpu: [r.floor.cpu] },
      ],
    ),
    ...floorSentences(f),
    "| job | start request → first letter on the broker | `startJob` returns | peak RSS of the process running the job |",
    "| --- | ---: | ---: | ---: |",
    ...r.jobs.map(
      (j, i) => `| RabbitMQ, ${int(f.sizes.requeue)} letters, round ${i + 1} | ${ms(j.firstLetterMs)} | ${ms(j.startMs)} | ${int(j.rss.peakMiB)} MiB |`,
    ),
    ...n.jobs.map(
      (j, i) => `| JetStream, ${int(f.sizes.requeueNats)} letters, round ${i + 1} | ${ms(j.firstLetterMs)} | ${ms(j.startMs)} | ${int(j.rss.peakMiB)} MiB |`,
    ),
    "",
    `First letter on the broker after the start request of a ${int(f.sizes.requeue)}-letter job: median ${ms(r.firstLetter.p50)}, max ${ms(r.firstLetter.max)} (target ≤ 1 s ${r.firstLetter.max <= 1000 ? "✔" : "✘"}); over every job, median ${ms(median(firstAll))}.`,
    "It includes the runner's poll for work (every 500 ms, as in the server), found by polling the destination's message count every 5 ms.",
    `RSS of the bench process, which runs the job in-process (\`startJob\`, the runner, the publishers) beside the collection runs and the baselines' clients before it: ${int(rssBefore)} MiB before the first job, peak ${int(rss)} MiB during the ${int(f.sizes.requeue)}-letter jobs, sampled every 100 ms.` +
      " The app's own memory through a job of as many letters, run by the built app with the load run's million letters in its inbox, is in the load section's \"The app's CPU and memory\" (the 500 MB target is judged there).",
    `Accounted for: the destination queue held ${int(r.destination)} messages over the rounds and the store shows ${int(r.requeued)} letters requeued by them;`,
    `the shovel moved ${int(r.shovelMoved)}; the JetStream stream held ${int(n.destination)}, the store shows ${int(n.requeued)} requeued; bare js.publish stored ${int(n.bareStored)}.`,
  ];
}
