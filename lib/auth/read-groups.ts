// The groups a claim or a header holds, as providers send them: a JSON array of names (OpenID
// "groups"), or one string. A string is split at commas (oauth2-proxy's X-Forwarded-Groups); the
// names are trimmed, empty ones dropped, duplicates kept once; anything else counts as no groups.

const MAX_GROUPS = 1000;

export function readGroups(value: unknown): string[] {
  const raw = Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : typeof value === "string" ? value.split(",") : [];
  return [...new Set(raw.map((g) => g.trim()).filter((g) => g !== ""))].slice(0, MAX_GROUPS);
}
