import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { api, createUser, expectError } from "./support/harness";

// The login limits at their defaults (10 failures per email and IP in 10 minutes, 100 per email in
// an hour): strangers' failures never lock the owner out (docs/security.md, "Sign-in limits").

const PASSWORD = "correct horse battery";
const PER_EMAIL_AND_IP = 10;

let ips = 0;
/** An address no other test in this file has used (TEST-NET-3). */
function freshIp(): string {
  ips++;
  return `203.0.113.${ips}`;
}

function login(ip: string, email: string, password: string) {
  return api().post("/api/auth/login").set("X-Real-IP", ip).send({ email, password });
}

// The limits count in fixed windows (ten minutes, an hour): on the real clock a test that runs
// across a window's end sees its counts start over, so the clock stands still mid-window.
const FROZEN_AT = Date.UTC(2030, 0, 15, 12, 5, 0);

describe("POST /api/auth/login – lock-out by strangers", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(FROZEN_AT);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("POST /api/auth/login – a stranger with twelve IPs and 120 wrong logins cannot make the owner's correct login fail from another IP", async () => {
    const owner = await createUser({ password: PASSWORD });
    const strangers = Array.from({ length: 12 }, freshIp);
    const answers: number[] = [];
    for (const ip of strangers) {
      for (let i = 0; i < PER_EMAIL_AND_IP; i++) answers.push((await login(ip, owner.email, `guess ${i}`)).status);
    }
    // The first 100 are checked and wrong; past the email's ceiling each new IP gets one guess.
    expect(answers.filter((status) => status === 401)).toHaveLength(102);
    expect(answers.filter((status) => status === 429)).toHaveLength(18);
    // Each stranger's own address is spent for this email, right password or not…
    expectError(await login(strangers[0] ?? "", owner.email, PASSWORD), 429, "rate_limited");
    // …while the owner, from anywhere else, signs in.
    const res = await login(freshIp(), owner.email, PASSWORD);
    expect(res.status).toBe(200);
    expect(res.body.userId).toBe(owner.userId);
  });

  it("POST /api/auth/login – past 100 failures for an email in the hour, a new IP gets one wrong guess, then 429; the owner still signs in", async () => {
    const owner = await createUser({ password: PASSWORD });
    for (let ip = 0; ip < 10; ip++) {
      const from = freshIp();
      for (let i = 0; i < PER_EMAIL_AND_IP; i++) await login(from, owner.email, `guess ${i}`);
    }
    const late = freshIp();
    expectError(await login(late, owner.email, "one more guess"), 401, "invalid_credentials");
    expectError(await login(late, owner.email, "and another"), 429, "rate_limited");
    expect((await login(freshIp(), owner.email, PASSWORD)).status).toBe(200);
  });

  it("POST /api/auth/login – successful sign-ins are not counted: the owner signs in 15 times from one IP", async () => {
    const owner = await createUser({ password: PASSWORD });
    const ip = freshIp();
    for (let i = 0; i < PER_EMAIL_AND_IP + 5; i++) expect((await login(ip, owner.email, PASSWORD)).status).toBe(200);
  });
});
