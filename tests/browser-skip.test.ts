import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, inject, it } from "vitest";

// `npm test` on a machine without Chromium: the browser tests are skipped with one line saying how
// to run them, and under CI=true the same run fails. Runs vitest itself on the browser test file
// with SHATTER_CHROMIUM pointing at a missing path, against this run's database.

const REPO_ROOT = join(__dirname, "..");

interface VitestRun {
  code: number;
  stdout: string;
  output: string;
  report: { success: boolean; numPassedTests: number; numPendingTests: number; testResults: Array<{ status: string }> };
}

function runBrowserTestsWithout(chromium: string, ci: boolean): Promise<VitestRun> {
  const reportFile = join(mkdtempSync(join(tmpdir(), "shatter-vitest-")), "report.json");
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NO_COLOR: "1",
    MONGODB_URI: inject("mongoUri"),
    SHATTER_CHROMIUM: chromium,
    ...(ci ? { CI: "true" } : {}),
  };
  const args = ["run", "tests/dev-console.browser.test.ts", "--reporter=default", "--reporter=json"];
  return new Promise((resolve) => {
    execFile(
      join(REPO_ROOT, "node_modules", ".bin", "vitest"),
      [...args, `--outputFile.json=${reportFile}`],
      { cwd: REPO_ROOT, env, timeout: 60_000 },
      (error, stdout, stderr) => {
        const report = JSON.parse(readFileSync(reportFile, "utf8"));
        resolve({ code: error ? Number(error.code) : 0, stdout, output: stdout + stderr, report });
      },
    );
  });
}

describe("npm test without Chromium", () => {
  const missing = join(tmpdir(), "no-chromium-here", "chromium");

  it("npm test – a machine without Chromium skips the browser tests and prints one line saying how to run them", async () => {
    const run = await runBrowserTestsWithout(missing, false);
    const { success, numPassedTests, numPendingTests } = run.report;
    expect([run.code, success, numPassedTests, numPendingTests]).toEqual([0, true, 0, 1]);
    expect(run.stdout.split("\n").filter((line) => line.includes("Browser tests"))).toEqual([
      `Browser tests skipped: ${missing} is missing. To run them: apt-get install chromium (or set SHATTER_CHROMIUM to a Chromium binary), then npm test.`,
    ]);
  });

  it("npm test – under CI=true a missing Chromium fails the browser tests instead", async () => {
    const run = await runBrowserTestsWithout(missing, true);
    expect([
      run.code,
      run.report.success,
      run.report.numPassedTests,
      run.report.testResults.map((file) => file.status),
    ]).toEqual([1, false, 0, ["failed"]]);
    expect(run.output).toContain(
      `Error: ${missing} is missing and CI=true: CI runs the browser tests (.ci/run installs Chromium)`,
    );
    expect(run.output).not.toContain("Browser tests skipped");
  });
});
