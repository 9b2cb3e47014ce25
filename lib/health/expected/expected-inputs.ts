import { z } from "zod";

// An expected consumer as an admin adds it: the same shape the configuration's expectedConsumers take.

export const expectedCreate = z
  .object({
    cluster: z.string().trim().min(1, "pick a cluster").max(100),
    /** "stream/consumer" or "vhost/queue"; "*" makes it a pattern. */
    key: z.string().trim().min(3).max(500).regex(/^(\/|[^/]+)\/.+$/, 'must be "stream/consumer" or "vhost/queue" (the default vhost is //, e.g. //orders; "*" matches anything)'),
    minConsumers: z.number().int().min(1).max(100_000).default(1),
  })
  .strict();

export type ExpectedCreate = z.infer<typeof expectedCreate>;

export const expectedIdParams = z.object({ id: z.uuid() });
