import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createVhost, mgmt, until } from "../support/rabbit-admin";
import { uniqueId } from "../support/redrive-env";
import { api, startApp, type RunningApp } from "./support/app-server";
import { launchBrowser, newAppPage } from "./support/browser";

// What an operator hit on a first day: the worst consumers hidden behind a cap and ranked by state
// alone, a phone's first screen full of navigation, a refused password reported as silence.

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true } as const;

describe("the operator's paper cuts", () => {
  let app: RunningApp;
  let browser: Browser;
  let vhost: Awaited<ReturnType<typeof createVhost>>;
  const id = uniqueId();
  const v = () => encodeURIComponent(vhost.name);

  async function queueWith(name: string, messages: number) {
    await mgmt("PUT", `/api/queues/${v()}/${encodeURIComponent(name)}`, { durable: false, auto_delete: false });
    for (let i = 0; i < messages; i++) {
      await mgmt("POST", `/api/exchanges/${v()}/amq.default/publish`, { properties: {}, routing_key: name, payload: `m${i}`, payload_encoding: "string" });
    }
  }

  beforeAll(async () => {
    vhost = await createVhost(`redrive-papercuts-${id}`);
    // Twelve queues holding one message each, and one holding many: all STOPPED (no consumer).
    for (let i = 0; i < 12; i++) await queueWith(`idle-${String(i).padStart(2, "0")}-with-a-name-long-enough-to-wrap`, 1);
    await queueWith("orders-backlog", 40);
    app = await startApp({
      statusIntervalSeconds: 1,
      connectTimeoutSeconds: 2,
      sampler: { intervalSeconds: 5 },
      clusters: [
        { name: "rabbit-main", kind: "rabbitmq", amqpUrl: "amqp://guest:guest@127.0.0.1:5672", managementUrl: "http://127.0.0.1:15672", vhosts: [vhost.name] },
        {
          name: "rabbit-wrong-password",
          kind: "rabbitmq",
          amqpUrl: "amqp://guest:not-the-password@127.0.0.1:5672",
          managementUrl: "http://127.0.0.1:15672",
          vhosts: [vhost.name],
        },
      ],
    });
    browser = await launchBrowser();
    await until(
      () => api<{ troubled: number }>(app, "/api/overview/consumers"),
      (o) => o.troubled >= 13,
      60_000,
      500,
    );
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await vhost?.drop();
  });

  it("ranks the deep queue first among equals in state, caps the list and links to the rest, ranked the same way", async () => {
    const page = await newAppPage(browser, app, { viewport: { width: 1280, height: 900 } });
    await page.goto("/");
    const rows = page.locator('[data-testid="worst-row"]');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(10);
    expect(await rows.first().locator("a").first().textContent()).toBe("orders-backlog");
    const more = page.getByTestId("worst-more");
    expect(await more.textContent()).toContain("3 more");
    await more.click();
    await page.waitForURL(/\/consumers\?/);
    expect(page.url()).toContain("sort=impact");
    await page.locator('[data-testid="consumer-name"]').first().waitFor();
    expect(await page.locator('[data-testid="consumer-name"]').first().textContent()).toBe("orders-backlog");
    // A STOPPED queue is not draining, whatever its backlog does.
    await page.goto("/");
    expect(await rows.first().locator("td").last().textContent()).toBe("not draining");
    await page.context().close();
  });

  it("says the management API refused the credentials, and what failed while no sweep succeeds", async () => {
    const page = await newAppPage(browser, app, { viewport: { width: 1280, height: 900 } });
    await page.goto("/");
    const card = page.locator('[data-testid="cluster-card"][data-cluster="rabbit-wrong-password"]');
    await until(
      async () =>
        (await card
          .getByTestId("cluster-management")
          .textContent()
          .catch(() => null)) ?? "",
      (t) => t !== "",
      30_000,
    );
    expect(await card.getByTestId("cluster-management").textContent()).toBe("refused the credentials (401)");
    const errors = page.getByTestId("sweep-errors");
    await errors.waitFor();
    expect(await errors.textContent()).toContain("rabbit-wrong-password");
    expect(await errors.textContent()).toContain("401");
    await page.context().close();
  });

  it("on a phone, opens on the page, not the navigation, and shows the worst consumers whole", async () => {
    const page = await newAppPage(browser, app, PHONE);
    await page.goto("/");
    await page.getByRole("heading", { name: "Overview", level: 1 }).waitFor();
    // The navigation is one Menu button; the page's heading is on the first screen.
    expect(await page.getByTestId("main-menu").isVisible()).toBe(false);
    const heading = await page.getByRole("heading", { name: "Overview", level: 1 }).boundingBox();
    expect(heading!.y).toBeLessThan(200);
    await page.getByTestId("menu-button").click();
    expect(await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Consumers", exact: true }).isVisible()).toBe(true);
    await page.getByTestId("menu-button").click();

    // Worst consumers as cards: nothing wider than the screen, each name and reason shown in full.
    const cards = page.locator('[data-testid="worst-card"]');
    await cards.first().waitFor();
    expect(await page.locator('[data-testid="worst-row"]').first().isVisible()).toBe(false);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(390);
    for (const box of await cards.evaluateAll((els) => els.map((e) => e.getBoundingClientRect().right))) expect(box).toBeLessThanOrEqual(390);
    const clipped = await cards.first().evaluate((el) => [...el.querySelectorAll("a, p")].some((n) => n.scrollWidth > n.clientWidth + 1));
    expect(clipped).toBe(false);
    await page.context().close();
  });

  it("on a phone, the inbox opens on the letters, with the DLQ panel below them", async () => {
    const page = await newAppPage(browser, app, PHONE);
    await page.goto("/dead-letters");
    await page.getByTestId("dlq-panel").waitFor();
    const letters = await page.getByTestId("view-letters").boundingBox();
    const panel = await page.getByTestId("dlq-panel").boundingBox();
    expect(letters!.y).toBeLessThan(panel!.y);
    expect(letters!.y).toBeLessThan(844);
    await page.context().close();

    // On a wide screen the panel stays on top, where it was.
    const wide = await newAppPage(browser, app, { viewport: { width: 1280, height: 900 } });
    await wide.goto("/dead-letters");
    await wide.getByTestId("dlq-panel").waitFor();
    expect((await wide.getByTestId("dlq-panel").boundingBox())!.y).toBeLessThan((await wide.getByTestId("view-letters").boundingBox())!.y);
    await wide.context().close();
  });

  it("draws the dark theme in dark mode, text light on dark", async () => {
    const page: Page = await newAppPage(browser, app, { viewport: { width: 1280, height: 900 }, colorScheme: "dark" });
    await page.goto("/");
    await page.locator('[data-testid="worst-row"]').first().waitFor();
    const [bg, fg] = await page.evaluate(() => {
      // Paint the colour (oklch or rgb, as the browser computed it) and read the pixel back as sRGB.
      const ctx = document.createElement("canvas").getContext("2d")!;
      const lum = (c: string) => {
        ctx.clearRect(0, 0, 1, 1);
        ctx.fillStyle = c;
        ctx.fillRect(0, 0, 1, 1);
        const [r, g, b] = ctx.getImageData(0, 0, 1, 1).data;
        return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
      };
      return [lum(getComputedStyle(document.body).backgroundColor), lum(getComputedStyle(document.querySelector("h1")!).color)];
    });
    expect(bg).toBeLessThan(60);
    expect(fg).toBeGreaterThan(180);
    await page.context().close();
  });
});
