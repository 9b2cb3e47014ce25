"use client";

import type { FormEvent, ReactNode } from "react";

// The small card the sign-in and setup pages share.

export const inputClass =
  "mt-1 block w-full rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-rose-500 focus:ring-1 focus:ring-rose-500 focus:outline-none dark:border-zinc-700 dark:bg-zinc-950";

export function AuthCard({ title, intro, error, busy, submitLabel, onSubmit, children }: {
  title: string;
  intro?: ReactNode;
  error: string | null;
  busy: boolean;
  submitLabel: string;
  onSubmit: (e: FormEvent<HTMLFormElement>) => void;
  children: ReactNode;
}) {
  return (
    <div className="w-full max-w-sm">
      <div className="mb-6 flex items-center justify-center gap-2">
        <span aria-hidden className="inline-block h-3 w-3 rounded-sm bg-rose-600" />
        <span className="text-xl font-semibold tracking-tight">Redrive</span>
      </div>
      <form onSubmit={onSubmit} className="rounded-lg border border-zinc-200 bg-white p-6 shadow-sm dark:border-zinc-800 dark:bg-zinc-900" noValidate>
        <h1 className="text-lg font-semibold">{title}</h1>
        {intro && <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">{intro}</p>}
        <div className="mt-4 space-y-4">{children}</div>
        {error && (
          <p role="alert" data-testid="auth-error" className="mt-4 rounded-md bg-rose-50 px-3 py-2 text-sm text-rose-700 dark:bg-rose-950/40 dark:text-rose-300">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy} className="mt-5 w-full rounded-md bg-zinc-900 px-3 py-2 text-sm font-medium text-white hover:bg-zinc-700 disabled:opacity-50 dark:bg-zinc-100 dark:text-zinc-900 dark:hover:bg-white">
          {busy ? "Please wait…" : submitLabel}
        </button>
      </form>
    </div>
  );
}
