"use client";

import { useEffect, useId, useLayoutEffect, useRef, type ReactNode } from "react";

/**
 * A modal confirmation on the native <dialog>: focus is trapped and restored by the browser,
 * Escape cancels (unless the action is under way), and the body says exactly what will happen.
 */
export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  busyLabel,
  cancelLabel = "Cancel",
  danger = false,
  busy = false,
  error = null,
  onConfirm,
  onCancel,
  testId,
  confirmTestId,
  confirmDisabled = false,
  wide = false,
}: {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  busyLabel?: string;
  cancelLabel?: string;
  danger?: boolean;
  busy?: boolean;
  /** A sentence saying why the last attempt failed; the dialog stays open so it can be read. */
  error?: ReactNode;
  onConfirm: () => void;
  onCancel: () => void;
  testId?: string;
  /** The confirm button's test id; `${testId}-confirm` by default. */
  confirmTestId?: string;
  /** Not yet confirmable (e.g. the dry run has not answered); Cancel still works. */
  confirmDisabled?: boolean;
  /** For dialogs that lay out a plan: tables of destinations and counts. */
  wide?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const bodyId = useId();

  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    else if (!open && d.open) d.close();
  }, [open]);

  // Unmounted while open (its owner went away): close it while it is still in the page, so the
  // browser hands focus back to whatever opened it.
  useLayoutEffect(() => {
    const d = ref.current;
    return () => {
      if (d?.open) d.close();
    };
  }, []);

  return (
    <dialog
      ref={ref}
      data-testid={testId}
      aria-labelledby={titleId}
      aria-describedby={bodyId}
      onCancel={(e) => {
        // Escape: the browser would close it by itself; the parent decides, and not mid-action.
        e.preventDefault();
        if (!busy) onCancel();
      }}
      className={`m-auto ${wide ? "w-[min(44rem,calc(100vw-2rem))]" : "w-[min(32rem,calc(100vw-2rem))]"} rounded-lg border border-zinc-200 bg-white p-0 text-left font-normal whitespace-normal text-zinc-900 shadow-xl backdrop:bg-zinc-950/50 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100`}
    >
      <form
        method="dialog"
        className="p-5"
        onSubmit={(e) => {
          e.preventDefault();
          if (!busy && !confirmDisabled) onConfirm();
        }}
      >
        <h2 id={titleId} className="text-base font-semibold">
          {title}
        </h2>
        <div id={bodyId} className="mt-2 space-y-2 text-sm text-zinc-700 dark:text-zinc-300">
          {children}
        </div>
        {error ? (
          <div role="alert" className="mt-3 rounded-md bg-rose-50 px-3 py-2 text-sm text-rose-900 dark:bg-rose-500/10 dark:text-rose-200">
            {error}
          </div>
        ) : null}
        <div className="mt-5 flex justify-end gap-2">
          <button
            type="button"
            disabled={busy}
            onClick={onCancel}
            className="h-9 rounded-md border border-zinc-300 bg-white px-3 text-sm text-zinc-800 hover:bg-zinc-50 disabled:opacity-50 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-200 dark:hover:bg-zinc-800"
          >
            {cancelLabel}
          </button>
          <button
            type="submit"
            disabled={busy || confirmDisabled}
            data-testid={confirmTestId ?? (testId ? `${testId}-confirm` : undefined)}
            className={
              "h-9 rounded-md px-3 text-sm font-medium text-white disabled:opacity-60 " +
              (danger
                ? "bg-rose-700 hover:bg-rose-600 dark:bg-rose-600 dark:hover:bg-rose-500"
                : "bg-zinc-900 hover:bg-zinc-700 dark:bg-zinc-100 dark:text-zinc-900 dark:hover:bg-zinc-300")
            }
          >
            {busy ? (busyLabel ?? `${confirmLabel}…`) : confirmLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}
