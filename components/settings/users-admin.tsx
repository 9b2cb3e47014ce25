"use client";

import { Fragment, useState, type FormEvent, type ReactNode } from "react";
import Link from "next/link";
import { inputClass } from "@/components/auth/auth-form";
import { useSession } from "@/components/auth/session-provider";
import { Card } from "@/components/ui/card";
import { RelativeTime } from "@/components/ui/relative-time";
import { useToast } from "@/components/ui/toast";
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "@/lib/auth/password-rules";
import { ROLES, type Role } from "@/lib/auth/permissions";
import { useApiTokens, useCreateApiToken, useCreateUser, useRevokeApiToken, useUpdateUser, useUsers, type TokenRow, type UserRow } from "@/lib/queries/use-accounts";

const ROLE_HINT: Record<Role, string> = {
  viewer: "health and dead-letter metadata",
  operator: "+ payloads, requeue, terminate, restore, audit log",
  admin: "+ requeue elsewhere or edited, users, API tokens, DLQ adoption, settings",
};

const th = "px-3 py-2 text-left text-xs font-medium tracking-wide text-zinc-500 uppercase dark:text-zinc-400";
const td = "px-3 py-2 align-middle";
const button = "rounded-md border border-zinc-300 px-2 py-1 text-xs hover:bg-zinc-50 disabled:opacity-50 dark:border-zinc-700 dark:hover:bg-zinc-800";
const primary = "rounded-md bg-zinc-900 px-3 py-2 text-sm font-medium text-white hover:bg-zinc-700 disabled:opacity-50 dark:bg-zinc-100 dark:text-zinc-900";

function RoleSelect({ value, onChange, label }: { value: Role; onChange: (r: Role) => void; label: string }) {
  return (
    <select aria-label={label} value={value} onChange={(e) => onChange(e.target.value as Role)} className="rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-950">
      {ROLES.map((r) => (
        <option key={r} value={r}>
          {r}
        </option>
      ))}
    </select>
  );
}

function AdminTable({ columns, children }: { columns: string[]; children: ReactNode }) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-sm">
        <thead>
          <tr className="border-b border-zinc-200 dark:border-zinc-800">
            {columns.map((c, i) => (
              <th key={i} className={th}>
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <label className="text-sm font-medium">
      {label}
      {children}
    </label>
  );
}

function Section({ title, intro, children }: { title: string; intro: ReactNode; children: ReactNode }) {
  return (
    <Card className="mb-6">
      <h2 className="text-base font-semibold">{title}</h2>
      <p className="mt-1 mb-4 text-sm text-zinc-600 dark:text-zinc-400">{intro}</p>
      {children}
    </Card>
  );
}

export function UsersAdmin() {
  return (
    <>
      <Users />
      <Tokens />
    </>
  );
}

function Users() {
  const users = useUsers();
  const create = useCreateUser();
  const update = useUpdateUser();
  const toast = useToast();
  const [form, setForm] = useState<{ name: string; role: Role; password: string }>({ name: "", role: "viewer", password: "" });
  // The account whose password is being reset, in a panel under its row; one at a time.
  const [resetting, setResetting] = useState<string | null>(null);
  const session = useSession();
  const me = session?.kind === "user" ? session.name.toLowerCase() : null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate(form, {
      onSuccess: () => {
        toast({ tone: "ok", text: `Account ${form.name} created` });
        setForm({ name: "", role: "viewer", password: "" });
      },
      onError: (err) => toast({ tone: "bad", text: `Account not created: ${err.message}` }),
    });
  };
  const change = (u: UserRow, what: { role?: Role; disabled?: boolean }, done: string) =>
    update.mutate({ id: u.id, ...what }, { onSuccess: () => toast({ tone: "ok", text: done }), onError: (err) => toast({ tone: "bad", text: `${u.name} not changed: ${err.message}` }) });
  return (
    <Section title="Users" intro={<>Roles: {ROLES.map((r) => <span key={r} className="mr-3"><b>{r}</b> — {ROLE_HINT[r]}</span>)}</>}>
      {users.error && <p className="text-sm text-rose-600">{users.error.message}</p>}
      <AdminTable columns={["Name", "Role", "Status", "Last sign-in", "Sessions", ""]}>
            {(users.data ?? []).map((u) => (
              <Fragment key={u.id}>
                <tr className={resetting === u.id ? "" : "border-b border-zinc-100 dark:border-zinc-800/60"} data-testid={`user-${u.name}`}>
                  <td className={td + " font-medium"}>{u.name}</td>
                  <td className={td}>
                    <RoleSelect label={`Role of ${u.name}`} value={u.role as Role} onChange={(role) => change(u, { role }, `${u.name} is now ${role}`)} />
                  </td>
                  <td className={td}>{u.disabled ? <span className="text-rose-600">disabled</span> : "active"}</td>
                  <td className={td}>{u.lastSignInAt ? <RelativeTime iso={u.lastSignInAt} /> : "never"}</td>
                  <td className={td}>{u.sessions}</td>
                  <td className={td + " space-x-2 text-right whitespace-nowrap"}>
                    {me && u.name.toLowerCase() === me ? (
                      // A reset ends every session of the account, this one too: one's own goes through Account, which keeps it.
                      <Link href="/account" className={button} data-testid="own-password">
                        Change password
                      </Link>
                    ) : (
                      <button
                        type="button"
                        className={button}
                        data-testid="reset-password"
                        aria-expanded={resetting === u.id}
                        aria-controls={resetting === u.id ? `reset-password-${u.id}` : undefined}
                        onClick={() => setResetting(resetting === u.id ? null : u.id)}
                      >
                        Reset password
                      </button>
                    )}
                    <button type="button" className={button} onClick={() => change(u, { disabled: !u.disabled }, `${u.name} ${u.disabled ? "enabled" : "disabled"}`)}>
                      {u.disabled ? "Enable" : "Disable"}
                    </button>
                  </td>
                </tr>
                {resetting === u.id ? (
                  <tr className="border-b border-zinc-100 dark:border-zinc-800/60">
                    <td colSpan={6} className="px-3 pb-3">
                      <ResetPassword user={u} onClose={() => setResetting(null)} />
                    </td>
                  </tr>
                ) : null}
              </Fragment>
            ))}
      </AdminTable>
      <form onSubmit={submit} className="mt-4 flex flex-wrap items-end gap-3">
        <Field label="Name">
          <input required value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} className={inputClass} />
        </Field>
        <Field label="Password">
          <input required type="password" autoComplete="new-password" value={form.password} onChange={(e) => setForm({ ...form, password: e.target.value })} className={inputClass} />
        </Field>
        <label className="text-sm font-medium">
          Role
          <div className="mt-1">
            <RoleSelect label="Role of the new account" value={form.role} onChange={(role) => setForm({ ...form, role })} />
          </div>
        </label>
        <button type="submit" className={primary} disabled={create.isPending}>
          Add user
        </button>
      </form>
    </Section>
  );
}

