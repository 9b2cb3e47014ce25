"use client";

import { useState, type FormEvent } from "react";
import { withBasePath } from "@/lib/base-path";
import { fetchJson } from "@/lib/queries/fetch-json";
import { AuthCard, inputClass } from "./auth-form";
import { MIN_PASSWORD_LENGTH } from "@/lib/auth/password-rules";

export function SetupForm({ token }: { token: string }) {
  const [name, setName] = useState("admin");
  const [password, setPassword] = useState("");
  const [again, setAgain] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (password !== again) return setError("The two passwords differ.");
    setBusy(true);
    setError(null);
    try {
      await fetchJson("/api/auth/setup", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ token, name, password }) });
      window.location.assign(withBasePath("/"));
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  };
  return (
    <AuthCard
      title="Create the first admin"
      intro="Redrive has no accounts yet. This one-time link makes the first admin; they can then add everyone else."
      error={error}
      busy={busy}
      submitLabel="Create admin and sign in"
      onSubmit={(e) => void submit(e)}
    >
      <label className="block text-sm font-medium">
        User name
        <input name="name" autoComplete="username" required value={name} onChange={(e) => setName(e.target.value)} className={inputClass} />
      </label>
      <label className="block text-sm font-medium">
        Password <span className="font-normal text-zinc-500">({MIN_PASSWORD_LENGTH} characters or more)</span>
        <input name="password" type="password" autoComplete="new-password" required value={password} onChange={(e) => setPassword(e.target.value)} className={inputClass} />
      </label>
      <label className="block text-sm font-medium">
        Password again
        <input name="again" type="password" autoComplete="new-password" required value={again} onChange={(e) => setAgain(e.target.value)} className={inputClass} />
      </label>
    </AuthCard>
  );
}
