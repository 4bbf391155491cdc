import path from "node:path";
import { describe, expect, it } from "vitest";
import { checkLayers, folderCycles, folderGraph, layerProblems } from "../dev/check-layers";

describe("folder layers of src/", () => {
  it("src/ has no folder cycle and imports only down the declared layers (npm run check:layers)", () => {
    const { graph, problems } = checkLayers(path.resolve(__dirname, ".."));
    expect(problems).toEqual([]);
    // The graph is real: the checker sees the imports it judges.
    expect([...(graph.get("bingo") ?? [])]).toContain("events");
    expect([...(graph.get("realtime") ?? [])]).not.toContain("events");
  });

  it("check-layers – catches a cycle between two folders and the upward import in it", () => {
    const graph = folderGraph(
      new Map([
        ["events/join.ts", 'import { x } from "../bingo/cards";\nimport { y } from "../errors";'],
        ["bingo/cards.ts", 'import { eventNotFound } from "../events/store";'],
        ["errors.ts", 'import { log } from "./log";'],
        ["log.ts", ""],
      ]),
    );
    expect(graph.get("events")).toEqual(new Set(["bingo", "errors.ts"]));
    expect(graph.get("errors.ts")).toEqual(new Set(["log.ts"]));
    expect(folderCycles(graph)).toEqual([["bingo", "events"]]);
    expect(layerProblems(graph)).toEqual(["events imports bingo, a higher layer", "folder cycle: bingo ↔ events"]);
  });

  it("check-layers – catches a cycle within one layer, and a folder missing from the layers", () => {
    const graph = folderGraph(
      new Map([
        ["http/route.ts", 'import { a } from "../openapi/document";'],
        ["openapi/document.ts", 'export { b } from "../http/route";'],
        ["widgets/w.ts", 'const c = await import("../models/event");'],
      ]),
    );
    expect(layerProblems(graph)).toEqual([
      "widgets is not in the declared layers (dev/check-layers.ts)",
      "folder cycle: http ↔ openapi",
    ]);
  });
});
