/**
 * `npm run bench:inbox -- [--letters N] [--embedded-letters N] [--burst-letters N] [--no-embedded] [--write]` — only the
 * inbox section of the bench: N letters by SQL into a temporary PostgreSQL database and into an embedded
 * store (PGlite, in a temp folder), every listing, search, filter and groups call timed next to its
 * target and to the statement the inbox ran before; then a burst in the last hour on top, timed again. Prints the markdown section; with --write, replaces the inbox
 * section of docs/benchmarks.md with it. Cleans up.
 */
import { randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { openStore } from "@/lib/db/open-store";
import { describeError } from "@/lib/errors";
import { readCli, UsageError } from "../cli-args";
import { Cleanup } from "./cleanup";
import { burstSize, measureEmbeddedInbox, measureInbox, type InboxFigures } from "./inbox";
import { renderInbox } from "./inbox-report";
import { createDatabase, dropDatabase } from "./temp-database";

const ROOT = path.resolve(import.meta.dirname, "../..");
const MIGRATIONS = path.join(ROOT, "prisma/migrations");
const USAGE = `Usage: npm run bench:inbox -- [--letters N] [--embedded-letters N] [--burst-letters N] [--no-embedded] [--write]

The inbox section of \`npm run bench\` alone: N letters (default 1000000) in a temporary PostgreSQL
database (redrive_bench_<id>) and in an embedded store in a temp folder, each listing, search, header
filter and groups call timed against its target and the statement the inbox ran before.
  --letters N     letters in each store (1–10000000, default 1000000)
  --embedded-letters N  letters in the embedded store (default: as --letters; it inserts several times slower)
  --burst-letters N  then a burst of N letters in the last hour on top, timed again (0: none; default: 40 %
                  of each store's letters once landed, i.e. 2/3 of its month)
  --no-embedded   PostgreSQL only
  --write         replace the inbox section of docs/benchmarks.md with the result`;

async function main(): Promise<number> {
  const args = readCli(
    process.argv.slice(2),
    {
      letters: { type: "string" },
      "embedded-letters": { type: "string" },
      "burst-letters": { type: "string" },
      "no-embedded": { type: "boolean" },
      write: { type: "boolean" },
    },
    USAGE,
    "redrive bench:inbox",
  );
  if (typeof args === "number") return args;
  const letters = args.letters === undefined ? 1_000_000 : Number(args.letters);
  const embeddedLetters = args["embedded-letters"] === undefined ? letters : Number(args["embedded-letters"]);
  const burst = args["burst-letters"] === undefined ? null : Number(args["burst-letters"]);
  for (const [flag, n, min] of [
    ["--letters", letters, 1],
    ["--embedded-letters", embeddedLetters, 1],
    ["--burst-letters", burst ?? 0, 0],
  ] as const) {
    if (!Number.isInteger(n) || n < min || n > 10_000_000) {
      console.error(`redrive bench:inbox: ${new UsageError(`${flag} must be a whole number from ${min} to 10000000.`).message}\n\n${USAGE}`);
      return 2;
    }
  }
  const id = randomBytes(3).toString("hex");
  const database = `redrive_bench_${id}`;
  const cleanup = new Cleanup();
  const controller = new AbortController();
  process.once("SIGINT", () => controller.abort(new Error("interrupted (SIGINT)")));
  const log = (line: string) => console.log(line);
  const started = new Date();
  const load = os.loadavg().map((l) => l.toFixed(2));
  try {
    const db = await createDatabase(database);
    cleanup.add(`PostgreSQL database "${database}"`, () => dropDatabase(database), true);
    const store = await openStore({ kind: "postgres", url: db.url }, MIGRATIONS);
    cleanup.add("the bench's store", () => store.close());
    const ids = await Promise.all(
      (
        [
          [`bench-rabbitmq-${id}`, "rabbitmq"],
          [`bench-nats-${id}`, "nats"],
        ] as const
      ).map(async ([name, kind]) => (await store.prisma.cluster.create({ data: { name, kind } })).id),
    );
    log(`inbox: ${letters.toLocaleString("en-US")} letters into PostgreSQL ${db.version} (database ${database})`);
    const figures: InboxFigures[] = [await measureInbox(store, [ids[0]!, ids[1]!], letters, controller.signal, log, burst ?? burstSize(letters))];
    if (!args["no-embedded"]) figures.push(await measureEmbeddedInbox(embeddedLetters, controller.signal, cleanup, log, MIGRATIONS, burst ?? burstSize(embeddedLetters)));
    const section = [
      ...renderInbox(figures),
      "",
      `Run ${started.toISOString()} by \`npm run bench:inbox${process.argv.length > 2 ? " -- " + process.argv.slice(2).join(" ") : ""}\` (Node ${process.version}, PostgreSQL ${db.version});`,
      `${os.cpus().length} CPUs, load average ${load.join(", ")} at the start and ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(", ")} at the end — the machine is shared: read the p95 column with that in mind.`,
    ].join("\n");
    log("");
    log(section);
    if (args.write) {
      const file = path.join(ROOT, "docs/benchmarks.md");
      const doc = await readFile(file, "utf8");
      const start = doc.indexOf("\n## Inbox at scale");
      const end = start < 0 ? -1 : doc.indexOf("\n## ", start + 1);
      if (start < 0 || end < 0) throw new Error("docs/benchmarks.md has no inbox section to replace");
      await writeFile(file, `${doc.slice(0, start + 1)}${section}\n${doc.slice(end)}`);
      log(`written to ${file}`);
    }
    return 0;
  } catch (e) {
    console.error(`redrive bench:inbox failed: ${describeError(e)}`);
    return 1;
  } finally {
    await cleanup.run(false, log);
  }
}

process.exitCode = await main();
