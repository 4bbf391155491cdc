import { describe, expect, it } from "vitest";
import { joinAsUser } from "./support/factories";
import {
  api,
  bearer,
  createEvent,
  createHost,
  createUser,
  expectError,
  joinAsGuest,
  newObjectId,
  type TestUser,
} from "./support/harness";

const EMPTY_PROFILE = { bio: "", title: "", organization: "", profilePhoto: null, socialLinks: {} };

const FULL_PROFILE = {
  bio: "Orbital mechanics, mostly.",
  title: "Research Mathematician",
  organization: "NACA",
  profilePhoto: "https://avatars.example.com/kj.png",
  socialLinks: {
    linkedin: "https://www.linkedin.com/in/kj",
    github: "https://github.com/kj",
    other: [{ label: "Site", url: "https://kj.example.com/" }],
  },
};

function updateUser(user: Pick<TestUser, "token">, userId: string, body: unknown) {
  return api()
    .put(`/api/users/${userId}`)
    .set(...bearer(user.token))
    .send(body as object);
}

function getUser(viewer: Pick<TestUser, "token">, userId: string) {
  return api()
    .get(`/api/users/${userId}`)
    .set(...bearer(viewer.token));
}

describe("GET /api/users/:userId", () => {
  it("GET /api/users/:userId – your own id gives the full profile", async () => {
    const user = await createUser({ name: "Katherine Johnson" });
    const res = await api()
      .get(`/api/users/${user.userId}`)
      .set(...bearer(user.token));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      success: true,
      user: {
        _id: user.userId,
        name: "Katherine Johnson",
        email: user.email,
        authProvider: "local",
        profileVisibility: "event",
        isGuest: false,
        ...EMPTY_PROFILE,
      },
    });
  });

  it("GET /api/users/:userId – your own id in upper case is still you", async () => {
    const user = await createUser();
    const res = await api()
      .get(`/api/users/${user.userId.toUpperCase()}`)
      .set(...bearer(user.token))
      .expect(200);
    expect(res.body.user).toEqual({
      _id: user.userId,
      name: user.name,
      email: user.email,
      authProvider: "local",
      profileVisibility: "event",
      isGuest: false,
      ...EMPTY_PROFILE,
    });
  });

  it("GET /api/users/:userId – a user who shares no event with you: exactly _id and name", async () => {
    const viewer = await createUser({ name: "Viewer" });
    const other = await createUser({ name: "Dorothy Vaughan" });
    await updateUser(other, other.userId, FULL_PROFILE).expect(200);
    // Both in events, but not the same one.
    const host = await createHost();
    await joinAsUser(viewer, (await createEvent(host))._id).expect(201);
    await joinAsUser(other, (await createEvent(host))._id).expect(201);
    const res = await getUser(viewer, other.userId);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true, user: { _id: other.userId, name: "Dorothy Vaughan" } });
  });

  it("GET /api/users/:userId – a fellow participant sees the public profile, without the email", async () => {
    const host = await createHost();
    const event = await createEvent(host);
    const viewer = await createUser({ name: "Viewer" });
    const other = await createUser({ name: "Katherine Johnson" });
    await updateUser(other, other.userId, FULL_PROFILE).expect(200);
    expect((await getUser(viewer, other.userId).expect(200)).body.user).toEqual({
      _id: other.userId,
      name: "Katherine Johnson",
    });

    await joinAsUser(viewer, event._id).expect(201);
    await joinAsUser(other, event._id).expect(201);
    const res = await getUser(viewer, other.userId);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      success: true,
      user: { _id: other.userId, name: "Katherine Johnson", isGuest: false, ...FULL_PROFILE },
    });
  });

  it("GET /api/users/:userId – the host and a guest of the host's event see each other's public profile", async () => {
    const host = await createHost({ name: "Hana Host" });
    const event = await createEvent(host);
    const guest = await api()
      .post(`/api/events/${event._id}/join/guest`)
      .send({ name: "Guest Gia", title: "Designer", email: "gia@example.com" })
      .expect(201);

    const seenByHost = await getUser(host, guest.body.userId).expect(200);
    expect(seenByHost.body.user).toEqual({
      _id: guest.body.userId,
      name: "Guest Gia",
      ...EMPTY_PROFILE,
      isGuest: true,
      title: "Designer",
    });
    const seenByGuest = await getUser(guest.body, host.userId).expect(200);
    expect(seenByGuest.body.user).toEqual({ _id: host.userId, name: "Hana Host", isGuest: false, ...EMPTY_PROFILE });
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

describe("PUT /api/users/:userId", () => {
  it("PUT /api/users/:userId – the phone's sign-up step sets profilePhoto and answers the whole own profile", async () => {
    const user = await createUser({ name: "Mary Jackson" });
    const res = await updateUser(user, user.userId, {
      profilePhoto: "https://api.dicebear.com/9.x/thumbs/png?seed=mj",
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      success: true,
      user: {
        _id: user.userId,
        name: "Mary Jackson",
        email: user.email,
        authProvider: "local",
        profileVisibility: "event",
        isGuest: false,
        ...EMPTY_PROFILE,
        profilePhoto: "https://api.dicebear.com/9.x/thumbs/png?seed=mj",
      },
    });
  });

  it("PUT /api/users/:userId – the profile editor's body changes every field; GET gives it back", async () => {
    const user = await createUser({ name: "Katherine" });
    const email = `kj-${newObjectId()}@example.com`;
    const res = await updateUser(user, user.userId, {
      name: "Katherine Johnson",
      email,
      currentPassword: "correct horse battery",
      ...FULL_PROFILE,
    });
    expect(res.status).toBe(200);
    const expected = {
      _id: user.userId,
      name: "Katherine Johnson",
      email,
      authProvider: "local",
      profileVisibility: "event",
      isGuest: false,
      ...FULL_PROFILE,
    };
    expect(res.body).toEqual({ success: true, user: expected });
    expect((await getUser(user, user.userId).expect(200)).body.user).toEqual(expected);
    // The new email is the login now; the old one is not.
    await api().post("/api/auth/login").send({ email, password: "correct horse battery" }).expect(200);
    expectError(
      await api().post("/api/auth/login").send({ email: user.email, password: "correct horse battery" }),
      401,
      "invalid_credentials",
    );
  });

  it("PUT /api/users/:userId – partial: fields left out are kept; null or an empty string clears one", async () => {
    const user = await createUser({ name: "Partial Pat" });
    await updateUser(user, user.userId, FULL_PROFILE).expect(200);
    const res = await updateUser(user, user.userId, {
      bio: null,
      title: "",
      socialLinks: { github: "https://github.com/pat" },
    });
    expect(res.status).toBe(200);
    expect(res.body.user).toEqual({
      _id: user.userId,
      name: "Partial Pat",
      email: user.email,
      authProvider: "local",
      profileVisibility: "event",
      isGuest: false,
      bio: "",
      title: "",
      organization: "NACA",
      profilePhoto: FULL_PROFILE.profilePhoto,
      socialLinks: { github: "https://github.com/pat" },
    });
    const cleared = await updateUser(user, user.userId, { socialLinks: null, profilePhoto: null }).expect(200);
    expect(cleared.body.user).toMatchObject({ profilePhoto: null, socialLinks: {}, organization: "NACA" });
    const untouched = await updateUser(user, user.userId, {}).expect(200);
    expect(untouched.body.user).toEqual(cleared.body.user);
  });

  it("PUT /api/users/:userId – an email another account has (any case) is a 409 email_taken and changes nothing", async () => {
    const taken = await createUser();
    const user = await createUser({ name: "Copy Cat" });
    const res = await updateUser(user, user.userId, {
      email: taken.email.toUpperCase(),
      currentPassword: "correct horse battery",
      bio: "new bio",
    });
    expectError(res, 409, "email_taken");
    expect((await getUser(user, user.userId).expect(200)).body.user).toMatchObject({ email: user.email, bio: "" });
  });

  it("PUT /api/users/:userId – changing the case of your own email is allowed", async () => {
    const user = await createUser();
    const res = await updateUser(user, user.userId, { email: user.email.toUpperCase() }).expect(200);
    expect(res.body.user.email).toBe(user.email.toUpperCase());
  });

  it("PUT /api/users/:userId – a guest can fill in a profile; a guest's email never becomes a login", async () => {
    const event = await createEvent(await createHost());
    const guest = await joinAsGuest(event._id, "Guest Gabi").expect(201);
    const registered = await createUser();
    const res = await updateUser(guest.body, guest.body.userId, { email: registered.email, organization: "Acme" });
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({
      isGuest: true,
      authProvider: "guest",
      profileVisibility: "event",
      email: registered.email,
      organization: "Acme",
    });
    await api()
      .post("/api/auth/login")
      .send({ email: registered.email, password: "correct horse battery" })
      .expect(200);
  });

  it("PUT /api/users/:userId – someone else's profile is a 403 forbidden and unchanged", async () => {
    const user = await createUser({ name: "Owner Ola" });
    const other = await createUser();
    expectError(await updateUser(other, user.userId, { name: "Hijacked" }), 403, "forbidden");
    expectError(await updateUser(other, newObjectId(), { name: "Nobody" }), 403, "forbidden");
    expect((await getUser(user, user.userId).expect(200)).body.user.name).toBe("Owner Ola");
  });

  it("PUT /api/users/:userId – invalid fields are a 400 listing each one, and nothing is stored", async () => {
    const user = await createUser({ name: "Valid Val" });
    const res = await updateUser(user, user.userId, {
      name: "",
      email: "not-an-email",
      profilePhoto: "javascript:alert(1)",
      bio: { $gt: "" },
      socialLinks: { linkedin: "ftp://example.com", other: [{ label: "", url: "https://example.com" }] },
    });
    expectError(res, 400, "invalid_input");
    expect([...new Set(res.body.issues.map((issue: { path: string }) => issue.path))].sort()).toEqual([
      "bio",
      "email",
      "name",
      "profilePhoto",
      "socialLinks.linkedin",
      "socialLinks.other.0.label",
    ]);
    expect((await getUser(user, user.userId).expect(200)).body.user).toMatchObject({
      name: "Valid Val",
      ...EMPTY_PROFILE,
    });
  });

  it("PUT /api/users/:userId – no token is a 401 unauthorized", async () => {
    const user = await createUser();
    expectError(await api().put(`/api/users/${user.userId}`).send({ bio: "x" }), 401, "unauthorized");
  });
});
