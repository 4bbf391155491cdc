import { describe, expect, it } from "vitest";
import { api, bearer, createEvent, createHost, createUser, expectError, joinAsGuest } from "./support/harness";
import { base64url, forgeToken as forge, HS256 } from "./support/tokens";

/** A JWT built by hand, signed with the test secret unless told otherwise. */
function forgeToken(
  payload: Record<string, unknown>,
  options: { secret?: string; header?: Record<string, unknown> } = {},
): string {
  return forge(options.header ?? HS256, payload, options.secret ?? process.env.JWT_SECRET ?? "");
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

describe("GET /api/users/me", () => {
  it("GET /api/users/me – a registered user gets their own profile and nothing about a password", async () => {
    const user = await createUser({ name: "Grace Hopper" });
    const res = await api()
      .get("/api/users/me")
      .set(...bearer(user.token));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      success: true,
      user: {
        _id: user.userId,
        name: "Grace Hopper",
        email: user.email,
        authProvider: "local",
        profileVisibility: "event",
        isGuest: false,
        bio: "",
        title: "",
        organization: "",
        profilePhoto: null,
        socialLinks: {},
      },
    });
    const keys = Object.keys(res.body.user).concat(Object.keys(res.body));
    expect(keys.filter((key) => key.toLowerCase().includes("password"))).toEqual([]);
    expect(JSON.stringify(res.body)).not.toContain("scrypt");
  });

  it("GET /api/users/me – a guest token answers with authProvider guest and isGuest true", async () => {
    const host = await createHost();
    const event = await createEvent(host);
    const join = await joinAsGuest(event._id, "Guest Gus");
    expect(join.status).toBe(201);

    const res = await api()
      .get("/api/users/me")
      .set(...bearer(join.body.token))
      .expect(200);
    expect(res.body).toEqual({
      success: true,
      user: {
        _id: join.body.userId,
        name: "Guest Gus",
        authProvider: "guest",
        profileVisibility: "event",
        isGuest: true,
        bio: "",
        title: "",
        organization: "",
        profilePhoto: null,
        socialLinks: {},
      },
    });
  });

  it("GET /api/users/me – a hand-signed token with the test secret is accepted (the forgery helper is sound)", async () => {
    const user = await createUser();
    const token = forgeToken({ userId: user.userId, kind: "user", iat: nowSeconds(), exp: nowSeconds() + 60 });
    const res = await api()
      .get("/api/users/me")
      .set(...bearer(token))
      .expect(200);
    expect(res.body.user._id).toBe(user.userId);
  });

  it("GET /api/users/me – no token is a 401 unauthorized", async () => {
    expectError(await api().get("/api/users/me"), 401, "unauthorized");
  });

  it("GET /api/users/me – malformed tokens and headers are a 401 unauthorized", async () => {
    const user = await createUser();
    for (const authorization of [
      "Bearer not-a-jwt",
      "Bearer a.b.c",
      `Token ${user.token}`,
      user.token,
      "Bearer ",
      `Bearer ${user.token}x`,
    ]) {
      expectError(await api().get("/api/users/me").set("Authorization", authorization), 401, "unauthorized");
    }
  });

  const claimsFor = (userId: string, iat = nowSeconds(), exp = iat + 3600) => ({ userId, kind: "user", iat, exp });
  const NONE = { alg: "none", typ: "JWT" };
  it.each([
    {
      what: "a token signed with another secret",
      token: (userId: string) => forgeToken(claimsFor(userId), { secret: "some-other-secret-that-is-long-enough!!" }),
    },
    {
      what: "an expired token",
      token: (userId: string) => forgeToken(claimsFor(userId, nowSeconds() - 7200, nowSeconds() - 60)),
    },
    {
      what: "a token whose header says alg none",
      token: (userId: string) => `${base64url(NONE)}.${base64url(claimsFor(userId))}.`,
    },
    {
      // A valid HMAC over the `alg: none` header: the algorithm alone must refuse it.
      what: "an alg none token that carries a valid signature",
      token: (userId: string) => forgeToken(claimsFor(userId), { header: NONE }),
    },
  ])("GET /api/users/me – $what is a 401 unauthorized", async ({ token }) => {
    const user = await createUser();
    expectError(
      await api()
        .get("/api/users/me")
        .set(...bearer(token(user.userId))),
      401,
      "unauthorized",
    );
  });
});
