"use client";

import { useState, type FormEvent } from "react";
import { withBasePath } from "@/lib/base-path";
import { fetchJson } from "@/lib/queries/fetch-json";
import { AuthCard, inputClass } from "./auth-form";

export type SingleSignOnButton = { label: string; href: string };

export function SignInForm({
  next,
  notice,
  localAccounts = true,
  sso = null,
  ssoError = null,
}: {
  next: string;
  notice: string | null;
  /** false: password sign-in is switched off; only the single sign-on button is shown. */
  localAccounts?: boolean;
  sso?: SingleSignOnButton | null;
  /** Why the last single sign-on did not succeed. */
  ssoError?: string | null;
}) {
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await fetchJson("/api/auth/sign-in", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name, password }) });
      // A full load, so the whole console renders for the new session.
      window.location.assign(withBasePath(next));
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  };
  const intro = notice ?? (next !== "/" ? "Sign in to continue to the page you opened." : undefined);
  const ssoLink = sso && (
    <a
      href={sso.href}
      data-testid="sso-sign-in"
      className="block w-full rounded-md bg-rose-600 px-3 py-2 text-center text-sm font-medium text-white hover:bg-rose-500"
    >
      {sso.label}
    </a>
  );
  if (!localAccounts) {
    return (
      <div className="w-full max-w-sm">
        <div className="mb-6 flex items-center justify-center gap-2">
          <span aria-hidden className="inline-block h-3 w-3 rounded-sm bg-rose-600" />
          <span className="text-xl font-semibold tracking-tight">Redrive</span>
        </div>
        <div className="rounded-lg border border-zinc-200 bg-white p-6 shadow-sm dark:border-zinc-800 dark:bg-zinc-900">
          <h1 className="text-lg font-semibold">Sign in</h1>
          {intro && <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">{intro}</p>}
          {ssoError && (
            <p
              role="alert"
              data-testid="auth-error"
              className="mt-4 rounded-md bg-rose-50 px-3 py-2 text-sm text-rose-700 dark:bg-rose-950/40 dark:text-rose-300"
            >
              {ssoError}
            </p>
          )}
          <div className="mt-5">{ssoLink ?? <p className="text-sm text-zinc-600 dark:text-zinc-400">Open Redrive through its sign-in proxy.</p>}</div>
        </div>
      </div>
    );
  }
  return (
    <AuthCard title="Sign in" intro={intro} error={error ?? ssoError} busy={busy} submitLabel="Sign in" onSubmit={(e) => void submit(e)}>
      {ssoLink && (
        <div className="space-y-3">
          {ssoLink}
          <p className="text-center text-xs text-zinc-500 dark:text-zinc-400">or with a Redrive account</p>
        </div>
      )}
      <label className="block text-sm font-medium">
        User name
        <input name="name" autoComplete="username" autoFocus required value={name} onChange={(e) => setName(e.target.value)} className={inputClass} />
      </label>
      <label className="block text-sm font-medium">
        Password
        <input
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          className={inputClass}
        />
      </label>
    </AuthCard>
  );
}
