// The path this build of Redrive is served under: "" at the root, "/redrive" behind a proxy that
// serves it there. next.config.ts fixes it when the app is built (REDRIVE_BASE_PATH) and Next.js
// writes it into every bundle, browser and server alike, as REDRIVE_BUILT_BASE_PATH. Next.js adds it
// to <Link>, router.push, redirect() and its own assets by itself; everything else that names a URL
// of Redrive by hand (fetch, window.location, a download link, a cookie's path, a link in a
// notification) goes through here.

export const BASE_PATH: string = process.env.REDRIVE_BUILT_BASE_PATH ?? "";

/** "/api/jobs" → "/redrive/api/jobs": a path of the app as the browser must ask for it. */
export function withBasePath(path: string): string {
  return path.startsWith("/") ? BASE_PATH + path : path;
}

/** window.location.pathname → the app's own path ("/redrive/jobs" → "/jobs"), as `next=` carries it. */
export function withoutBasePath(pathname: string): string {
  if (BASE_PATH === "") return pathname;
  if (pathname === BASE_PATH) return "/";
  return pathname.startsWith(`${BASE_PATH}/`) ? pathname.slice(BASE_PATH.length) : pathname;
}
