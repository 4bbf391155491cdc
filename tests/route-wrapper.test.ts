import type { VercelRequest, VercelResponse } from "@vercel/node";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { operation, route } from "../src/http/route";

// route() called the way Vercel's runtime calls a function, for what no local HTTP/1.1 request can
// show: an HTTP/2 request reaches the function with its body parsed but no Content-Length header.

function vercelCall(headers: Record<string, string>, body: unknown) {
  const req = { method: "POST", headers, query: {}, body } as unknown as VercelRequest;
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
