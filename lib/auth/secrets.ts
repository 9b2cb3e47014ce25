import "server-only";
import { createHash, randomBytes } from "node:crypto";

/** A new random secret (256 bits) with a readable prefix: "rds" sessions, "rdt" API tokens, "rdsetup" setup links. */
export function newSecret(prefix: string): string {
  return `${prefix}_${randomBytes(32).toString("base64url")}`;
}

/** What the store keeps of a secret: its SHA-256. The secret itself is never stored. */
export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}
