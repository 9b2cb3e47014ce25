/**
 * A failed load or refresh as a sentence. With earlier data on screen it is a warning (the page
 * keeps the last values); without, it is the whole story.
 */
export function LoadError({ what, error, hasData, testId }: { what: string; error: Error; hasData: boolean; testId?: string }) {
  return (
    <p
      role="alert"
      data-testid={testId}
      className={
        "mb-3 rounded-md px-3 py-2 text-sm " +
        (hasData ? "bg-amber-50 text-amber-900 dark:bg-amber-500/10 dark:text-amber-200" : "bg-rose-50 text-rose-900 dark:bg-rose-500/10 dark:text-rose-200")
      }
    >
      {hasData ? `Could not refresh ${what}: ` : `Could not load ${what}: `}
      {error.message}
      {hasData ? " Showing the last values received." : ""}
    </p>
  );
}
