import { describe, expect, it } from "vitest";
import { api, bearer, createUser, expectError, withoutRequestId } from "./support/harness";

const PASSWORD = "correct horse battery";

describe("POST /api/auth/login", () => {
  it("POST /api/auth/login – the right email and password give 200 with userId and a working token", async () => {
    const user = await createUser({ password: PASSWORD });
    const res = await api().post("/api/auth/login").send({ email: user.email, password: PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      success: true,
      message: expect.any(String),
      userId: user.userId,
      token: expect.any(String),
    });

    const me = await api()
      .get("/api/users/me")
      .set(...bearer(res.body.token))
      .expect(200);
    expect(me.body.user._id).toBe(user.userId);
  });

  it("POST /api/auth/login – the email matches whatever its case", async () => {
    const user = await createUser({ email: `Mixed.Case-${Date.now()}@Example.COM`, password: PASSWORD });
    const upper = await api()
      .post("/api/auth/login")
      .send({ email: user.email.toUpperCase(), password: PASSWORD })
      .expect(200);
    expect(upper.body.userId).toBe(user.userId);
    const lower = await api()
      .post("/api/auth/login")
      .send({ email: user.email.toLowerCase(), password: PASSWORD })
      .expect(200);
    expect(lower.body.userId).toBe(user.userId);
  });

  it("POST /api/auth/login – an unknown email and a wrong password get the same 401 body", async () => {
    const user = await createUser({ password: PASSWORD });
    const wrongPassword = await api().post("/api/auth/login").send({ email: user.email, password: "not the password" });
    const unknownEmail = await api()
      .post("/api/auth/login")
      .send({ email: `nobody-${Date.now()}@example.com`, password: PASSWORD });

    expectError(wrongPassword, 401, "invalid_credentials");
    expectError(unknownEmail, 401, "invalid_credentials");
    expect(withoutRequestId(unknownEmail.body)).toEqual(withoutRequestId(wrongPassword.body));
  });

  it("POST /api/auth/login – a password that is right for another account is a 401", async () => {
    const alice = await createUser({ password: "alice-password" });
    await createUser({ password: "bob-password" });
    expectError(
      await api().post("/api/auth/login").send({ email: alice.email, password: "bob-password" }),
      401,
      "invalid_credentials",
    );
  });

  it("POST /api/auth/login – operator objects in email or password are a 400, never a login", async () => {
    const user = await createUser({ password: PASSWORD });
    const passwordOperator = await api()
      .post("/api/auth/login")
      .send({ email: user.email, password: { $gt: "" } });
    expectError(passwordOperator, 400, "invalid_input");
    expect(passwordOperator.body.issues.map((issue: { path: string }) => issue.path)).toEqual(["password"]);

    const emailOperator = await api()
      .post("/api/auth/login")
      .send({ email: { $ne: null }, password: PASSWORD });
    expectError(emailOperator, 400, "invalid_input");
    expect(emailOperator.body.issues.map((issue: { path: string }) => issue.path)).toEqual(["email"]);
  });

  it("POST /api/auth/login – missing fields are a 400 listing both", async () => {
    const res = await api().post("/api/auth/login").send({});
    expectError(res, 400, "invalid_input");
    expect(res.body.issues.map((issue: { path: string }) => issue.path).sort()).toEqual(["email", "password"]);
  });
});
