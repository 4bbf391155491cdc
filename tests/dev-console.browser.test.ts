import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DevStack } from "../dev/stack";
import { BROWSER_MISSING_IN_CI, CHROMIUM_PATH, chromiumMissing, skipBrowserTests } from "./support/browser";
import { callApi, hostWithEvent, startTestDevStack } from "./support/dev-stack";

// The live events console (/console of `npm run dev`) in Debian's headless Chromium. Without it
// the file is skipped (the test run says so in one line), except under CI=true where it fails.

const ARTIFACTS = join(__dirname, "..", "test-artifacts");

describe.skipIf(skipBrowserTests())("live events console in Chromium", () => {
  let stack: DevStack;
  let browser: Browser;

  beforeAll(async () => {
    if (chromiumMissing()) throw new Error(BROWSER_MISSING_IN_CI);
    stack = await startTestDevStack();
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it("GET /console – watching by join code shows each participant-joined row and the participants, live", async () => {
    const { token, event } = await hostWithEvent(stack, "Founders Mixer");
    const elsewhere = await hostWithEvent(stack, "Another Meetup");
    const page = await browser.newPage({ viewport: { width: 1360, height: 760 } });
    const pageErrors: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(error.message));
    await page.goto(stack.consoleUrl);
    await page.locator("#status", { hasText: "Live" }).waitFor();

    await page.fill("#watch-input", event.joinCode);
    await page.click("button[type=submit]");
    await page.locator("#ev-name", { hasText: "Founders Mixer" }).waitFor();
    expect(await page.textContent("#ev-code")).toBe(event.joinCode);
    expect(await page.textContent("#ev-channel")).toBe(`event-${event._id}`);

    const ada = await callApi(stack, "POST", `/events/${event._id}/join/guest`, { name: "Ada Lovelace" });
    expect(ada.status).toBe(201);
    const row = page.locator('#events tr[data-event="participant-joined"]', { hasText: "Ada Lovelace" });
    await row.waitFor();
    expect(await row.locator("td").allTextContents()).toEqual([
      expect.stringMatching(/^\d\d:\d\d:\d\d\.\d{3}$/),
      `event-${event._id}`,
      "participant-joined",
      expect.stringMatching(
        new RegExp(`^\\{ participantId: "${ada.body.participant._id}", name: "Ada Lovelace"(, seq: \\d+)? \\}$`),
      ),
    ]);
    await page.locator("#participants li", { hasText: "Ada Lovelace" }).waitFor();

    // Another event's join reaches the console but stays hidden while this event is watched.
    const turing = await callApi(stack, "POST", `/events/${elsewhere.event._id}/join/guest`, { name: "Alan Turing" });
    expect(turing.status).toBe(201);
    const grace = await callApi(stack, "POST", `/events/${event._id}/join/guest`, { name: "Grace Hopper" });
    expect(grace.status).toBe(201);
    await page.locator("#participants li", { hasText: "Grace Hopper" }).waitFor();
    const hiddenRow = page.locator('#events tr[data-event="participant-joined"]', { hasText: "Alan Turing" });
    await hiddenRow.waitFor({ state: "attached" });
    expect(await hiddenRow.isVisible()).toBe(false);

    expect((await callApi(stack, "POST", `/events/${event._id}/start`, undefined, token)).status).toBe(200);
    await page.locator("#ev-state", { hasText: "active" }).waitFor();

    expect(
      await page.locator("#participants li").evaluateAll((items) => items.map((li) => li.firstChild?.textContent)),
    ).toEqual(["Ada Lovelace", "Grace Hopper"]);
    expect(
      await page.locator("#events tr:visible").evaluateAll((rows) => rows.map((tr) => tr.getAttribute("data-event"))),
    ).toEqual(["event", "event-started", "participant-joined", "participant-joined"]);
    expect(await page.textContent("#count")).toBe("4 events");
    expect(pageErrors).toEqual([]);

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, "console.png"), fullPage: true });
  });
});
