"use client";

import { useState, type FormEvent } from "react";
import { Card } from "@/components/ui/card";
import { fetchJson } from "@/lib/queries/fetch-json";
import { inputClass } from "./auth-form";
import { useSession } from "./session-provider";
import { MIN_PASSWORD_LENGTH } from "@/lib/auth/password-rules";

export function ChangePasswordForm() {
  const session = useSession();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setResult(null);
    try {
      await fetchJson("/api/auth/password", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ current, next }) });
      setResult({ ok: true, text: "Password changed. Your other sessions have ended." });
      setCurrent("");
      setNext("");
    } catch (err) {
      setResult({ ok: false, text: (err as Error).message });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card className="max-w-md">
      <p className="text-sm">
        Signed in as <b>{session?.name}</b> with the <b>{session?.role}</b> role.
      </p>
      <form onSubmit={(e) => void submit(e)} className="mt-4 space-y-3">
        <label className="block text-sm font-medium">
          Current password
          <input type="password" autoComplete="current-password" required value={current} onChange={(e) => setCurrent(e.target.value)} className={inputClass} />
        </label>
        <label className="block text-sm font-medium">
          New password <span className="font-normal text-zinc-500">({MIN_PASSWORD_LENGTH} characters or more)</span>
          <input type="password" autoComplete="new-password" required value={next} onChange={(e) => setNext(e.target.value)} className={inputClass} />
        </label>
        {result && <p className={"text-sm " + (result.ok ? "text-emerald-700 dark:text-emerald-400" : "text-rose-600")}>{result.text}</p>}
        <button type="submit" disabled={busy} className="rounded-md bg-zinc-900 px-3 py-2 text-sm font-medium text-white disabled:opacity-50 dark:bg-zinc-100 dark:text-zinc-900">
          Change password
        </button>
      </form>
    </Card>
  );
}
