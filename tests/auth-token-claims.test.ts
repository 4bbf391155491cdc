import { describe, expect, it, vi } from "vitest";
import { keyId, signToken, TOKEN_AUDIENCE, TOKEN_ISSUER, verifyToken } from "../src/auth/tokens";
import { api, bearer, createEvent, createHost, createUser, expectError, joinAsGuest } from "./support/harness";
import { forgeToken, HS256 } from "./support/tokens";

// Tokens name their issuer, audience and key; a rotation keeps the previous secret verifying;
// an unknown kind is refused; guest tokens keep their first expiry.

const PREVIOUS = "the-previous-secret-still-verifying-during-rotation";
vi.hoisted(() => {
  process.env.JWT_SECRET_PREVIOUS = "the-previous-secret-still-verifying-during-rotation";
});

const SECRET = process.env.JWT_SECRET ?? "";
const USER_ID = "665a1b2c3d4e5f6a7b8c9d0e";
const NOW = Date.UTC(2030, 5, 1, 12);
const NOW_S = NOW / 1000;

const current = (claims: Record<string, unknown>, secret = SECRET) =>
  forgeToken({ ...HS256, kid: keyId(secret) }, claims, secret);
const claims = (extra: Record<string, unknown> = {}) => ({
  userId: USER_ID,
  kind: "user",
  iss: TOKEN_ISSUER,
  aud: TOKEN_AUDIENCE,
  ver: 0,
  iat: NOW_S,
  exp: NOW_S + 3600,
  ...extra,
});
const payloadOf = (token: string) => JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString());

describe("token claims", () => {
  it("signToken – a token carries iss, aud, a version and the key id of JWT_SECRET", () => {
    const token = signToken({ userId: USER_ID, kind: "user" }, NOW);
    expect(payloadOf(token)).toEqual({
      userId: USER_ID,
      kind: "user",
      iss: TOKEN_ISSUER,
      aud: TOKEN_AUDIENCE,
      ver: 0,
      iat: NOW_S,
      exp: NOW_S + 30 * 24 * 3600,
    });
    expect(current(claims())).not.toBe(token);
    expect(verifyToken(current(claims()), NOW)).toEqual({ userId: USER_ID, kind: "user" });
  });

  const refused: Record<string, () => string> = {
    "an unknown kind": () => current(claims({ kind: "admin" })),
    "no kind": () => current(claims({ kind: undefined })),
    "another issuer": () => current(claims({ iss: "someone-else" })),
    "another audience": () => current(claims({ aud: "another-app" })),
    "no audience": () => current(claims({ aud: undefined })),
    "no version": () => current(claims({ ver: undefined })),
    "a negative version": () => current(claims({ ver: -1 })),
    "an unknown key id": () => forgeToken({ ...HS256, kid: "nope" }, claims(), SECRET),
    "the previous key's id over the current secret": () =>
      forgeToken({ ...HS256, kid: keyId(PREVIOUS) }, claims(), SECRET),
    "an unknown kind in the old format": () =>
      forgeToken(HS256, { userId: USER_ID, kind: "admin", iat: NOW_S, exp: NOW_S + 3600 }, SECRET),
    "the old format living longer than JWT_TTL_SECONDS": () =>
      forgeToken(HS256, { userId: USER_ID, kind: "user", iat: NOW_S, exp: NOW_S + 31 * 24 * 3600 }, SECRET),
    "the old format signed with the previous secret": () =>
      forgeToken(HS256, { userId: USER_ID, kind: "user", iat: NOW_S, exp: NOW_S + 3600 }, PREVIOUS),
  };
  for (const [what, make] of Object.entries(refused)) {
    it(`verifyToken – ${what} is null`, () => {
      expect(verifyToken(make(), NOW)).toBeNull();
    });
  }

  it("verifyToken – during a rotation a token signed with JWT_SECRET_PREVIOUS under its key id verifies", () => {
    expect(verifyToken(current(claims(), PREVIOUS), NOW)).toEqual({ userId: USER_ID, kind: "user" });
  });

  it("verifyToken – a token from before key ids (no iss, aud or ver) verifies under JWT_SECRET until it expires", () => {
    const old = forgeToken(HS256, { userId: USER_ID, kind: "guest", iat: NOW_S, exp: NOW_S + 3600 }, SECRET);
    expect(verifyToken(old, NOW)).toEqual({ userId: USER_ID, kind: "guest" });
    expect(verifyToken(old, NOW + 3600_000)).toBeNull();
  });

  it("GET /api/users/me – a token with an unknown kind is a 401 unauthorized (it was a user before)", async () => {
    const user = await createUser();
    const now = Math.floor(Date.now() / 1000);
    const admin = { userId: user.userId, kind: "admin", iat: now, exp: now + 3600 };
    for (const token of [current(claims(admin)), forgeToken(HS256, admin, SECRET)]) {
      expectError(
        await api()
          .get("/api/users/me")
          .set(...bearer(token)),
        401,
        "unauthorized",
      );
    }
    // The same token with a known kind is accepted, so the 401s are about the kind.
    await api()
      .get("/api/users/me")
      .set(...bearer(forgeToken(HS256, { ...admin, kind: "user" }, SECRET)))
      .expect(200);
  });

  it("signToken – a re-issued token keeps its version and first expiry; a fresh one does not", () => {
    const first = signToken({ userId: USER_ID, kind: "guest" }, NOW);
    const claimsOfFirst = verifyToken(first, NOW + 1000) ?? { userId: "", kind: "guest" };
    const again = signToken(claimsOfFirst, NOW + 86_400_000);
    expect(payloadOf(again).exp).toBe(payloadOf(first).exp);
    expect(payloadOf(again).iat).toBe(NOW_S + 86_400);
  });

  it("POST /api/events/:eventId/join/user – a returning guest's new token expires when the guest's first token does", async () => {
    const [first, second] = [await createEvent(await createHost()), await createEvent(await createHost())];
    const guest = await joinAsGuest(first._id, "Guest Ines").expect(201);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const rejoined = await api()
      .post(`/api/events/${second._id}/join/user`)
      .set(...bearer(guest.body.token))
      .send({})
      .expect(201);
    expect(payloadOf(rejoined.body.token).exp).toBe(payloadOf(guest.body.token).exp);
    expect(payloadOf(rejoined.body.token).iat).toBeGreaterThan(payloadOf(guest.body.token).iat);
  });
});
