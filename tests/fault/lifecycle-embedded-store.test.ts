import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify as stringifyYaml } from "yaml";
import { recordEvent } from "@/lib/audit/record-event";
import { verifyChain, type ChainVerdict } from "@/lib/audit/verify-chain";
import { openSqlSession } from "@/lib/db/open-sql-session";
import { openStore } from "@/lib/db/open-store";
import { askStoreOwner } from "@/lib/db/store-folder/ask-store-owner";
import { claimStoreFolder, isStoreFolderBusy } from "@/lib/db/store-folder/claim-store-folder";
import { OWNER_FILE, readStoreOwner, thisProcessOwner } from "@/lib/db/store-folder/read-store-owner";
import { recordLifecycle } from "../support/accounting";
import { ensureBuild } from "../support/ensure-build";
import { closedPort } from "../support/tcp-proxy";
import type { AuditAction } from "@/lib/audit/actions";

// The embedded store (PGlite in REDRIVE_DATA_DIR) across the life of real processes and signals:
// a second `next start` on the same folder, SIGTERM and SIGINT, SIGKILL under a write load, and
// audit:verify while Redrive runs and while it is stopped.

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const ADMIN = { name: "admin", password: "correct horse battery staple" };
// The sampler and collector have something to look at, and nothing of anyone else's to take.
const CONFIG = { clusters: [{ name: "local-nats", kind: "nats", servers: ["nats://127.0.0.1:4222"], capture: { enabled: false } }] };

type Proc = { child: ChildProcess; output: () => string; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> };

