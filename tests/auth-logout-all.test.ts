import mongoose from "mongoose";
import { describe, expect, it } from "vitest";
import { forgetTokenVersions } from "../src/auth/tokens";
import { User } from "../src/models/user";
import {
  api,
  bearer,
  countCommands,
  createEvent,
  createHost,
  createUser,
  expectError,
  joinAsGuest,
} from "./support/harness";

// POST /api/auth/logout-all revokes every token the account had; other instances learn of it
// within TOKEN_VERSION_TTL_MS (here: as a fresh instance, by forgetting what this one remembers).

const PASSWORD = "correct horse battery";

function me(token: string) {
  return api()
    .get("/api/users/me")
    .set(...bearer(token));
}

function logoutAll(token: string) {
  return api()
    .post("/api/auth/logout-all")
    .set(...bearer(token));
}

async function login(email: string): Promise<string> {
  return (await api().post("/api/auth/login").send({ email, password: PASSWORD }).expect(200)).body.token;
}

describe("POST /api/auth/logout-all", () => {
  it("POST /api/auth/logout-all – every token issued before it is a 401 unauthorized; the new one and later sign-ins work", async () => {
    const user = await createUser({ password: PASSWORD });
    const phone = await login(user.email);
    await me(phone).expect(200);

    const res = await logoutAll(user.token).expect(200);
    expect(res.body).toEqual({
      success: true,
      message: "Signed out everywhere else.",
      userId: user.userId,
      token: expect.any(String),
    });
    for (const revoked of [user.token, phone]) {
      expectError(await me(revoked), 401, "unauthorized");
      expectError(
        await api()
          .post("/api/events/createEvent")
          .set(...bearer(revoked))
          .send({ name: "Late" }),
        401,
        "unauthorized",
      );
    }
    await me(res.body.token).expect(200);
    await me(await login(user.email)).expect(200);
  });

  it("POST /api/auth/logout-all – revocation reaches an instance that had not heard of it (one read of the account there)", async () => {
    const user = await createUser({ password: PASSWORD });
    const phone = await login(user.email);
    // Done elsewhere: the account's version goes up without this instance knowing.
    await User.updateOne({ _id: new mongoose.Types.ObjectId(user.userId) }, { $inc: { tokenVersion: 1 } });
    forgetTokenVersions();
    const { result, commands } = await countCommands(() => me(phone));
    expectError(result, 401, "unauthorized");
    expect(commands).toEqual(["find"]);
  });

  it("GET /api/users/me – a token of the current version costs one read once per instance, then none", async () => {
    const user = await createUser({ password: PASSWORD });
    forgetTokenVersions();
    const first = await countCommands(() => me(user.token));
    const second = await countCommands(() => me(user.token));
    expect(first.result.status).toBe(200);
    expect(first.commands.length - second.commands.length).toBe(1);
  });

  it("POST /api/auth/logout-all – a guest's new token keeps the guest's first expiry; the old one is a 401", async () => {
    const event = await createEvent(await createHost());
    const guest = (await joinAsGuest(event._id, "Guest Gus").expect(201)).body;
    const res = await logoutAll(guest.token).expect(200);
    const exp = (token: string) => JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString()).exp;
    expect(exp(res.body.token)).toBe(exp(guest.token));
    expectError(await me(guest.token), 401, "unauthorized");
    await me(res.body.token).expect(200);
  });

  it("POST /api/auth/logout-all – without a token is a 401 unauthorized", async () => {
    expectError(await api().post("/api/auth/logout-all"), 401, "unauthorized");
  });
});
