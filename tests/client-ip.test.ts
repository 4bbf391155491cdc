import mongoose from "mongoose";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { clientIp } from "../src/limits/rate-limit";
import { api, expectError } from "./support/harness";

// Which address a rate limit counts: forwarding headers only where something trustworthy set them.

vi.hoisted(() => {
  process.env.RATE_LIMIT_LOGIN_PER_IP = "3";
  delete process.env.TRUSTED_PROXY_IPS;
  delete process.env.VERCEL;
});

const LOGINS_PER_IP = 3;

function request(remoteAddress: string, headers: Record<string, string> = {}) {
  return { headers, socket: { remoteAddress } } as unknown as Parameters<typeof clientIp>[0];
}

const untrusted = { vercel: false, proxies: [] };
const onVercel = { vercel: true, proxies: [] };
const behindProxy = { vercel: false, proxies: ["10.0.0.2", "10.0.0.3"] };

describe("clientIp", () => {
  it("clientIp – anywhere but Vercel or a trusted proxy, X-Real-IP and X-Forwarded-For are ignored", () => {
    const req = request("203.0.113.9", { "x-real-ip": "1.2.3.4", "x-forwarded-for": "5.6.7.8" });
    expect(clientIp(req, untrusted)).toBe("203.0.113.9");
  });

  it("clientIp – on Vercel, X-Real-IP, else the first X-Forwarded-For address (the edge sets both)", () => {
    expect(clientIp(request("10.1.1.1", { "x-real-ip": "198.51.100.7", "x-forwarded-for": "1.1.1.1" }), onVercel)).toBe(
      "198.51.100.7",
    );
    expect(clientIp(request("10.1.1.1", { "x-forwarded-for": "198.51.100.8, 10.1.1.1" }), onVercel)).toBe(
      "198.51.100.8",
    );
  });

  it("clientIp – behind a trusted proxy, the last X-Forwarded-For address that is not one of the proxies", () => {
    const forwarded = { "x-forwarded-for": "6.6.6.6, 198.51.100.9, 10.0.0.3" };
    expect(clientIp(request("10.0.0.2", forwarded), behindProxy)).toBe("198.51.100.9");
    // The same headers from a connection that is not a trusted proxy are the client's own words.
    expect(clientIp(request("203.0.113.10", forwarded), behindProxy)).toBe("203.0.113.10");
  });

  it("clientIp – behind a trusted proxy, a client's own X-Real-IP is ignored unless TRUST_X_REAL_IP says the proxy sets it", () => {
    // nginx and AWS ALB pass X-Real-IP through as the client sent it: a random value per request
    // would otherwise give every request an IP of its own.
    const headers = { "x-real-ip": "6.6.6.6", "x-forwarded-for": "198.51.100.13" };
    expect(clientIp(request("10.0.0.2", headers), behindProxy)).toBe("198.51.100.13");
    expect(clientIp(request("10.0.0.2", { "x-real-ip": "6.6.6.6" }), behindProxy)).toBe("10.0.0.2");
    expect(clientIp(request("10.0.0.2", headers), { ...behindProxy, realIp: true })).toBe("6.6.6.6");
  });

  it("clientIp – an IPv4 address on an IPv6 socket is the IPv4 address", () => {
    expect(clientIp(request("::ffff:203.0.113.11"), untrusted)).toBe("203.0.113.11");
    expect(clientIp(request("::ffff:10.0.0.2", { "x-forwarded-for": "198.51.100.12" }), behindProxy)).toBe(
      "198.51.100.12",
    );
  });
});

describe("POST /api/auth/login without a trusted proxy", () => {
  // The per-IP limit counts in one-minute windows: on the real clock a run across a minute's end
  // would see the count start over, so the clock stands still mid-window.
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.UTC(2030, 1, 20, 9, 0, 30));
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it(`POST /api/auth/login – a new X-Forwarded-For and X-Real-IP on every attempt do not escape the per-IP limit: attempt ${LOGINS_PER_IP + 1} is a 429`, async () => {
    const attempt = (i: number) =>
      api()
        .post("/api/auth/login")
        .set("X-Forwarded-For", `203.0.113.${i + 1}`)
        .set("X-Real-IP", `203.0.113.${i + 101}`)
        .send({
          email: `nobody-${new mongoose.Types.ObjectId().toHexString()}@example.com`,
          password: "wrong password",
        });
    for (let i = 0; i < LOGINS_PER_IP; i++) expectError(await attempt(i), 401, "invalid_credentials");
    expectError(await attempt(LOGINS_PER_IP), 429, "rate_limited");
  });
});
