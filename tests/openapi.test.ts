import { Validator } from "@seriousme/openapi-schema-validator";
import { beforeAll, describe, expect, it } from "vitest";
import { API_ROUTES } from "../api/openapi.json";
import { routesModuleIsStale } from "../dev/generate-routes";
import { discoverRoutes } from "../dev/local-server";
import { ERROR_STATUS } from "../src/errors";
import { buildOpenApiDocument } from "../src/openapi/document";
import { api, contract } from "./support/harness";

// The OpenAPI document is generated from the routes' declarations and served by its own function.
// That it names exactly the functions `vercel build` emits is checked in tests/vercel-build.test.ts,
// which has the build output at hand.

beforeAll(() => contract.load());

/** The codes an error response allows: the shared ErrorBody narrowed to an enum of codes. */
function codesOf(schema: unknown): string[] | undefined {
  const narrowed = (schema as { allOf?: { properties?: { code?: { enum?: string[] } } }[] } | undefined)?.allOf?.[1];
  return narrowed?.properties?.code?.enum;
}

describe("GET /api/openapi.json", () => {
  it("api/_routes.generated.ts – is current: the document covers every file under api/ (else npm run routes:generate)", () => {
    expect(routesModuleIsStale(), "run npm run routes:generate and commit api/_routes.generated.ts").toBe(false);
    const files = discoverRoutes().map((route) => `/${route.segments.join("/").replace(/\[(\w+)\]/g, "{$1}")}`);
    expect(API_ROUTES.map((fn) => fn.contract.path).sort()).toEqual(files.sort());
  });

  it("GET /api/openapi.json – is a valid OpenAPI 3.1 document (@seriousme/openapi-schema-validator)", async () => {
    const res = await api().get("/api/openapi.json").expect(200);
    expect(res.headers["content-type"]).toBe("application/json; charset=utf-8");
    const validator = new Validator();
    const result = await validator.validate(res.body);
    expect(result).toEqual({ valid: true });
    expect(validator.version).toBe("3.1");
  });

  it("GET /api/openapi.json – serves the document built from every route's declaration", async () => {
    const res = await api().get("/api/openapi.json").expect(200);
    expect(res.body).toEqual(JSON.parse(JSON.stringify(buildOpenApiDocument(API_ROUTES.map((fn) => fn.contract)))));
    expect(Object.keys(res.body.paths)).toHaveLength(API_ROUTES.length);
  });

  it("GET /api/openapi.json – every operation declares its success, its errors and the envelope's codes", () => {
    const operations = Object.entries(contract.document.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => ({ path, method, op })),
    );
    const join = contract.document.paths["/api/events/{eventId}/join/guest"]?.post;
    expect(Object.keys(join?.responses ?? {})).toEqual([
      "200",
      "201",
      "400",
      "403",
      "404",
      "409",
      "413",
      "415",
      "422",
      "429",
      "500",
      "503",
    ]);
    const codes = (status: string) => codesOf(join?.responses[status]?.content["application/json"]?.schema);
    expect(codes("400")).toEqual(["event_full", "invalid_input", "invalid_json"]);
    expect(codes("422")).toEqual(["idempotency_key_reused"]);
    expect(codes("503")).toEqual(["busy", "database_unavailable"]);
    expect(Object.keys(join?.responses["503"]?.headers ?? {})).toContain("Retry-After");
    expect(Object.keys(join?.responses["201"]?.headers ?? {})).toContain("Idempotent-Replayed");
    expect(join?.parameters?.map((parameter) => `${parameter.in} ${parameter.name}`)).toEqual([
      "path eventId",
      "header Idempotency-Key",
    ]);
    for (const { op } of operations) expect(Object.keys(op.responses)).toContain("500");
  });

  it("GET /api/openapi.json – every error code of src/errors.ts is one some operation declares (405 is every path's)", () => {
    const declared = new Set<string>(["method_not_allowed"]);
    for (const item of Object.values(contract.document.paths))
      for (const op of Object.values(item))
        for (const response of Object.values(op.responses)) {
          for (const code of codesOf(response.content["application/json"]?.schema) ?? []) declared.add(code);
        }
    expect([...declared].sort()).toEqual(Object.keys(ERROR_STATUS).sort());
  });
});

describe("the response checker", () => {
  const ok = {
    method: "GET",
    url: "/api/health",
    status: 200,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", "x-request-id": "r" },
    body: Buffer.from(JSON.stringify({ success: true, db: "up", realtime: "disabled" })),
  };

  it("contract check – a response as declared passes", () => {
    expect(contract.check(ok)).toEqual([]);
  });

  it("contract check – an undeclared status, header, field, missing field or content type is caught", () => {
    expect(contract.check({ ...ok, status: 202 })).toEqual([expect.stringContaining("status 202 is not declared")]);
    expect(contract.check({ ...ok, headers: { ...ok.headers, "x-powered-by": "me" } })).toEqual([
      "header x-powered-by is not declared",
    ]);
    const extra = Buffer.from(JSON.stringify({ success: true, db: "up", realtime: "disabled", debug: 1 }));
    expect(contract.check({ ...ok, body: extra })).toEqual([expect.stringContaining("additional properties")]);
    const missing = Buffer.from(JSON.stringify({ success: true, db: "up" }));
    expect(contract.check({ ...ok, body: missing })).toEqual([expect.stringContaining("realtime")]);
    expect(contract.check({ ...ok, headers: { "content-type": "text/html", "x-request-id": "r" } })).toEqual([
      "Content-Type text/html is not declared for 200",
    ]);
  });

  it("contract check – an answer without X-Request-Id, or an error body naming another request, is caught", () => {
    const { "x-request-id": _id, ...unnamed } = ok.headers;
    expect(contract.check({ ...ok, headers: unnamed })).toEqual(["X-Request-Id is missing"]);
    const body = Buffer.from(JSON.stringify({ success: false, error: "x", code: "not_found", requestId: "other" }));
    const res = { ...ok, url: "/api/events/665a1b2c3d4e5f6a7b8c9d0e", status: 404, body };
    expect(contract.check(res)).toEqual(["the error body's requestId other is not the X-Request-Id r"]);
  });

  it("contract check – an error code a route does not declare is caught", () => {
    const body = Buffer.from(JSON.stringify({ success: false, error: "x", code: "event_full", requestId: "r" }));
    const res = { ...ok, url: "/api/events/665a1b2c3d4e5f6a7b8c9d0e", status: 400, body };
    expect(contract.check(res)).toEqual([expect.stringContaining("/code must be equal to one of the allowed values")]);
  });

  it("contract check – an undocumented method must be the 405 envelope with the documented Allow", () => {
    const body = Buffer.from(
      JSON.stringify({ success: false, error: "x", code: "method_not_allowed", requestId: "r" }),
    );
    const res = { ...ok, method: "DELETE", status: 405, body, headers: { ...ok.headers, allow: "GET, OPTIONS" } };
    expect(contract.check(res)).toEqual([]);
    expect(contract.check({ ...res, headers: { ...ok.headers, allow: "GET, POST, OPTIONS" } })).toEqual([
      "Allow is GET, POST, OPTIONS, the document says GET, OPTIONS",
    ]);
  });
});