/**
 * An admin sets a new password for another account, under its row. The server checks the length
 * and says why it refuses; the form is not validated in the browser so that its sentence is shown.
 * A reset ends every session of the account.
 */
function ResetPassword({ user, onClose }: { user: UserRow; onClose: () => void }) {
  // Its own mutation: a role change made meanwhile in another row must not take this one's callbacks.
  const reset = useUpdateUser();
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    reset.mutate(
      { id: user.id, password },
      {
        onSuccess: () => {
          setPassword("");
          setDone(true);
        },
        onError: (err) => setError(err.message),
      },
    );
  };
  const panel = "rounded-md border border-zinc-200 bg-zinc-50 px-3 py-3 text-sm dark:border-zinc-800 dark:bg-zinc-900/60";
  if (done) {
    return (
      <div id={`reset-password-${user.id}`} data-testid="reset-password-panel" className={panel + " flex flex-wrap items-center justify-between gap-3"}>
        <p role="status" data-testid="reset-password-done" className="text-emerald-700 dark:text-emerald-300">
          Password set; {user.name}&apos;s sessions have ended.
        </p>
        <button type="button" className={button} onClick={onClose} data-testid="reset-password-close">
          Done
        </button>
      </div>
    );
  }
  return (
    <form
      id={`reset-password-${user.id}`}
      data-testid="reset-password-panel"
      onSubmit={submit}
      onKeyDown={(e) => e.key === "Escape" && onClose()}
      noValidate
      className={panel}
    >
      <div className="flex flex-wrap items-end gap-3">
        <label className="w-full max-w-lg font-medium">
          New password for {user.name} <span className="font-normal text-zinc-500">({MIN_PASSWORD_LENGTH} characters or more; their sessions will end)</span>
          <input
            type="password"
            autoComplete="new-password"
            autoFocus
            minLength={MIN_PASSWORD_LENGTH}
            maxLength={MAX_PASSWORD_LENGTH}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            aria-invalid={error !== null}
            aria-describedby={error ? `reset-password-error-${user.id}` : undefined}
            data-testid="reset-password-input"
            className={inputClass}
          />
        </label>
        <div className="flex gap-2">
          <button type="submit" className={primary} disabled={reset.isPending} data-testid="reset-password-submit">
            {reset.isPending ? "Setting…" : "Set password"}
          </button>
          <button type="button" className="rounded-md border border-zinc-300 px-3 py-2 text-sm hover:bg-white dark:border-zinc-700 dark:hover:bg-zinc-800" onClick={onClose} data-testid="reset-password-cancel">
            Cancel
          </button>
        </div>
      </div>
      {error && (
        <p id={`reset-password-error-${user.id}`} role="alert" data-testid="reset-password-error" className="mt-3 rounded-md bg-rose-50 px-3 py-2 text-rose-700 dark:bg-rose-950/40 dark:text-rose-300">
          Password not set: {error}
        </p>
      )}
    </form>
  );
}

