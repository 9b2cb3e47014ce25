import { isRole, lesserRole, type Role } from "./permissions";

// What an API token may do right now: never more than its maker may. Evaluated on every request
// (and for the tokens list), so demoting the maker narrows the token at once and disabling the
// maker stops it. Client-safe: no server imports.

export type TokenMaker = { role: string; disabledAt: Date | string | null };

/** The role a token acts with now, or why it is refused. `maker` is null when no account matches `createdById`. */
export function tokenRights(token: { role: string; createdById: string | null }, maker: TokenMaker | null): { role: Role } | { refused: string } {
  if (!isRole(token.role)) return { refused: "its role is unknown" };
  // Made before Redrive recorded makers and matched to no account by the upgrade: it keeps its own
  // role, and the tokens list says "maker unknown" so an admin can revoke and remake it.
  if (token.createdById === null) return { role: token.role };
  if (!maker) return { refused: "the account that made it no longer exists" };
  if (maker.disabledAt !== null) return { refused: "the account that made it is disabled" };
  if (!isRole(maker.role)) return { refused: "the role of the account that made it is unknown" };
  return { role: lesserRole(token.role, maker.role) };
}
