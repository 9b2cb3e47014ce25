"use client";

import { useState, type FormEvent, type ReactNode } from "react";
import { inputClass } from "@/components/auth/auth-form";
import { Card } from "@/components/ui/card";
import { RelativeTime } from "@/components/ui/relative-time";
import { useToast } from "@/components/ui/toast";
import { ROLES, type Role } from "@/lib/auth/permissions";
import { useApiTokens, useCreateApiToken, useCreateUser, useRevokeApiToken, useUpdateUser, useUsers, type TokenRow, type UserRow } from "@/lib/queries/use-accounts";

const ROLE_HINT: Record<Role, string> = {
  viewer: "health and dead-letter metadata",
  operator: "+ payloads, requeue, terminate, edit, restore, audit log",
  admin: "+ users, API tokens, DLQ adoption, settings",
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
  const change = (u: UserRow, what: { role?: Role; disabled?: boolean; password?: string }, done: string) =>
    update.mutate({ id: u.id, ...what }, { onSuccess: () => toast({ tone: "ok", text: done }), onError: (err) => toast({ tone: "bad", text: `${u.name} not changed: ${err.message}` }) });
  const resetPassword = (u: UserRow) => {
    const password = window.prompt(`New password for ${u.name} (12 characters or more). Their sessions will end.`);
    if (password) change(u, { password }, `Password of ${u.name} reset`);
  };
  return (
    <Section title="Users" intro={<>Roles: {ROLES.map((r) => <span key={r} className="mr-3"><b>{r}</b> — {ROLE_HINT[r]}</span>)}</>}>
      {users.error && <p className="text-sm text-rose-600">{users.error.message}</p>}
      <AdminTable columns={["Name", "Role", "Status", "Last sign-in", "Sessions", ""]}>
            {(users.data ?? []).map((u) => (
              <tr key={u.id} className="border-b border-zinc-100 dark:border-zinc-800/60" data-testid={`user-${u.name}`}>
                <td className={td + " font-medium"}>{u.name}</td>
                <td className={td}>
                  <RoleSelect label={`Role of ${u.name}`} value={u.role as Role} onChange={(role) => change(u, { role }, `${u.name} is now ${role}`)} />
                </td>
                <td className={td}>{u.disabled ? <span className="text-rose-600">disabled</span> : "active"}</td>
                <td className={td}>{u.lastSignInAt ? <RelativeTime iso={u.lastSignInAt} /> : "never"}</td>
                <td className={td}>{u.sessions}</td>
                <td className={td + " space-x-2 text-right whitespace-nowrap"}>
                  <button type="button" className={button} onClick={() => resetPassword(u)}>
                    Reset password
                  </button>
                  <button type="button" className={button} onClick={() => change(u, { disabled: !u.disabled }, `${u.name} ${u.disabled ? "enabled" : "disabled"}`)}>
                    {u.disabled ? "Enable" : "Disable"}
                  </button>
                </td>
              </tr>
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
    <Section title="API tokens" intro={<>For automation (scripts, Prometheus): send <code>Authorization: Bearer &lt;token&gt;</code>. A token acts with its role; it is shown once, stored only as a hash, and can be revoked.</>}>
      {shown && (
        <div role="status" className="mb-4 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm dark:border-amber-700 dark:bg-amber-950/40">
          <p className="font-medium">Token “{shown.name}” — copy it now, it will not be shown again:</p>
          <code data-testid="new-token" className="mt-2 block break-all select-all">
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
              <tr key={t.id} className={"border-b border-zinc-100 dark:border-zinc-800/60 " + (t.revokedAt ? "text-zinc-400" : "")}>
                <td className={td + " font-medium"}>{t.name}</td>
                <td className={td}>{t.role}</td>
                <td className={td}>
                  <code>{t.prefix}…</code>
                </td>
                <td className={td}>{t.createdBy}</td>
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