function Tokens() {
  const tokens = useApiTokens();
  const create = useCreateApiToken();
  const revoke = useRevokeApiToken();
  const toast = useToast();
  const [form, setForm] = useState<{ name: string; role: Role; days: string }>({ name: "", role: "viewer", days: "" });
  const [shown, setShown] = useState<{ name: string; token: string } | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const days = form.days.trim() === "" ? undefined : Number(form.days);
    create.mutate(
      { name: form.name, role: form.role, ...(days ? { expiresInDays: days } : {}) },
      { onSuccess: (t) => (setShown({ name: t.name, token: t.token }), setForm({ name: "", role: "viewer", days: "" })), onError: (err) => toast({ tone: "bad", text: `Token not created: ${err.message}` }) },
    );
  };
  const doRevoke = (t: TokenRow) => {
    if (!window.confirm(`Revoke the token "${t.name}"? Anything using it stops working at once.`)) return;
    revoke.mutate(t.id, { onSuccess: () => toast({ tone: "ok", text: `Token ${t.name} revoked` }), onError: (err) => toast({ tone: "bad", text: `Not revoked: ${err.message}` }) });
  };
  return (
    <Section title="API tokens" intro={<>For automation (scripts, Prometheus): send <code>Authorization: Bearer &lt;token&gt;</code>. A token acts with its role, never more than the account that made it may do now, and stops when that account is disabled; it cannot manage accounts or tokens. It is shown once, stored only as a hash, and can be revoked.</>}>
      {shown && (
        <div role="status" className="mb-4 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm dark:border-amber-700 dark:bg-amber-950/40">
          <p className="font-medium">Token “{shown.name}” — copy it now, it will not be shown again:</p>
          <code data-testid="new-token" className="mt-2 block wrap-anywhere select-all">
            {shown.token}
          </code>
          <button type="button" className={button + " mt-2"} onClick={() => setShown(null)}>
            Done
          </button>
        </div>
      )}
      {tokens.error && <p className="text-sm text-rose-600">{tokens.error.message}</p>}
      <AdminTable columns={["Name", "Role", "Starts with", "Made by", "Last used", "Expires", ""]}>
            {(tokens.data ?? []).map((t) => (
              <tr key={t.id} data-testid={`token-${t.name}`} className={"border-b border-zinc-100 dark:border-zinc-800/60 " + (t.revokedAt ? "text-zinc-400" : "")}>
                <td className={td + " font-medium"}>{t.name}</td>
                <td className={td} data-testid="token-role">
                  <TokenRole t={t} />
                </td>
                <td className={td}>
                  <code>{t.prefix}…</code>
                </td>
                <td className={td} data-testid="token-maker">
                  <TokenMaker t={t} />
                </td>
                <td className={td}>{t.lastUsedAt ? <RelativeTime iso={t.lastUsedAt} /> : "never"}</td>
                <td className={td}>{t.expiresAt ? <RelativeTime iso={t.expiresAt} /> : "never"}</td>
                <td className={td + " text-right"}>
                  {t.revokedAt ? (
                    <span>revoked by {t.revokedBy}</span>
                  ) : (
                    <button type="button" className={button} onClick={() => doRevoke(t)}>
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
      </AdminTable>
      <form onSubmit={submit} className="mt-4 flex flex-wrap items-end gap-3">
        <Field label="Name">
          <input required value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} className={inputClass} placeholder="prometheus" />
        </Field>
        <label className="text-sm font-medium">
          Role
          <div className="mt-1">
            <RoleSelect label="Role of the new token" value={form.role} onChange={(role) => setForm({ ...form, role })} />
          </div>
        </label>
        <label className="text-sm font-medium">
          Expires in days <span className="font-normal text-zinc-500">(blank: never)</span>
          <input inputMode="numeric" value={form.days} onChange={(e) => setForm({ ...form, days: e.target.value })} className={inputClass + " w-28"} />
        </label>
        <button type="submit" className={primary} disabled={create.isPending}>
          Create token
        </button>
      </form>
    </Section>
  );
}

/** Its role, and what it acts with now when its maker holds less (or is disabled). */
function TokenRole({ t }: { t: TokenRow }) {
  if (t.revokedAt || t.effectiveRole === t.role) return <>{t.role}</>;
  if (t.effectiveRole === null) return <span className="text-rose-600" title="Its maker is disabled: the token is refused.">{t.role} — refused</span>;
  return (
    <span title={`Its maker is now ${t.maker?.role ?? "?"}; a token never does more than its maker.`}>
      {t.role} → acts as <b>{t.effectiveRole}</b>
    </span>
  );
}

/** Who made it, as that account is now; "maker unknown" for tokens made before Redrive recorded makers. */
function TokenMaker({ t }: { t: TokenRow }) {
  if (!t.maker) {
    return (
      <span className="text-amber-700 dark:text-amber-300" title={`Made before Redrive recorded makers (recorded as "${t.createdBy}"). It keeps its own role; revoke it and make a new one to tie it to an account.`}>
        maker unknown
      </span>
    );
  }
  return (
    <>
      {t.maker.name}
      {t.maker.disabled ? <span className="text-rose-600"> (disabled)</span> : t.maker.role !== "admin" ? <span className="text-zinc-500"> (now {t.maker.role})</span> : null}
    </>
  );
}
