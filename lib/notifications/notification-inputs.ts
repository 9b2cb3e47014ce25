import "server-only";
import { z } from "zod";
import { ruleParams } from "./rule-params";
import { CHANNEL_TYPES } from "./types";

// What the settings API accepts for channels and rules made in the UI.

const name = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .max(100)
  .regex(/^[A-Za-z0-9][A-Za-z0-9 _.-]*$/, "may hold only letters, digits, spaces, '.', '_' and '-'");

const webhookUrl = z
  .string()
  .trim()
  .max(2000)
  .refine((v) => {
    try {
      return ["http:", "https:"].includes(new URL(v).protocol);
    } catch {
      return false;
    }
  }, "must be an http:// or https:// URL");

export const channelCreate = z.object({ name, type: z.enum(CHANNEL_TYPES), url: webhookUrl, enabled: z.boolean().default(true) }).strict();
/** A URL left out keeps the one stored (the browser never sees it, so it cannot send it back). */
export const channelUpdate = z.object({ name: name.optional(), type: z.enum(CHANNEL_TYPES).optional(), url: webhookUrl.optional(), enabled: z.boolean().optional() }).strict();

const ruleFields = {
  name,
  cluster: z.string().trim().max(100).nullish().transform((v) => v || null),
  match: z.string().trim().max(500).nullish().transform((v) => v || null),
  forSeconds: z.number().int().min(0).max(86_400).default(0),
  channelIds: z.array(z.uuid()).min(1, "pick at least one channel"),
  enabled: z.boolean().default(true),
};
export const ruleCreate = z.object({ ...ruleFields, params: ruleParams }).strict();
export const ruleUpdate = z
  .object({
    name: name.optional(),
    cluster: ruleFields.cluster.optional(),
    match: ruleFields.match.optional(),
    forSeconds: z.number().int().min(0).max(86_400).optional(),
    channelIds: ruleFields.channelIds.optional(),
    enabled: z.boolean().optional(),
    params: ruleParams.optional(),
  })
  .strict();

export const idParams = z.object({ id: z.uuid("must be an id from the settings list") });
