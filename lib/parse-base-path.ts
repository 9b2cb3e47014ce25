// The path Redrive is served under behind a reverse proxy (REDRIVE_BASE_PATH, read when the app is
// built). Plain TypeScript without imports: next.config.ts loads it before anything is bundled.

/** Letters, digits and the URL-safe punctuation a proxy's location can hold without escaping. */
const SEGMENT = /^[A-Za-z0-9._~-]+$/;

/**
 * The base path as Next.js wants it: "" for the root, else "/a" or "/a/b" (leading slash, no
 * trailing one). Throws an Error whose message says what is wrong and what to write instead.
 */
export function parseBasePath(value: string | undefined): string {
  if (value === undefined) return "";
  const v = value.trim();
  if (v === "" || v === "/") return "";
  const shown = JSON.stringify(value);
  if (!v.startsWith("/")) throw new Error(`REDRIVE_BASE_PATH is ${shown}: it must start with "/", e.g. "/redrive".`);
  if (v.endsWith("/")) throw new Error(`REDRIVE_BASE_PATH is ${shown}: it must not end with "/"; write "${v.replace(/\/+$/, "")}".`);
  if (v.length > 200) throw new Error(`REDRIVE_BASE_PATH is ${v.length} characters long; it may be at most 200.`);
  for (const segment of v.slice(1).split("/")) {
    if (segment === "") throw new Error(`REDRIVE_BASE_PATH is ${shown}: it must not hold "//".`);
    if (segment === "." || segment === "..") throw new Error(`REDRIVE_BASE_PATH is ${shown}: it must not hold "." or ".." segments.`);
    if (!SEGMENT.test(segment)) {
      throw new Error(`REDRIVE_BASE_PATH is ${shown}: each part may hold only letters, digits, ".", "_", "~" and "-" (no spaces, "?", "#" or "%").`);
    }
  }
  return v;
}
