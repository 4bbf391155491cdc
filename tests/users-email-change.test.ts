import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { api, bearer, createUser, expectError, newObjectId, type TestUser } from "./support/harness";

// A registered account's email is its login: changing it needs the current password (a stolen
// token alone cannot take the account over), and attempts are limited per account and per IP, so
// `email_taken` cannot be used to mark which addresses are registered.

const PASSWORD = "correct horse battery";
const CHANGES_PER_USER = 5;
const CHANGES_PER_IP = 30;

let ips = 0;
function freshIp(): string {
  ips++;
  return `192.0.2.${ips}`;
}

function changeEmail(user: TestUser, body: Record<string, unknown>, ip = freshIp()) {
  return api()
    .put(`/api/users/${user.userId}`)
    .set("X-Real-IP", ip)
    .set(...bearer(user.token))
    .send(body);
}

async function storedEmail(user: TestUser): Promise<string> {
  const res = await api()
    .get(`/api/users/${user.userId}`)
    .set(...bearer(user.token))
    .expect(200);
  return res.body.user.email;
}

describe("PUT /api/users/:userId – email changes", () => {
  // The limits count in hour windows: on the real clock a run across an hour's end would see the
  // counts start over, so the clock stands still mid-window. Every account, and so every token, is
  // made inside a test, under the same clock.
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.UTC(2030, 2, 10, 14, 30, 0));
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("PUT /api/users/:userId – a new email without currentPassword, or with a wrong one, is a 401 invalid_credentials and changes nothing", async () => {
    const user = await createUser({ password: PASSWORD });
    const email = `new-${newObjectId()}@example.com`;
    for (const body of [
      { email, bio: "new bio" },
      { email, currentPassword: "not the password" },
    ]) {
      expectError(await changeEmail(user, body), 401, "invalid_credentials");
    }
    expect(await storedEmail(user)).toBe(user.email);
    expectError(await api().post("/api/auth/login").send({ email, password: PASSWORD }), 401, "invalid_credentials");
  });

  it("PUT /api/users/:userId – a taken email without the password is a 401, not a 409: no oracle for registered addresses", async () => {
    const taken = await createUser();
    const user = await createUser({ password: PASSWORD });
    expectError(await changeEmail(user, { email: taken.email }), 401, "invalid_credentials");
    expectError(await changeEmail(user, { email: taken.email, currentPassword: PASSWORD }), 409, "email_taken");
  });

  it(`PUT /api/users/:userId – attempt ${CHANGES_PER_USER + 1} at a new email for one account within the hour is a 429, from any IP`, async () => {
    const user = await createUser({ password: PASSWORD });
    for (let i = 0; i < CHANGES_PER_USER; i++) {
      expectError(
        await changeEmail(user, { email: `probe-${i}-${newObjectId()}@example.com` }),
        401,
        "invalid_credentials",
      );
    }
    const limited = await changeEmail(user, { email: `late-${newObjectId()}@example.com`, currentPassword: PASSWORD });
    expectError(limited, 429, "rate_limited");
    expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);
    // Other fields still change.
    expect((await changeEmail(user, { bio: "still editable" })).status).toBe(200);
  });

  it(`PUT /api/users/:userId – attempt ${CHANGES_PER_IP + 1} at a new email from one IP within the hour is a 429, whatever the account`, async () => {
    const ip = freshIp();
    const users = await Promise.all(Array.from({ length: 7 }, () => createUser({ password: PASSWORD })));
    for (let i = 0; i < CHANGES_PER_IP; i++) {
      const user = users[i % users.length] as TestUser;
      expectError(
        await changeEmail(user, { email: `probe-${i}-${newObjectId()}@example.com` }, ip),
        401,
        "invalid_credentials",
      );
    }
    expectError(
      await changeEmail(users[6] as TestUser, { email: `x-${newObjectId()}@example.com` }, ip),
      429,
      "rate_limited",
    );
  });

  it("PUT /api/users/:userId – with the current password the email changes and becomes the login", async () => {
    const user = await createUser({ password: PASSWORD });
    const email = `moved-${newObjectId()}@example.com`;
    expect((await changeEmail(user, { email, currentPassword: PASSWORD })).status).toBe(200);
    expect(await storedEmail(user)).toBe(email);
    await api().post("/api/auth/login").send({ email, password: PASSWORD }).expect(200);
  });
});
