import { execSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { openStore } from "@/lib/db/open-store";
const name = `scratch_${Date.now()}`;
execSync(`createdb -h 127.0.0.1 -U postgres ${name}`);
const store = await openStore({ kind: "postgres", url: `postgresql://postgres@127.0.0.1:5432/${name}` });
const p = store.prisma;
const N = 500;
const job = randomUUID();
const ids = Array.from({ length: N }, () => randomUUID());
for (let round = 0; round < 4; round++) {
  let t = performance.now();
  await p.auditEvent.createManyAndReturn({ data: ids.map((id) => ({ actor: "op", action: "letter.requeue", phase: "intent", target: `letter:${id}`, request: { job } })), select: { id: true, target: true } });
  const a = performance.now() - t;
  t = performance.now();
  await p.auditEvent.createMany({ data: ids.map((id) => ({ actor: "op", action: "letter.requeue", phase: "outcome", intentId: 1n, target: `letter:${id}`, result: "done", detail: { job, detail: null } })) });
  const b = performance.now() - t;
  t = performance.now();
  await p.$queryRawUnsafe(`INSERT INTO "audit_events" ("actor","action","phase","target","request") SELECT 'op','letter.requeue','intent', u.t, u.r::jsonb FROM unnest($1::text[], $2::text[]) AS u(t, r) RETURNING "id", "target"`, ids.map((id) => `letter:${id}`), ids.map(() => JSON.stringify({ job })));
  const c = performance.now() - t;
  t = performance.now();
  await p.$executeRawUnsafe(`INSERT INTO "audit_events" ("actor","action","phase","intent_id","target","result","detail") SELECT 'op','letter.requeue','outcome', u.i, u.t, u.res, u.d::jsonb FROM unnest($1::int8[], $2::text[], $3::text[], $4::text[]) AS u(i, t, res, d)`, ids.map(() => "1"), ids.map((id) => `letter:${id}`), ids.map(() => "done"), ids.map(() => JSON.stringify({ job, detail: null })));
  const d = performance.now() - t;
  console.log(`round ${round}: intents createManyAndReturn ${a.toFixed(0)} ms, unnest ${c.toFixed(0)} ms | outcomes createMany ${b.toFixed(0)} ms, unnest ${d.toFixed(0)} ms`);
}
await store.close();
execSync(`dropdb -h 127.0.0.1 -U postgres ${name}`);
