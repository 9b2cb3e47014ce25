import "server-only";
import type { Principal } from "@/lib/auth/permissions";
import { AppError } from "@/lib/errors";
import type { LetterDetail, LetterGroup, LetterPage } from "./types";

// Payloads (and anything derived from their bytes: previews, shapes, text search) are for roles holding
// "dead-letters:payload". Viewers see the rest of a letter's metadata.

export function canSeePayloads(principal: Principal): boolean {
  return principal.permissions.has("dead-letters:payload");
}

/** Refuses a payload text search to a role that may not read payloads (it would reveal them). */
export function assertPayloadSearchAllowed(filters: { q?: string | undefined }, principal: Principal): void {
  if (filters.q && !canSeePayloads(principal)) {
    throw new AppError("FORBIDDEN", `Your role (${principal.role}) may not read payloads, so it may not search them either. Remove the payload text filter, or ask an admin for the operator role.`);
  }
}

export function withoutPreviews(page: LetterPage): LetterPage {
  return { ...page, items: page.items.map((l) => ({ ...l, preview: "", previewHex: "", previewHidden: true })) };
}

export function withoutPayload(letter: LetterDetail): LetterDetail {
  return { ...letter, preview: "", previewHex: "", payloadBase64: null, payloadTruncated: false, payloadIsUtf8: false, payloadHidden: true };
}

/** A group's payload shape lists the payload's JSON keys: left out like the preview. */
export function withoutShapes(result: { groups: LetterGroup[] }): { groups: LetterGroup[] } {
  return { groups: result.groups.map((g) => ({ ...g, payloadShape: "", payloadShapeHidden: true })) };
}
