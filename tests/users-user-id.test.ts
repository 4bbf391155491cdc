import { describe, expect, it } from "vitest";
import { api, bearer, createUser, expectError, newObjectId } from "./support/harness";

describe("GET /api/users/:userId", () => {
  it("GET /api/users/:userId – your own id gives the full profile", async () => {
    const user = await createUser({ name: "Katherine Johnson" });
    const res = await api()
      .get(`/api/users/${user.userId}`)
      .set(...bearer(user.token));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      success: true,
      user: { _id: user.userId, name: "Katherine Johnson", email: user.email, authProvider: "local" },
    });
  });

  it("GET /api/users/:userId – your own id in upper case is still you", async () => {
    const user = await createUser();
    const res = await api()
      .get(`/api/users/${user.userId.toUpperCase()}`)
      .set(...bearer(user.token))
      .expect(200);
    expect(res.body.user).toEqual({ _id: user.userId, name: user.name, email: user.email, authProvider: "local" });
  });

  it("GET /api/users/:userId – another user's id gives exactly _id and name", async () => {
    const viewer = await createUser({ name: "Viewer" });
    const other = await createUser({ name: "Dorothy Vaughan" });
    const res = await api()
      .get(`/api/users/${other.userId}`)
      .set(...bearer(viewer.token));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true, user: { _id: other.userId, name: "Dorothy Vaughan" } });
  });

  it("GET /api/users/:userId – an unknown id is a 404 not_found", async () => {
    const viewer = await createUser();
    expectError(
      await api()
        .get(`/api/users/${newObjectId()}`)
        .set(...bearer(viewer.token)),
      404,
      "not_found",
    );
  });

  it("GET /api/users/:userId – a malformed id is a 400, never a 500", async () => {
    const viewer = await createUser();
    for (const id of [
      "not-an-id",
      "123",
      `${newObjectId()}0`,
      "zzzzzzzzzzzzzzzzzzzzzzzz",
      "%7B%22%24gt%22%3A%22%22%7D",
    ]) {
      const res = await api()
        .get(`/api/users/${id}`)
        .set(...bearer(viewer.token));
      expectError(res, 400, "invalid_input");
      expect(res.body.issues.map((issue: { path: string }) => issue.path)).toEqual(["userId"]);
    }
  });

  it("GET /api/users/:userId – no token is a 401 unauthorized", async () => {
    const user = await createUser();
    expectError(await api().get(`/api/users/${user.userId}`), 401, "unauthorized");
  });
});
