import "server-only";
import type { PrismaClient } from "@/lib/db/generated/client";
import { AppError } from "@/lib/errors";

// Every replica of one installation shares its store, and so this id; a second installation
// (staging beside production, a laptop) has its own store and its own id. Broker-side resources
// that must not be shared between installations are named from it.

const cache = new WeakMap<PrismaClient, Promise<string>>();

export function getInstallationId(prisma: PrismaClient): Promise<string> {
  let id = cache.get(prisma);
  if (!id) {
    id = prisma.installation.findFirst({ select: { id: true } }).then((row) => {
      if (!row) throw new AppError("STORE_UNAVAILABLE", "The store has no installation row (made by migration 20261206040000_installation_and_dedupe). Start Redrive once with this version so it applies its migrations.");
      return row.id;
    });
    id.catch(() => cache.delete(prisma));
    cache.set(prisma, id);
  }
  return id;
}
