/** Where to go after signing in: a path on this site only (never "//evil" or a full URL). */
export function safeNext(next: string | string[] | undefined | null): string {
  const v = Array.isArray(next) ? next[0] : next;
  if (!v || !v.startsWith("/") || v.startsWith("//") || v.startsWith("/\\") || /[\u0000-\u001f]/.test(v)) return "/";
  if (v === "/sign-in" || v.startsWith("/sign-in?") || v.startsWith("/setup")) return "/";
  return v;
}
