import "server-only";
import { randomUUID } from "node:crypto";
import { link, mkdir, readFile, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { AppError, isAppError } from "@/lib/errors";
import { describeOwner, ownerFilePath, readStoreOwner, thisProcessOwner, type StoreOwner } from "./read-store-owner";

// Exactly one process owns an embedded store's folder: two PGlite instances on one folder each
// believe their own copy of the pages, and the store they leave behind loses rows or no longer
// opens at all. The claim is an owner file created atomically (link() of a complete temporary
// file fails when the name exists), so there is never a moment when two processes both hold it
// or a reader sees half a file. A file left by a process that died is recognised (its pid no
// longer runs, or now belongs to another process) and replaced, so a SIGKILL never blocks the
// next start.

export type StoreClaim = {
  owner: StoreOwner;
  /** Gives the folder back: removes the owner file if it is still this claim's. */
  release(): Promise<void>;
};

/** Details of the error thrown when the folder is held by another live process. */
export type StoreFolderBusy = { reason: "store-folder-busy"; dataDir: string; owner: StoreOwner };

/** How long a new owner waits before checking that its file is still the one there (see below). */
const SETTLE_MS = 100;
const ATTEMPTS = 3;

export async function claimStoreFolder(dataDir: string, role: StoreOwner["role"], control: string | null = null): Promise<StoreClaim> {
  await mkdir(/*turbopackIgnore: true*/ dataDir, { recursive: true });
  const file = ownerFilePath(dataDir);
  const owner = thisProcessOwner(role, control);
  const text = `${JSON.stringify(owner, null, 2)}\n`;

  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const temp = path.join(dataDir, `.${path.basename(file)}.${process.pid}.${randomUUID()}`);
    await writeFile(/*turbopackIgnore: true*/ temp, text, { flag: "wx" });
    let linked = false;
    try {
      await link(temp, file);
      linked = true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    } finally {
      await unlink(temp).catch(() => undefined);
    }
    if (linked) {
      // Two processes that found the same dead owner at the same moment may both replace it; the
      // later one's file is the one that stays. Each checks a moment later and the earlier backs off.
      await new Promise((r) => setTimeout(r, SETTLE_MS));
      const now = await readFile(/*turbopackIgnore: true*/ file, "utf8").catch(() => null);
      if (now === text) return { owner, release: () => releaseClaim(file, text) };
      continue;
    }
    const held = await readStoreOwner(dataDir);
    if (!held) continue; // released between our link and our read: try again
    if (held.state === "dead") {
      // Remove the stale file only if it is still the one judged stale (not a new owner's).
      const again = await readFile(/*turbopackIgnore: true*/ file, "utf8").catch(() => null);
      if (again === held.raw) await unlink(file).catch(() => undefined);
      continue;
    }
    throw busy(dataDir, held.owner, held.state === "elsewhere");
  }
  const last = await readStoreOwner(dataDir);
  if (last && last.state !== "dead") throw busy(dataDir, last.owner, last.state === "elsewhere");
  throw new AppError("STORE_UNAVAILABLE", `Could not take the embedded store in ${dataDir}: other processes kept claiming it at the same moment. Start one Redrive at a time.`);
}

function busy(dataDir: string, owner: StoreOwner, elsewhere: boolean): AppError {
  const details: StoreFolderBusy = { reason: "store-folder-busy", dataDir, owner };
  const hint = elsewhere
    ? `That machine cannot be checked from here: if no Redrive runs there any more, delete ${ownerFilePath(dataDir)} and start again.`
    : owner.role === "server"
      ? "Stop that one first, or give this one its own REDRIVE_DATA_DIR (or a DATABASE_URL)."
      : "Wait for it to finish, then start again.";
  return new AppError("STORE_UNAVAILABLE", `The embedded store in ${dataDir} is open in another process: ${describeOwner(owner)}. Only one process may use it at a time. ${hint}`, { details });
}

/** Whether an error is the one claimStoreFolder throws when another live process holds the folder. */
export function isStoreFolderBusy(e: unknown): e is AppError & { details: StoreFolderBusy } {
  return isAppError(e) && (e.details as Partial<StoreFolderBusy> | null | undefined)?.reason === "store-folder-busy";
}

async function releaseClaim(file: string, text: string): Promise<void> {
  const now = await readFile(/*turbopackIgnore: true*/ file, "utf8").catch(() => null);
  if (now === text) await unlink(file).catch(() => undefined);
}