function run(args: string[], env: Record<string, string>): Proc {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", REDRIVE_LOG_LEVEL: "info", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let text = "";
  child.stdout?.on("data", (d: Buffer) => (text += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (text += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  return { child, output: () => text, exited };
}

async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not within ${ms / 1000} s`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

async function auditVerify(configPath: string, folder: string): Promise<{ code: number | null; out: string }> {
  const p = run(["--conditions=react-server", "--import", "tsx", "scripts/audit-verify.ts"], { REDRIVE_CONFIG: configPath, REDRIVE_DATA_DIR: folder, REDRIVE_LOG_LEVEL: "warn" });
  const { code } = await within(p.exited, 60_000, "audit:verify");
  return { code, out: p.output() };
}

const rowsOf = (out: string) => Number(/audit log intact: ([\d,]+) row/.exec(out)?.[1]?.replace(/,/g, "") ?? NaN);

describe("the embedded store belongs to one process", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "redrive-lc-store-"));
  const dataDir = path.join(dir, "data");
  // YAML here (JSON elsewhere): the built server reads it with the yaml package, which it loads from
  // node_modules at run time (next.config.ts serverExternalPackages), not from its bundle.
  const configPath = path.join(dir, "redrive.config.yaml");
  const env = { REDRIVE_CONFIG: configPath, REDRIVE_DATA_DIR: dataDir, REDRIVE_ADMIN_PASSWORD: ADMIN.password };
  const running: Proc[] = [];

  beforeAll(() => {
    writeFileSync(configPath, stringifyYaml(CONFIG));
    ensureBuild();
  }, 900_000);

  afterAll(async () => {
    for (const p of running) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });

  async function startServer(): Promise<Proc & { url: string }> {
    const port = await closedPort();
    const p = run(["node_modules/next/dist/bin/next", "start", "-p", String(port), "-H", "127.0.0.1"], env);
    running.push(p);
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 90_000;
    for (;;) {
      if (p.child.exitCode !== null) throw new Error(`Redrive exited (${p.child.exitCode}) before serving:\n${p.output()}`);
      const ok = await fetch(`${url}/api/health/live`).then((r) => r.status === 200, () => false);
      // Serving, and its store open (the owner file is written once the folder is claimed).
      if (ok && existsSync(path.join(dataDir, OWNER_FILE)) && p.output().includes("store ready")) return { ...p, url };
      if (Date.now() > deadline) throw new Error(`Redrive did not serve within 90 s:\n${p.output()}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  async function signIn(url: string, name: string, password: string): Promise<string> {
    const res = await fetch(`${url}/api/auth/sign-in`, { method: "POST", headers: { "content-type": "application/json", origin: url }, body: JSON.stringify({ name, password }) });
    expect(res.status, await res.clone().text()).toBe(200);
    return res.headers.get("set-cookie")!.split(";")[0]!;
  }


  it("a second start exits at once naming the owner, the first keeps serving and writing; audit:verify through it; SIGTERM and SIGINT close the store; restarts work, also after a SIGKILL", async () => {
    const t0 = Date.now();
    const first = await startServer();
    const pid = first.child.pid!;
    const owner = JSON.parse(readFileSync(path.join(dataDir, OWNER_FILE), "utf8")) as { pid: number; host: string; startedAt: string };
    expect(owner).toMatchObject({ pid, host: hostname() });

    // The second start in the same folder: refused before it opens anything, non-zero, naming the first.
    const port2 = await closedPort();
    const second = run(["node_modules/next/dist/bin/next", "start", "-p", String(port2), "-H", "127.0.0.1"], env);
    running.push(second);
    const t1 = Date.now();
    const refused = await within(second.exited, 60_000, "the second start");
    const refusedAfterMs = Date.now() - t1;
    expect(refused.code, second.output()).toBe(73);
    expect(second.output()).toContain(`is open in another process: the Redrive server (pid ${pid} on host ${owner.host}, started ${owner.startedAt})`);
    expect(second.output()).not.toContain("store ready");

    // The first is unharmed: it still owns the folder, serves, and writes (an audited user creation).
    expect(JSON.parse(readFileSync(path.join(dataDir, OWNER_FILE), "utf8"))).toMatchObject({ pid });
    const cookie = await signIn(first.url, ADMIN.name, ADMIN.password);
    const created = await fetch(`${first.url}/api/users`, { method: "POST", headers: { "content-type": "application/json", origin: first.url, cookie }, body: JSON.stringify({ name: "carol", role: "viewer", password: "carol's long password" }) });
    expect(created.status, await created.clone().text()).toBeLessThan(300);

    // audit:verify while Redrive runs: the running server does the check.
    const live = await auditVerify(configPath, dataDir);
    expect(live.code, live.out).toBe(0);
    expect(live.out).toContain(`checked by the Redrive server (pid ${pid}`);
    const liveRows = rowsOf(live.out);
    expect(liveRows).toBeGreaterThanOrEqual(3); // the admin created, two sign-ins, carol created

    // SIGTERM: the store is closed and the folder given back; exit 0.
    first.child.kill("SIGTERM");
    const termed = await within(first.exited, 20_000, "exit after SIGTERM");
    expect(termed, first.output()).toEqual({ code: 0, signal: null });
    expect(first.output()).toContain("shutdown: store stopped");
    expect(existsSync(path.join(dataDir, OWNER_FILE))).toBe(false);
    const stopped = await auditVerify(configPath, dataDir);
    expect(stopped.code, stopped.out).toBe(0);
    expect(stopped.out).not.toContain("checked by");
    expect(rowsOf(stopped.out)).toBeGreaterThanOrEqual(liveRows);

    // Restart on the same folder: everything is there (carol signs in); then SIGINT (Ctrl-C) closes it just as cleanly.
    const again = await startServer();
    await signIn(again.url, "carol", "carol's long password");
    again.child.kill("SIGINT");
    const inted = await within(again.exited, 20_000, "exit after SIGINT");
    expect(inted, again.output()).toEqual({ code: 0, signal: null });
    expect(existsSync(path.join(dataDir, OWNER_FILE))).toBe(false);
    const afterInt = await auditVerify(configPath, dataDir);
    expect(afterInt.code, afterInt.out).toBe(0);

    // A server killed outright leaves its owner file: the next start sees its process is gone and takes the folder over.
    const killed = await startServer();
    killed.child.kill("SIGKILL");
    expect((await killed.exited).signal).toBe("SIGKILL");
    expect(JSON.parse(readFileSync(path.join(dataDir, OWNER_FILE), "utf8"))).toMatchObject({ pid: killed.child.pid });
    const heir = await startServer();
    expect(JSON.parse(readFileSync(path.join(dataDir, OWNER_FILE), "utf8"))).toMatchObject({ pid: heir.child.pid });
    await signIn(heir.url, "carol", "carol's long password");
    heir.child.kill("SIGTERM");
    expect(await within(heir.exited, 20_000, "exit after SIGTERM")).toEqual({ code: 0, signal: null });
    const afterKill = await auditVerify(configPath, dataDir);
    expect(afterKill.code, afterKill.out).toBe(0);

    recordLifecycle({
      scenario: "second start on the embedded store",
      shows: "A second `next start` on the same REDRIVE_DATA_DIR stops before opening it, exit 73, naming the owner (pid, host, start time); the first keeps serving and writing; audit:verify asks the running server; SIGTERM and SIGINT close the store (exit 0) and a restart finds every row; after a SIGKILLed server the next start takes the folder over.",
      outcome: `second start refused in ${(refusedAfterMs / 1000).toFixed(1)} s (exit 73); first unharmed; audit:verify exit 0 running (${liveRows} rows, checked by the server) and stopped; SIGTERM exit 0, SIGINT exit 0, owner file removed each time; started again after a SIGKILL, audit:verify exit 0`,
      seconds: Math.round((Date.now() - t0) / 100) / 10,
    });
  }, 300_000);

});

describe("the embedded store under SIGKILL", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "redrive-lc-kill-"));
  const configPath = path.join(dir, "redrive.config.json");
  const running: Proc[] = [];
  beforeAll(() => writeFileSync(configPath, JSON.stringify(CONFIG)));
  afterAll(() => {
    for (const p of running) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });

  it("SIGKILL under a write load, 20 times: no acknowledged row lost, the audit chain verifies each time", async () => {
    const t0 = Date.now();
    const killDir = path.join(dir, "kill-data");
    const acked = new Set<string>();
    const perRound: number[] = [];
    const roundMs: number[] = [];
    for (let round = 0; round < 20; round++) {
      const roundStarted = Date.now();
      const w = run(["--conditions=react-server", "--import", "tsx", "tests/fault/support/write-audit.ts"], { REDRIVE_DATA_DIR: killDir, REDRIVE_LOG_LEVEL: "warn" });
      running.push(w);
      const ready = Date.now();
      // Open, and writing (the first commit also warms the client up), before the kill is timed.
      while (!w.output().includes("committed ")) {
        if (w.child.exitCode !== null) throw new Error(`round ${round}: the writer exited (${w.child.exitCode}) before writing:\n${w.output()}`);
        if (Date.now() - ready > 60_000) throw new Error(`round ${round}: the writer did not open the store within 60 s:\n${w.output()}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      // Killed at a random moment with writes under way.
      await new Promise((r) => setTimeout(r, 200 + Math.random() * 600));
      w.child.kill("SIGKILL");
      expect((await w.exited).signal).toBe("SIGKILL");
      const ids = [...w.output().matchAll(/^committed (\d+)$/gm)].map((m) => m[1]!);
      expect(ids.length, `round ${round} wrote nothing before the kill:\n${w.output()}`).toBeGreaterThan(0);
      for (const id of ids) acked.add(id);
      perRound.push(ids.length);

      // The killed owner left its file behind: the next opener must see it is dead and go ahead.
      expect(existsSync(path.join(killDir, OWNER_FILE))).toBe(true);
      const session = await openSqlSession({ kind: "embedded", dataDir: killDir });
      try {
        const [found] = await session.runner.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_events WHERE id = ANY($1::int8[])`, [[...acked]]);
        expect(found?.n, `round ${round}: acknowledged rows missing`).toBe(acked.size);
        const v = await verifyChain(session.runner);
        expect(v.ok, JSON.stringify(v)).toBe(true);
      } finally {
        await session.close();
      }
      roundMs.push(Date.now() - roundStarted);
    }
    // And the operator's own check on the folder the last kill left.
    const final = await auditVerify(configPath, killDir);
    expect(final.code, final.out).toBe(0);
    expect(rowsOf(final.out)).toBeGreaterThanOrEqual(acked.size);
    const seconds = Math.round((Date.now() - t0) / 100) / 10;
    recordLifecycle({
      scenario: "SIGKILL loop on the embedded store",
      shows: "A process appending audit rows to the embedded store, printing each id once committed, is killed with SIGKILL at a random moment, 20 times in a row; after each kill the next opener finds the dead owner's file stale, every acknowledged row is there and the audit chain verifies.",
      outcome: `20 kills, ${acked.size.toLocaleString("en-US")} acknowledged rows (${Math.min(...perRound)}–${Math.max(...perRound)} a round), 0 lost; chain intact after every kill; audit:verify exit 0; a round (start, write, kill, check) took ${(Math.min(...roundMs) / 1000).toFixed(1)}–${(Math.max(...roundMs) / 1000).toFixed(1)} s`,
      seconds,
    });
  }, 300_000);
});

