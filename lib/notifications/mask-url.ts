/** Scheme and host of a webhook URL, the rest hidden: its path or query is often the secret. */
export function maskUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    const hidden = u.pathname.length > 1 || u.search || u.username || u.password;
    return `${u.protocol}//${u.host}${hidden ? "/••••••" : "/"}`;
  } catch {
    return "••••••";
  }
}
