import type { VercelRequest, VercelResponse } from "@vercel/node";
import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { operation, route } from "../src/http/route";

// route() called the way Vercel's runtime calls a function, for what no local HTTP/1.1 request can
// show: an HTTP/2 request reaches the function with its body parsed but no Content-Length header.

function vercelCall(headers: Record<string, string>, body: unknown, method = "POST") {
  const req = { method, headers, query: {}, body } as unknown as VercelRequest;
  const sent: { status?: number; body?: unknown; headers: Record<string, string> } = { headers: {} };
  const res = {
    setHeader(name: string, value: string) {
      sent.headers[name.toLowerCase()] = value;
    },
    status(code: number) {
      sent.status = code;
      return this;
    },
    json(value: unknown) {
      sent.body = value;
      return this;
    },
    end() {
      return this;
    },
  } as unknown as VercelResponse;
  return { req, res, sent };
}

const echo = route("/api/echo", {
  POST: operation({
    summary: "Echo the body",
    auth: "none",
    body: z.object({ name: z.string() }),
    responses: { 200: z.object({ got: z.object({ name: z.string() }) }) },
    handler: async ({ body }) => ({ body: { got: body } }),
  }),
});

describe("route()", () => {
  it("route() – a JSON body that arrives without Content-Length (HTTP/2 on Vercel) is still read", async () => {
    const { req, res, sent } = vercelCall({ "content-type": "application/json" }, { name: "Ada" });
    await echo(req, res);
    expect(sent).toMatchObject({ status: 200, body: { success: true, got: { name: "Ada" } } });
  });

  it("route() – a non-JSON body without Content-Length is a 415", async () => {
    const { req, res, sent } = vercelCall({ "content-type": "text/plain" }, "name=Ada");
    await echo(req, res);
    expect(sent.status).toBe(415);
    expect(sent.body).toEqual({
      success: false,
      code: "unsupported_media_type",
      error: expect.any(String),
      requestId: sent.headers["x-request-id"],
    });
  });

  it("route() – a body over 16 KiB without Content-Length is a 413", async () => {
    const { req, res, sent } = vercelCall({ "content-type": "application/json" }, { name: "x".repeat(17_000) });
    await echo(req, res);
    expect(sent.status).toBe(413);
  });
});

const broken = route("/api/broken", {
  POST: operation({
    summary: "Throws what no rule expects",
    auth: "none",
    database: false,
    responses: { 200: z.object({}) },
    handler: async () => {
      throw new Error("the handler broke");
    },
  }),
});

/** Runs `call` and returns the lines it logged, each parsed: every log line is one JSON object. */
async function loggedLines(call: () => Promise<void>): Promise<Record<string, unknown>[]> {
  const spy = vi.spyOn(console, "error").mockImplementation(() => undefined);
  try {
    await call();
    return spy.mock.calls.map((args) => {
      expect(args).toHaveLength(1);
      return JSON.parse(String(args[0])) as Record<string, unknown>;
    });
  } finally {
    spy.mockRestore();
  }
}

describe("route() – request ids and the log", () => {
  it("route() – a handler that throws a plain Error is a 500 and logs exactly one JSON line: level error, the stack, the request's id", async () => {
    const { req, res, sent } = vercelCall({ "content-type": "application/json" }, {});
    const lines = await loggedLines(() => broken(req, res));
    const requestId = sent.headers["x-request-id"];
    expect(requestId).toMatch(/^[\w-]{16}$/);
    expect(sent.status).toBe(500);
    expect(sent.body).toEqual({
      success: false,
      code: "internal_error",
      error: "Something went wrong on our side.",
      requestId,
    });
    expect(lines).toEqual([
      {
        level: "error",
        msg: "request",
        requestId,
        route: "POST /api/broken",
        status: 500,
        ms: expect.any(Number),
        dbCommands: 0,
        error: "Error: the handler broke",
        stack: expect.stringContaining("route-wrapper.test.ts"),
        time: expect.any(String),
      },
    ]);
    expect(lines[0]?.stack).toMatch(/^Error: the handler broke\n\s+at /);
  });

  it("route() – on Vercel the request id is the platform's x-vercel-id, on the header, the error body and the log line", async () => {
    const vercelId = "cdg1::iad1::7b2kq-1765000000000-0123456789ab";
    const { req, res, sent } = vercelCall({ "content-type": "application/json", "x-vercel-id": vercelId }, {});
    const lines = await loggedLines(() => broken(req, res));
    expect(sent.headers["x-request-id"]).toBe(vercelId);
    expect(sent.body).toMatchObject({ requestId: vercelId });
    expect(lines.map((line) => line.requestId)).toEqual([vercelId]);
  });

  it("route() – every answer has its own id: a success, a 4xx, a preflight and a 405 each carry a fresh X-Request-Id", async () => {
    const calls = [
      vercelCall({ "content-type": "application/json" }, { name: "Ada" }),
      vercelCall({ "content-type": "application/json" }, { name: 1 }),
      vercelCall({}, undefined, "OPTIONS"),
      vercelCall({}, undefined, "GET"),
    ];
    for (const { req, res } of calls) await echo(req, res);
    expect(calls.map(({ sent }) => sent.status)).toEqual([200, 400, 204, 405]);
    const ids = calls.map(({ sent }) => sent.headers["x-request-id"]);
    for (const id of ids) expect(id).toMatch(/^[\w-]{16}$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect(calls[1]?.sent.body).toMatchObject({ code: "invalid_input", requestId: ids[1] });
    expect(calls[3]?.sent.body).toMatchObject({ code: "method_not_allowed", requestId: ids[3] });
  });

  it("route() – a client's x-vercel-id that is no header value is ignored for a fresh id", async () => {
    const { req, res, sent } = vercelCall(
      { "content-type": "application/json", "x-vercel-id": "a b\u00e9" },
      {
        name: "Ada",
      },
    );
    await echo(req, res);
    expect(sent.headers["x-request-id"]).toMatch(/^[\w-]{16}$/);
  });
});
