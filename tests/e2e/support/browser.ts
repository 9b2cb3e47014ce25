import { chromium, type Browser, type BrowserContextOptions, type Page } from "playwright-core";
import type { RunningApp } from "./app-server";

export const CHROMIUM = "/usr/bin/chromium";

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
  });
}

/** A page in a fresh browser context signed in to the app (as its admin, or with `cookie`); relative URLs open on the app. */
export async function newAppPage(browser: Browser, app: RunningApp, options: BrowserContextOptions & { cookie?: string | null } = {}): Promise<Page> {
  const { cookie = app.cookie, ...contextOptions } = options;
  const context = await browser.newContext({ baseURL: app.url, ...contextOptions });
  if (cookie) {
    const [name, ...value] = cookie.split("=");
    await context.addCookies([{ name: name ?? "", value: value.join("="), url: app.url, httpOnly: true, sameSite: "Lax" }]);
  }
  return context.newPage();
}