describe("the owner file of an embedded store", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "redrive-lc-owner-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, OWNER_FILE);
  const write = (o: object | string) => writeFileSync(file, typeof o === "string" ? o : JSON.stringify(o));

  it("is replaced when its process is gone, its pid now runs another process, or it cannot be read; refused when it names a live process or another machine", async () => {
    const me = thisProcessOwner("server", null);
    // A pid that no longer runs (a process that exited).
    const gone = spawn(process.execPath, ["-e", ""]);
    const gonePid = await new Promise<number>((r) => gone.once("exit", () => r(gone.pid!)));
    const stale = [
      { ...me, pid: gonePid },
      // This very pid, but started at another moment: a restarted container got the old owner's pid.
      ...(me.processStart ? [{ ...me, processStart: `${me.processStart}0` }] : []),
      "{ not json",
    ];
    for (const owner of stale) {
      write(owner);
      const claim = await claimStoreFolder(dir, "tool");
      expect(JSON.parse(readFileSync(file, "utf8"))).toMatchObject({ pid: process.pid, role: "tool" });
      await claim.release();
      expect(existsSync(file)).toBe(false);
    }

    // A live owner (this process's parent stands in for a running Redrive) is refused, by name.
    write({ ...thisProcessOwner("server", null), pid: process.ppid, processStart: null, startedAt: "2026-12-06T09:00:00.000Z" });
    const refused = await claimStoreFolder(dir, "tool").catch((e: unknown) => e);
    expect(isStoreFolderBusy(refused)).toBe(true);
    expect((refused as Error).message).toContain(`is open in another process: the Redrive server (pid ${process.ppid} on host ${hostname()}, started 2026-12-06T09:00:00.000Z)`);

    // Another machine cannot be checked from here: refused, saying what to do if it no longer runs there.
    write({ ...me, host: "some-other-host" });
    const elsewhere = await claimStoreFolder(dir, "tool").catch((e: unknown) => e);
    expect(isStoreFolderBusy(elsewhere)).toBe(true);
    expect((elsewhere as Error).message).toContain(`if no Redrive runs there any more, delete ${file}`);
    rmSync(file);

    // Two claims at once: exactly one wins.
    const both = await Promise.allSettled([claimStoreFolder(dir, "tool"), claimStoreFolder(dir, "tool")]);
    expect(both.filter((b) => b.status === "fulfilled")).toHaveLength(1);
    for (const b of both) if (b.status === "fulfilled") await b.value.release();
  });
});

