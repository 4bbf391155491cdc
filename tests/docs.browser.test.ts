import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BROWSER_MISSING_IN_CI, CHROMIUM_PATH, chromiumMissing, skipBrowserTests } from "./support/browser";
import { contract, listener } from "./support/harness";

// GET /api/docs in Debian's headless Chromium: the page and its renderer come from this API (the
// installed @scalar/api-reference bundle), and every documented operation shows up on it.

describe.skipIf(skipBrowserTests())("GET /api/docs in Chromium", () => {
  let server: Server;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    if (chromiumMissing()) throw new Error(BROWSER_MISSING_IN_CI);
    await contract.load();
    server = createServer(listener);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  it("GET /api/docs – renders every documented route from the local bundle, with no request leaving this API", async () => {
    const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    const elsewhere: string[] = [];
    const pageErrors: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(error.message));
    await page.route("**/*", (route) => {
      const url = route.request().url();
      if (url.startsWith(base) || url.startsWith("data:") || url.startsWith("blob:")) return route.continue();
      elsewhere.push(url);
      return route.abort();
    });
    await page.goto(`${base}/api/docs`);

    const operations = Object.entries(contract.document.paths).flatMap(([path, item]) =>
      Object.values(item).map((op) => ({ path, summary: op.summary })),
    );
    // The sidebar lists every operation by its summary (all tags open)…
    const sidebar = page.locator("nav, aside").first();
    for (const { summary } of operations) {
      await sidebar.getByText(summary, { exact: false }).first().waitFor({ timeout: 20_000 });
    }
    // …and the page shows each documented path.
    const text = (await page.locator("#app").textContent()) ?? "";
    for (const { path } of operations) expect(text).toContain(path);
    // …and links the realtime channel's AsyncAPI document where it can be seen.
    const asyncApiLink = page.getByRole("link", { name: "the AsyncAPI 3.0 document" });
    expect(await asyncApiLink.isVisible()).toBe(true);
    expect(await asyncApiLink.getAttribute("href")).toBe("/api/asyncapi.json");
    await page.screenshot({ path: "test-artifacts/docs.png" });
    expect(elsewhere).toEqual([]);
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
