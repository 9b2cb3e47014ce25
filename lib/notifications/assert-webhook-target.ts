import "server-only";
import { getConfig } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { vetWebhookTarget, type Resolver } from "./webhook-target";

/**
 * Refuses, when a channel is made or changed, a URL whose host is (or resolves to) an address
 * webhooks may not go to; the same check runs again at every delivery, so a name that later
 * resolves elsewhere is refused then too.
 */
export async function assertWebhookTarget(url: string, resolve?: Resolver): Promise<void> {
  const { allowPrivateTargets } = getConfig().notifications;
  if (allowPrivateTargets) return;
  const vetted = await vetWebhookTarget(url, { allowPrivateTargets, resolve });
  if ("refused" in vetted) throw new AppError("INVALID_INPUT", `The channel was not saved. ${vetted.refused}`);
}
