import { describe, expect, it } from "vitest";
import { api } from "./support/harness";

describe("GET /api/health", () => {
  it("GET /api/health – reports the database up and realtime pointed at a custom host", async () => {
    const res = await api().get("/api/health").expect(200);
    expect(res.body).toEqual({ success: true, db: "up", realtime: "custom-host" });
    expect(JSON.stringify(res.body)).not.toContain("secret");
  });

  it("POST /api/health – is a 405 with an Allow header", async () => {
    const res = await api().post("/api/health");
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe("GET, OPTIONS");
    expect(res.body).toEqual({
      success: false,
      code: "method_not_allowed",
      error: expect.any(String),
      requestId: res.headers["x-request-id"],
    });
  });
});