describe("the owner of an embedded store answers audit:verify", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "redrive-lc-ask-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("verifies its own store while others write, holds anchors, and names the row someone altered", async () => {
    const store = await openStore({ kind: "embedded", dataDir: dir });
    try {
      for (let i = 0; i < 30; i++) await recordEvent(store.prisma, { actor: "alice", action: "user.sign-in" as AuditAction, target: `user:${i}`, result: "ok" });
      const held = await readStoreOwner(dir);
      expect(held?.state).toBe("alive");
      const owner = held!.owner;
      expect(owner.control).toBeTruthy();

      // Writes keep going while it walks the chain: it sees one instant of the log, intact.
      const writing = Promise.all(Array.from({ length: 20 }, (_, i) => recordEvent(store.prisma, { actor: "bob", action: "user.sign-in" as AuditAction, target: `w:${i}`, result: "ok" })));
      const intact = (await askStoreOwner(owner, { op: "verify-audit", anchors: [] })) as ChainVerdict;
      await writing;
      expect(intact.ok).toBe(true);
      expect(intact.rows).toBeGreaterThanOrEqual(30);
      const again = (await askStoreOwner(owner, { op: "verify-audit", anchors: [{ id: intact.head.id!, hash: intact.head.hash }] })) as ChainVerdict;
      expect(again).toMatchObject({ ok: true, rows: 50 });

      await store.prisma.$executeRawUnsafe(`ALTER TABLE audit_events DISABLE TRIGGER USER`);
      await store.prisma.$executeRawUnsafe(`UPDATE audit_events SET actor = 'mallory' WHERE id = 12`);
      await store.prisma.$executeRawUnsafe(`ALTER TABLE audit_events ENABLE TRIGGER USER`);
      const broken = (await askStoreOwner(owner, { op: "verify-audit", anchors: [] })) as ChainVerdict;
      expect(!broken.ok && broken.broken).toMatchObject({ kind: "hash", id: "12" });
    } finally {
      await store.close();
    }
    expect(existsSync(path.join(dir, OWNER_FILE))).toBe(false);
  });
});
