import { randomUUID } from "node:crypto";
import { execSync } from "node:child_process";
import { openStore } from "@/lib/db/open-store";
import { storeLetters, type NewLetter } from "@/lib/dead-letters/new-letter";
import { errorTextOf, payloadText } from "@/lib/dead-letters/encode";
import { fingerprint, payloadShape } from "@/lib/dead-letters/fingerprint";

const name = `scratch_${Date.now()}`;
execSync(`createdb -h 127.0.0.1 -U postgres ${name}`);
const store = await openStore({ kind: "postgres", url: `postgresql://postgres@127.0.0.1:5432/${name}` });
const cluster = await store.prisma.cluster.create({ data: { name: "c", kind: "rabbitmq" } });
const mk = (i: number, tag: string): NewLetter => ({
  clusterId: cluster.id, clusterName: "c", kind: "rabbitmq", dedupeKey: `${tag}-${i}-${randomUUID()}`, source: "v/orders", destination: "v/orders", collectedFrom: "v/orders.dlq", reason: "rejected",
  messageId: `m-${i}`, contentType: "application/json", payload: Buffer.from(JSON.stringify({ orderId: i, customer: `cust-${i}`, items: [{ sku: "A-1", qty: 2 }], note: "x".repeat(150) })), payloadMissing: null,
  properties: { deliveryMode: 2, messageId: `m-${i}` }, headers: { "x-tenant": "acme", "x-error": "validation failed", "x-death": [{ count: 1, reason: "rejected", queue: "orders", exchange: "", "routing-keys": ["orders"] }] },
  rawHeaders: { "x-tenant": { type: "string", value: "acme" } }, redriveCount: 0, deaths: [{ reason: "rejected", source: "v/orders", exchange: "", routingKeys: ["orders"], count: 1, at: new Date().toISOString() }], deathCount: 1, firstDeathAt: new Date(), lastDeathAt: new Date(),
});
const N = 3000, B = 100;
async function viaPrisma(tag: string) {
  const t = performance.now();
  for (let i = 0; i < N; i += B) await storeLetters(store.prisma, Array.from({ length: B }, (_, j) => mk(i + j, tag)));
  return performance.now() - t;
}
async function viaUnnest(tag: string) {
  const t = performance.now();
  for (let i = 0; i < N; i += B) {
    const ls = Array.from({ length: B }, (_, j) => mk(i + j, tag));
    const col = <T,>(f: (l: NewLetter) => T) => ls.map(f);
    await store.prisma.$executeRawUnsafe(
      `INSERT INTO "dead_letters" ("id","cluster_id","kind","dedupe_key","source","destination","collected_from","reason","error_text","payload_shape","fingerprint","message_id","content_type","payload","payload_size","payload_missing","payload_text","properties","headers","raw_headers","redrive_count","deaths","death_count","first_death_at","last_death_at")
       SELECT gen_random_uuid(), u.c, u.k::"BrokerKind", u.dk, u.s, u.d, u.cf, u.r, u.et, u.ps, u.fp, u.mid, u.ct, u.p, u.psz, u.pm, u.pt, u.pr::jsonb, u.h::jsonb, u.rh::jsonb, u.rc, u.de::jsonb, u.dc, u.fd, u.ld
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::bytea[], $14::int4[], $15::text[], $16::text[], $17::text[], $18::text[], $19::text[], $20::int4[], $21::text[], $22::int4[], $23::timestamptz[], $24::timestamptz[])
         AS u(c, k, dk, s, d, cf, r, et, ps, fp, mid, ct, p, psz, pm, pt, pr, h, rh, rc, de, dc, fd, ld)
       ON CONFLICT ("cluster_id", "dedupe_key") DO NOTHING`,
      col((l) => l.clusterId), col((l) => l.kind), col((l) => l.dedupeKey), col((l) => l.source), col((l) => l.destination), col((l) => l.collectedFrom), col((l) => l.reason),
      col((l) => errorTextOf(l.headers)), col((l) => payloadShape(l.payload, l.contentType)),
      col((l) => fingerprint({ cluster: l.clusterName, source: l.source, reason: l.reason, errorText: errorTextOf(l.headers), shape: payloadShape(l.payload, l.contentType) })),
      col((l) => l.messageId), col((l) => l.contentType), col((l) => (l.payload ? Buffer.from(l.payload) : null)), col((l) => l.payload?.length ?? 0), col((l) => l.payloadMissing), col((l) => (l.payload ? payloadText(l.payload) : null)),
      col((l) => JSON.stringify(l.properties)), col((l) => JSON.stringify(l.headers)), col((l) => (l.rawHeaders ? JSON.stringify(l.rawHeaders) : null)), col((l) => l.redriveCount), col((l) => JSON.stringify(l.deaths)), col((l) => l.deathCount),
      col((l) => l.firstDeathAt?.toISOString() ?? null), col((l) => l.lastDeathAt?.toISOString() ?? null),
    );
  }
  return performance.now() - t;
}
async function buildOnly(tag: string) {
  const t = performance.now();
  for (let i = 0; i < N; i += B) Array.from({ length: B }, (_, j) => mk(i + j, tag)).map((l) => [errorTextOf(l.headers), payloadShape(l.payload, l.contentType), l.payload ? payloadText(l.payload) : null]);
  return performance.now() - t;
}
for (let round = 0; round < 3; round++) {
  const a = await viaPrisma(`p${round}`);
  const b = await viaUnnest(`u${round}`);
  const c = await buildOnly(`b${round}`);
  console.log(`round ${round}: prisma createMany ${(N / a * 1000).toFixed(0)}/s  unnest ${(N / b * 1000).toFixed(0)}/s  build only ${(N / c * 1000).toFixed(0)}/s`);
}
await store.close();
execSync(`dropdb -h 127.0.0.1 -U postgres ${name}`);
