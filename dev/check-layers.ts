// Checks that the folders of src/ only import downward: `npm run check:layers`.
//
// Builds the graph of imports between the folders of src/ (a file directly under src/ counts as
// a folder of its own), then reports every import of a folder declared higher than the importer
// (or not declared at all) and every cycle between folders. Exits 1 when it finds any.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

/** The declared order, bottom first; folders on one line may import each other, without cycles. */
export const LAYERS: readonly (readonly string[])[] = [
  ["env-schema.ts", "env.ts", "log.ts", "errors.ts", "ids.ts", "schemas", "models"],
  ["db", "limits", "auth", "realtime"],
  ["users"],
  ["events"],
  ["bingo"],
  ["connections"],
  // What a person's data becomes: exported, deleted, expired; it reaches into every domain.
  ["privacy"],
  ["http", "openapi"],
  // The cron's work sits on top: it audits every domain folder and expires http's records.
  ["jobs"],
];

/** Folder → the folders its files import (never itself). */
export type FolderGraph = Map<string, Set<string>>;

const IMPORT = /(?:^|[\s;])(?:import|export)\s[^"'`;]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return listFiles(full);
    return /\.(ts|mts|cts)$/.test(entry.name) ? [full] : [];
  });
}

/** The folder of src/ a path (relative to src/) belongs to. */
function folderOf(relative: string): string {
  return relative.split(/[\\/]/)[0] ?? relative;
}

/** The folder graph of `files` (path relative to src/ → source text). */
export function folderGraph(files: ReadonlyMap<string, string>): FolderGraph {
  const graph: FolderGraph = new Map();
  for (const [file, source] of files) {
    const from = folderOf(file);
    const targets = graph.get(from) ?? new Set<string>();
    graph.set(from, targets);
    for (const match of source.matchAll(IMPORT)) {
      const specifier = match[1] ?? match[2] ?? "";
      if (!specifier.startsWith(".")) continue;
      const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier)).replace(/\.js$/, "");
      if (resolved.startsWith("..")) continue;
      // A file directly under src/ is its own folder: `../env` is `env.ts`.
      const to = files.has(`${resolved}.ts`) && !resolved.includes("/") ? `${resolved}.ts` : folderOf(resolved);
      if (to !== from) targets.add(to);
    }
  }
  return graph;
}

/** Every cycle between folders, as the folders of each strongly connected component (Tarjan). */
export function folderCycles(graph: FolderGraph): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, next);
    low.set(node, next++);
    stack.push(node);
    onStack.add(node);
    for (const target of graph.get(node) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(target) ?? 0));
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node) ?? 0, index.get(target) ?? 0));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    for (let member = stack.pop(); member !== undefined; member = stack.pop()) {
      onStack.delete(member);
      component.push(member);
      if (member === node) break;
    }
    if (component.length > 1) cycles.push(component.sort());
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return cycles;
}

/** What is wrong with `graph` against `layers`: upward or undeclared imports, and cycles. */
export function layerProblems(graph: FolderGraph, layers: readonly (readonly string[])[] = LAYERS): string[] {
  const level = new Map(layers.flatMap((folders, i) => folders.map((folder) => [folder, i] as const)));
  const problems: string[] = [];
  for (const [from, targets] of [...graph].sort(([a], [b]) => a.localeCompare(b))) {
    const fromLevel = level.get(from);
    if (fromLevel === undefined) problems.push(`${from} is not in the declared layers (dev/check-layers.ts)`);
    for (const to of [...targets].sort()) {
      const toLevel = level.get(to);
      if (toLevel === undefined) problems.push(`${from} imports ${to}, which is not in the declared layers`);
      else if (fromLevel !== undefined && toLevel > fromLevel) problems.push(`${from} imports ${to}, a higher layer`);
    }
  }
  for (const cycle of folderCycles(graph)) problems.push(`folder cycle: ${cycle.join(" ↔ ")}`);
  return problems;
}

/** Reads src/ under `root` and checks it. */
export function checkLayers(root: string): { graph: FolderGraph; problems: string[] } {
  const src = path.join(root, "src");
  const files = new Map(
    listFiles(src).map((file) => [path.relative(src, file).split(path.sep).join("/"), readFileSync(file, "utf8")]),
  );
  const graph = folderGraph(files);
  return { graph, problems: layerProblems(graph) };
}

if (require.main === module) {
  const { graph, problems } = checkLayers(path.resolve(__dirname, ".."));
  for (const [from, targets] of [...graph].sort(([a], [b]) => a.localeCompare(b))) {
    process.stdout.write(`${from} → ${[...targets].sort().join(", ") || "(nothing)"}\n`);
  }
  if (problems.length > 0) {
    process.stderr.write(`${problems.map((problem) => `✗ ${problem}`).join("\n")}\n`);
    process.exit(1);
  }
  process.stdout.write("✓ no folder cycles; every import goes down the declared layers\n");
}
