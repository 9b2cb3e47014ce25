"use client";

export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div role="alert" className="rounded-lg border border-rose-300 bg-rose-50 p-6 text-rose-900 dark:border-rose-800 dark:bg-rose-500/10 dark:text-rose-200">
      <p className="font-medium">This page could not be shown.</p>
      <p className="mt-1 text-sm">{error.message || "The server hit an unexpected error."}{error.digest ? ` (reference ${error.digest})` : ""}</p>
      <button type="button" onClick={reset} className="mt-4 rounded-md bg-rose-700 px-3 py-1.5 text-sm text-white hover:bg-rose-800">
        Try again
      </button>
    </div>
  );
}
