import mongoose from "mongoose";
import { describe, expect, it } from "vitest";
import { ApiError, toApiError, toErrorBody } from "../src/errors";

// The one place that turns anything thrown into the error envelope.
describe("toApiError", () => {
  it("toApiError – a duplicate key no rule handled is a 503 busy with Retry-After, never a refusal", () => {
    const error = toApiError(Object.assign(new Error("E11000 duplicate key error"), { code: 11000 }));
    expect({ status: error.status, headers: error.headers, body: toErrorBody(error, "req-1") }).toEqual({
      status: 503,
      headers: { "Retry-After": "1" },
      body: {
        success: false,
        code: "busy",
        error: "That collided with a concurrent change; please try again.",
        requestId: "req-1",
      },
    });
  });

  it("toApiError – an unreachable database is a 503 database_unavailable with Retry-After", () => {
    const error = toApiError(new mongoose.mongo.MongoNetworkError("connection reset"));
    expect({ status: error.status, headers: error.headers, code: error.code }).toEqual({
      status: 503,
      headers: { "Retry-After": "1" },
      code: "database_unavailable",
    });
  });

  it("toApiError – an ApiError passes through unchanged", () => {
    const error = new ApiError("not_found", "No event with that id.");
    expect(toApiError(error)).toBe(error);
  });
});
