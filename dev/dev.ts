import { join } from "node:path";
import { type DevStack, devPortsFromEnv, loadDotEnv, startDevStack } from "./stack";

// `npm run dev`: the whole backend in one command (see dev/stack.ts). Ctrl-C stops all of it.

const REPO_ROOT = join(__dirname, "..");

const jsLiteral = (options: Record<string, unknown>) =>
  `{ ${Object.entries(options)
    .map(([key, value]) => `${key}: ${JSON.stringify(value)}`)
    .join(", ")} }`;

function describeStack(stack: DevStack): string {
  const origin = stack.apiUrl.replace(/\/api$/, "");
  const database =
    stack.database.kind === "external"
      ? "MONGODB_URI"
      : `${stack.database.kind} at ${stack.database.uri}, data in .data/db`;
  const env = process.env;
  const realtime = stack.pusher
    ? `local Pusher-protocol server at ws://${stack.pusher.host}:${stack.pusher.port} (app ${env.PUSHER_APP_ID})`
    : env.PUSHER_HOST
      ? `Pusher-protocol server at ${env.PUSHER_HOST}:${env.PUSHER_PORT ?? ""} (app ${env.PUSHER_APP_ID})`
      : `Pusher app ${env.PUSHER_APP_ID} (cluster ${env.PUSHER_CLUSTER})`;
  return [
    "",
    "Shatter backend is running",
    "",
    `  API       ${stack.apiUrl}   (try ${stack.apiUrl}/health)`,
    `  Console   ${stack.consoleUrl}${stack.pusher ? "" : "   (external Pusher: watch one event at a time)"}`,
    `  Database  ${database}`,
    `  Realtime  ${realtime}`,
    "",
    "  pusher-js in a client:",
    `    new Pusher(${JSON.stringify(stack.client.key)}, ${jsLiteral(stack.client.options)})`,
    "",
    `  Point the app at ${origin}. Ctrl-C stops everything.`,
    "",
  ].join("\n");
}

async function main(): Promise<void> {
  const loaded = loadDotEnv(join(REPO_ROOT, ".env"));
  if (loaded.length > 0) console.log(`Loaded ${loaded.length} settings from .env`);

  let stack: DevStack | undefined;
  let signalled: NodeJS.Signals | undefined;
  let signalledAt = 0;
  const shutdown = (signal: NodeJS.Signals) => {
    if (signalled) {
      // tsx relays the terminal's Ctrl-C to us a second time when we are slow to acknowledge it;
      // only a later, deliberate one means "stop waiting".
      if (Date.now() - signalledAt < 3_000) return;
      console.log("Second signal: exiting now.");
      process.exit(1);
    }
    signalled = signal;
    signalledAt = Date.now();
    if (!stack) return; // still starting: stopped as soon as it is up
    console.log(`\n${signal}: stopping the API, the Pusher server and the database…`);
    const force = setTimeout(() => {
      console.error("Still stopping after 10 s; exiting anyway.");
      process.exit(1);
    }, 10_000);
    stack.stop().then(
      () => {
        clearTimeout(force);
        console.log("Stopped.");
        process.exit(0);
      },
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);

  stack = await startDevStack({
    ...devPortsFromEnv(process.env),
    log: (line) => console.log(`  ${new Date().toISOString().slice(11, 23)}  ${line}`),
  });
  if (signalled) {
    const signal = signalled;
    signalled = undefined;
    return shutdown(signal);
  }
  console.log(describeStack(stack));
}

main().catch((error: unknown) => {
  console.error(`npm run dev failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
