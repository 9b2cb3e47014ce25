"use client";

import { useState, type FormEvent } from "react";
import { withBasePath } from "@/lib/base-path";
import { fetchJson } from "@/lib/queries/fetch-json";
import { AuthCard, inputClass } from "./auth-form";

export function SignInForm({ next, notice }: { next: string; notice: string | null }) {
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
  return (
    <AuthCard title="Sign in" intro={notice ?? (next !== "/" ? "Sign in to continue to the page you opened." : undefined)} error={error} busy={busy} submitLabel="Sign in" onSubmit={(e) => void submit(e)}>
      <label className="block text-sm font-medium">
        User name
        <input name="name" autoComplete="username" autoFocus required value={name} onChange={(e) => setName(e.target.value)} className={inputClass} />
      </label>
      <label className="block text-sm font-medium">
        Password
        <input name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} className={inputClass} />
      </label>
    </AuthCard>
  );
}
