import pg from "pg";

// Where a job's time in the store goes: pg_stat_activity of the bench's database, sampled every
// 10 ms on a connection of its own while the job runs, each active statement counted under the
// step of the job it belongs to. Sampling, not timing: shares of the store's busy time, for the
// report's breakdown of the bookkeeping's ceiling.

const STEPS: Array<[string, RegExp]> = [
  ["claim", /^\s*WITH picked AS/],
  ["chunk intents + in-flight marks", /^\s*WITH ev AS[\s\S]*SET "outcome" = 'in_flight'/],
  ["chunk outcomes + letter states", /^\s*WITH ev AS[\s\S]*UPDATE "dead_letters"/],
  ["reading the next chunk", /^\s*SELECT jl\."letter_id"/],
  ["job row (lease, heartbeat, counts)", /"redrive_jobs"/],
];

export type StoreProfile = { samples: number; busy: number; steps: Array<{ step: string; share: number }> };

export async function profileStore<T>(url: string, run: () => Promise<T>): Promise<{ result: T; profile: StoreProfile }> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const counts = new Map<string, number>();
  let samples = 0;
  let busy = 0;
  let going = true;
  const sampling = (async () => {
    while (going) {
      const r = await c.query<{ query: string; wait: string | null }>(
        `SELECT query, wait_event_type AS wait FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid()`,
      );
      samples++;
      if (r.rows.length) busy++;
      for (const { query, wait } of r.rows) {
        // A statement waiting for a row lock (another step holds it) uses no CPU: counted apart.
        const step = (STEPS.find(([, re]) => re.test(query))?.[0] ?? "other") + (wait === "Lock" ? " (waiting for a lock)" : "");
        counts.set(step, (counts.get(step) ?? 0) + 1);
      }
      await new Promise((res) => setTimeout(res, 10));
    }
  })();
  try {
    const result = await run();
    return { result, profile: summarize() };
  } finally {
    going = false;
    await sampling.catch(() => undefined);
    await c.end().catch(() => undefined);
  }

  function summarize(): StoreProfile {
    const total = [...counts.values()].reduce((a, b) => a + b, 0) || 1;
    const steps = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([step, n]) => ({ step, share: n / total }));
    return { samples, busy: samples ? busy / samples : 0, steps };
  }
}

/** "claim 34%, chunk outcomes … 30%, …; the store busy 92% of the samples". */
export function describeProfile(p: StoreProfile): string {
  const pct = (x: number) => `${Math.round(x * 100)}%`;
  return `${p.steps.map((s) => `${s.step} ${pct(s.share)}`).join(", ")} (store busy in ${pct(p.busy)} of ${p.samples} samples)`;
}
