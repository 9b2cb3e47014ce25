import "server-only";
import { auditTarget } from "@/lib/audit/actions";
import { recordEvent } from "@/lib/audit/record-event";
import { recordRefusal } from "@/lib/audit/record-refusal";
import { getConfig } from "@/lib/config";
import type { PrismaClient } from "@/lib/db/generated/client";
import { AppError } from "@/lib/errors";
import { findUserByName } from "./find-user-by-name";
import { isRole, type Role } from "./permissions";
import { roleFromGroups, type GroupRoleRules } from "./role-from-groups";
import { forgetUser } from "./session-cache";
import type { SsoError } from "./sso-error-sentence";
import { userName } from "./user-name";

// The account behind a single sign-on: found by the identity that made it (OpenID issuer and
// subject; for the proxy, its user name), made on first sight with no password, and given the role
// its groups map to at every sign-in (a change is audited as user.update). A disabled account stays
// refused. A name that already belongs to another account (a local one, or another identity's) is
// refused rather than joined: an identity provider that lets people choose their user name must not
// hand them someone else's account.

export type SsoIdentity = {
  via: "oidc" | "proxy";
  /** The OpenID issuer; "proxy" for the trusted proxy. */
  issuer: string;
  /** The OpenID subject ("sub"); the proxy's user name. */
  subject: string;
  /** The Redrive user name asked for (a claim, or a header). */
  name: string;
  groups: string[];
};

export type SsoUser = { id: string; name: string; role: Role };

export class SsoRefusal extends AppError {
  constructor(
    readonly reason: SsoError,
    message: string,
  ) {
    super(reason === "disabled" || reason === "no-role" || reason === "name-taken" ? "FORBIDDEN" : "UNAUTHENTICATED", message, { details: { sso: reason } });
  }
}

/** `bounded`: refusals are written at the bounded rate of refused requests (a proxy's user is checked on every request). */
export async function signInSso(
  prisma: PrismaClient,
  identity: SsoIdentity,
  address: string | null,
  rules: GroupRoleRules = getConfig().auth.sso,
  options: { bounded?: boolean } = {},
): Promise<SsoUser> {
  const who = { via: identity.via, issuer: identity.issuer, sub: identity.subject };
  const refuse = async (reason: SsoError, sentence: string, detail: Record<string, unknown> = {}): Promise<never> => {
    const write = options.bounded
      ? (e: Parameters<typeof recordEvent>[1]) => recordRefusal(`${identity.via} sign-in|${reason}`, e)
      : (e: Parameters<typeof recordEvent>[1]) => recordEvent(prisma, e);
    await write({
      actor: identity.name.slice(0, 100) || identity.subject.slice(0, 100),
      address,
      action: "auth.sign-in",
      target: auditTarget.user(identity.name.slice(0, 100)),
      request: { name: identity.name.slice(0, 100) },
      result: "refused",
      detail: { ...who, reason, ...detail },
    });
    throw new SsoRefusal(reason, sentence);
  };

  const mapped = roleFromGroups(identity.groups, rules);
  let user = await prisma.user.findFirst({ where: { ssoSource: identity.via, ssoIssuer: identity.issuer, ssoSubject: identity.subject } });
  if (!user) {
    const name = userName.safeParse(identity.name);
    if (!name.success)
      return refuse(
        "bad-name",
        `The user name "${identity.name.slice(0, 100)}" from single sign-on cannot be used: it ${name.error.issues[0]?.message ?? "is not valid"}. Ask an administrator.`,
      );
    if (await findUserByName(prisma, name.data))
      return refuse(
        "name-taken",
        `An account named "${name.data}" exists already and belongs to someone else (a local account, or another identity), so you were not let in. Ask an administrator.`,
      );
    if (!mapped) return refuse("no-role", noRole(name.data), { groups: identity.groups.slice(0, 50) });
    try {
      user = await prisma.user.create({
        data: {
          name: name.data,
          role: mapped.role,
          passwordHash: null,
          createdBy: identity.via === "oidc" ? `oidc:${identity.issuer}` : "proxy",
          ssoSource: identity.via,
          ssoIssuer: identity.issuer,
          ssoSubject: identity.subject,
        },
      });
    } catch (e) {
      // Two first sign-ins at once (two tabs, two replicas): the other one made the account.
      user = await prisma.user.findFirst({ where: { ssoSource: identity.via, ssoIssuer: identity.issuer, ssoSubject: identity.subject } });
      if (!user) throw e;
      return signInSso(prisma, identity, address, rules, options);
    }
    await recordEvent(prisma, {
      actor: user.name,
      address,
      action: "user.create",
      target: auditTarget.user(user.name),
      request: { name: user.name, role: mapped.role },
      result: "ok",
      detail: { ...who, group: mapped.group },
    });
    return { id: user.id, name: user.name, role: mapped.role };
  }
  if (user.disabledAt) return refuse("disabled", `The Redrive account "${user.name}" is disabled. Ask an administrator to enable it.`);
  if (!mapped) {
    // No longer in any mapped group: the account stays, without a way in, until the groups change.
    return refuse("no-role", noRole(user.name), { groups: identity.groups.slice(0, 50) });
  }
  if (user.role !== mapped.role || !isRole(user.role)) {
    const from = user.role;
    // Only this sign-in's view of the groups changes the role; a concurrent one settles on the same.
    await prisma.user.update({ where: { id: user.id }, data: { role: mapped.role } });
    forgetUser(user.id);
    await recordEvent(prisma, {
      actor: user.name,
      address,
      action: "user.update",
      target: auditTarget.user(user.name),
      request: { role: mapped.role },
      result: "ok",
      detail: { ...who, from, to: mapped.role, group: mapped.group },
    });
  }
  return { id: user.id, name: user.name, role: mapped.role };
}

function noRole(name: string): string {
  return `"${name}" is in no group that gives a role in Redrive, so was not let in. Ask an administrator to add you to one of the groups auth.groupRoles maps to a role.`;
}
