import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";

// `npm run build:vercel`: Vercel's own `vercel build`, offline. An unlinked checkout gets a local
// project file (the CLI otherwise asks the Vercel API for the project's settings), and
// VERCEL_INSTALL_COMPLETED stops the builder from running `npm install` again.

const ROOT = join(__dirname, "..");
export const VERCEL_OUTPUT = join(ROOT, ".vercel", "output");

export function buildForVercel(): string[] {
  const projectFile = join(ROOT, ".vercel", "project.json");
  if (!existsSync(projectFile)) {
    mkdirSync(join(ROOT, ".vercel"), { recursive: true });
    writeFileSync(projectFile, JSON.stringify({ projectId: "local", orgId: "local", settings: { framework: null } }));
  }
  execFileSync(join(ROOT, "node_modules", ".bin", "vercel"), ["build", "--yes"], {
    cwd: ROOT,
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, VERCEL_INSTALL_COMPLETED: "1", VERCEL_TELEMETRY_DISABLED: "1" },
  });
  return listFunctions();
}

/** Function folders in the build output, as paths like `api/events/[eventId]/join/user`. */
export function listFunctions(output = VERCEL_OUTPUT): string[] {
  const functions = join(output, "functions");
  return readdirSync(functions, { recursive: true, encoding: "utf8" })
    .filter((entry) => entry.endsWith(".func"))
    .map((entry) => relative(functions, join(functions, entry)).slice(0, -".func".length))
    .sort();
}

if (require.main === module) {
  const functions = buildForVercel();
  console.log(`\n${functions.length} functions in ${relative(ROOT, VERCEL_OUTPUT)}/functions:`);
  for (const fn of functions) console.log(`  ${fn}`);
}
