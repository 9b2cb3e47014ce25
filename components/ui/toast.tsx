"use client";

import Link from "next/link";
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";

export type ToastTone = "ok" | "bad" | "info";

export type ToastInput = {
  tone?: ToastTone;
  /** The sentence: what was done, to how many, and the result. Shown as text. */
  text: string;
  /** A link to where the result can be followed ("Job 14"). */
  href?: string;
  linkLabel?: string;
};

type Toast = ToastInput & { id: number };

/** Long enough to read a sentence and reach its link; a hover or focus holds it. Failures stay until dismissed. */
const TOAST_MS = 12_000;
/** Older toasts give way: an operator starting many jobs sees the latest ones. */
const TOAST_MAX = 4;

const ToastContext = createContext<((t: ToastInput) => void) | null>(null);

/** Show a short notice in the corner, announced politely to screen readers. */
export function useToast(): (t: ToastInput) => void {
  const show = useContext(ToastContext);
  if (!show) throw new Error("useToast must be used inside <ToastProvider>");
  return show;
}

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const nextId = useRef(1);
  const show = useCallback((t: ToastInput) => {
    const id = nextId.current++;
    setToasts((list) => [...list, { ...t, id }].slice(-TOAST_MAX));
  }, []);
  const dismiss = useCallback((id: number) => setToasts((list) => list.filter((t) => t.id !== id)), []);
  const value = useMemo(() => show, [show]);
  return (
    <ToastContext.Provider value={value}>
      {children}
      {/* Always in the page, so a toast added to it is announced. */}
      <div
        role="status"
        aria-live="polite"
        className="pointer-events-none fixed right-4 bottom-4 z-50 flex w-[min(26rem,calc(100vw-2rem))] flex-col gap-2"
      >
        {toasts.map((t) => (
          <ToastItem key={t.id} toast={t} onDismiss={dismiss} />
        ))}
      </div>
    </ToastContext.Provider>
  );
}

const TONE: Record<ToastTone, string> = {
  ok: "border-emerald-300 bg-emerald-50 text-emerald-950 dark:border-emerald-500/40 dark:bg-emerald-950 dark:text-emerald-100",
  bad: "border-rose-300 bg-rose-50 text-rose-950 dark:border-rose-500/40 dark:bg-rose-950 dark:text-rose-100",
  info: "border-zinc-300 bg-white text-zinc-900 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100",
};

function ToastItem({ toast: t, onDismiss }: { toast: Toast; onDismiss: (id: number) => void }) {
  const [held, setHeld] = useState(false);
  const tone = t.tone ?? "info";
  useEffect(() => {
    if (held || tone === "bad") return;
    const timer = setTimeout(() => onDismiss(t.id), TOAST_MS);
    return () => clearTimeout(timer);
  }, [held, tone, t.id, onDismiss]);
  return (
    <div
      data-testid="toast"
      data-tone={tone}
      onMouseEnter={() => setHeld(true)}
      onMouseLeave={() => setHeld(false)}
      onFocus={() => setHeld(true)}
      onBlur={() => setHeld(false)}
      className={`pointer-events-auto flex items-start justify-between gap-3 rounded-lg border px-3 py-2.5 text-sm shadow-lg ${TONE[tone]}`}
    >
      <p className="min-w-0 break-words">
        {t.text}
        {t.href ? (
          <>
            {" "}
            <Link href={t.href} className="font-medium underline" onClick={() => onDismiss(t.id)}>
              {t.linkLabel ?? "Open"}
            </Link>
          </>
        ) : null}
      </p>
      <button type="button" onClick={() => onDismiss(t.id)} aria-label="Dismiss" className="shrink-0 rounded px-1 opacity-70 hover:opacity-100">
        ×
      </button>
    </div>
  );
}
