import { existsSync } from "node:fs";

// The one place that decides whether the browser tests run. They use Debian's Chromium and never
// download one; SHATTER_CHROMIUM points them at another (tests point it at a missing path).
export const CHROMIUM_PATH = process.env.SHATTER_CHROMIUM || "/usr/bin/chromium";

export const chromiumMissing = (): boolean => !existsSync(CHROMIUM_PATH);

/** A machine without Chromium skips the browser tests; CI (CI=true) must have it, so there they fail instead. */
export const skipBrowserTests = (): boolean => chromiumMissing() && process.env.CI !== "true";

export const BROWSER_SKIP_LINE =
  `Browser tests skipped: ${CHROMIUM_PATH} is missing. To run them: apt-get install chromium ` +
  "(or set SHATTER_CHROMIUM to a Chromium binary), then npm test.";

export const BROWSER_MISSING_IN_CI = `${CHROMIUM_PATH} is missing and CI=true: CI runs the browser tests (.ci/run installs Chromium)`;
