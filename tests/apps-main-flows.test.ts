import PusherJS from "pusher-js";
import { afterAll, describe, expect, it } from "vitest";
import { dashboardGrid } from "./support/bingo-grids";
import { api, bearer, pusherServer } from "./support/harness";

// The main flows of the Shatter host dashboard (web) and mobile app (Expo), the backend's real
// clients: every call they make, in their order, with the fields they read and the values they
// compare (`currentState` in their words "Upcoming" / "In Progress" / "Completed", `isGuest`,
// `gameType: "Name Bingo"`, bare arrays for the leaderboard and the people met); realtime through
// a real pusher-js client bound like theirs. docs/api.md lists the routes and shapes they rely on.

const TEST_KEY = "shatter-test-key"; // tests/support/setup.ts
const clients: PusherJS[] = [];

afterAll(() => {
  for (const client of clients) client.disconnect();
});

/** A pusher-js client bound to `names` on `event-<eventId>`, as the apps bind them. */
async function listen(eventId: string, names: string[]) {
  const client = new PusherJS(TEST_KEY, {
    cluster: "local",
    wsHost: "127.0.0.1",
    wsPort: pusherServer().port,
    forceTLS: false,
    enabledTransports: ["ws"],
    disableStats: true,
  });
  clients.push(client);
  const channel = client.subscribe(`event-${eventId}`);
  const received: { name: string; data: Record<string, unknown> }[] = [];
  for (const name of names) channel.bind(name, (data: Record<string, unknown>) => received.push({ name, data }));
  await new Promise<void>((resolve) => channel.bind("pusher:subscription_succeeded", () => resolve()));
  /** Resolves once `count` messages have arrived (the test's timeout bounds the wait). */
  const waitFor = async (count: number) => {
    while (received.length < count) await new Promise((resolve) => setTimeout(resolve, 20));
    return received;
  };
  return { received, waitFor };
}

/** The `userId` claim of a JWT, decoded as the dashboard does (no verification, just base64url). */
function jwtUserId(token: string): unknown {
  const payload = token.split(".")[1] ?? "";
  return JSON.parse(Buffer.from(payload, "base64url").toString("utf8")).userId;
}

function uniqueEmail(who: string): string {
  return `${who}-${Date.now()}-${Math.random().toString(16).slice(2)}@example.com`;
}

describe("host dashboard", () => {
  it("host dashboard – sign up, create with a grid, live page, start and end with the buttons' words, bingo editor", async () => {
    // sign up / log in: `token`, whose JWT `userId` claim identifies the host.
    const signup = await api()
      .post("/api/auth/signup")
      .send({ name: "Dash Host", email: uniqueEmail("dash"), password: "correct horse battery" })
      .expect(201);
    const token: string = signup.body.token;
    const hostId = jwtUserId(token);
    expect(hostId).toBe(signup.body.userId);

    // create event, the dashboard's body: `success`, `event._id`, `event.joinCode`.
    const created = await api()
      .post("/api/events/createEvent")
      .set(...bearer(token))
      .send({
        name: "Dashboard Night",
        description: "Meet people",
        startDate: "2030-06-01T18:00:00.000Z",
        endDate: "2030-06-01T21:00:00.000Z",
        maxParticipant: 25,
        currentState: "Upcoming",
        gameType: "Name Bingo",
      })
      .expect(201);
    expect(created.body.success).toBe(true);
    const eventId: string = created.body.event._id;
    const joinCode: string = created.body.event.joinCode;

    // create with a bingo grid: `success` / `ok`, `bingo`.
    const bingo = await api()
      .post("/api/bingo/createBingo")
      .set(...bearer(token))
      .send({ _eventId: eventId, description: "Find them all", grid: dashboardGrid(3) });
    expect(bingo.ok && bingo.body.success).toBe(true);
    expect(bingo.body.bingo).toMatchObject({ grid: dashboardGrid(3), description: "Find them all" });

    // bingo editor: `bingo.grid[][]`, `bingo.description`; save with updateBingo: `success`.
    const editor = await api().get(`/api/bingo/getBingo/${eventId}`).expect(200);
    expect(editor.body.bingo.grid).toEqual(dashboardGrid(3));
    expect(editor.body.bingo.description).toBe("Find them all");
    const saved = await api()
      .put("/api/bingo/updateBingo")
      .set(...bearer(token))
      .send({ id: eventId, description: "Find them all, twice", grid: dashboardGrid(4, "v2") })
      .expect(200);
    expect(saved.body.success).toBe(true);

    // host's live page: the fields it reads; Start enabled, End not; the host is the creator.
    const live = await listen(eventId, ["participant-joined"]);
    const page = await api().get(`/api/events/event/${joinCode}`).expect(200);
    expect(page.body.event).toMatchObject({
      _id: eventId,
      name: "Dashboard Night",
      description: "Meet people",
      joinCode,
      startDate: "2030-06-01T18:00:00.000Z",
      endDate: "2030-06-01T21:00:00.000Z",
      maxParticipant: 25,
      currentState: "Upcoming",
      participantIds: [],
      createdBy: hostId,
    });
    const guest = await api().post(`/api/events/${eventId}/join/guest`).send({ name: "Walk-in Wendy" }).expect(201);
    expect(await live.waitFor(1)).toEqual([
      {
        name: "participant-joined",
        data: { participantId: guest.body.participant._id, name: "Walk-in Wendy", seq: expect.any(Number) },
      },
    ]);
    const lobby = await api().get(`/api/events/event/${joinCode}`).expect(200);
    expect(lobby.body.event.participantIds).toEqual([
      { _id: guest.body.participant._id, name: "Walk-in Wendy", userId: guest.body.userId },
    ]);

    // start / end with the dashboard's words: `ok`, then it re-reads the event.
    const start = await api()
      .put(`/api/events/${eventId}/status`)
      .set(...bearer(token))
      .send({ status: "In Progress" });
    expect(start.ok).toBe(true);
    expect((await api().get(`/api/events/event/${joinCode}`).expect(200)).body.event.currentState).toBe("In Progress");
    const end = await api()
      .put(`/api/events/${eventId}/status`)
      .set(...bearer(token))
      .send({ status: "Completed" });
    expect(end.ok).toBe(true);
    expect((await api().get(`/api/events/event/${joinCode}`).expect(200)).body.event.currentState).toBe("Completed");
  });
});

describe("mobile app", () => {
  it("mobile app – sign up with an avatar, log in, read and edit the profile", async () => {
    const email = uniqueEmail("phone");
    const signup = await api()
      .post("/api/auth/signup")
      .send({ name: "Phone Pat", email, password: "correct horse battery" })
      .expect(201);
    const { userId, token } = signup.body as { userId: string; token: string };
    // The sign-up step that used to fail with "Info update failed.".
    const avatar = `https://api.dicebear.com/9.x/thumbs/png?seed=${userId}`;
    await api()
      .put(`/api/users/${userId}`)
      .set(...bearer(token))
      .send({ profilePhoto: avatar })
      .expect(200);

    const login = await api().post("/api/auth/login").send({ email, password: "correct horse battery" }).expect(200);
    const me = await api()
      .get(`/api/users/${login.body.userId}`)
      .set(...bearer(login.body.token))
      .expect(200);
    expect(me.body.user).toEqual({
      _id: userId,
      name: "Phone Pat",
      email,
      authProvider: "local",
      profileVisibility: "event",
      isGuest: false,
      socialLinks: {},
      organization: "",
      title: "",
      profilePhoto: avatar,
      bio: "",
    });

    const edited = await api()
      .put(`/api/users/${userId}`)
      .set(...bearer(token))
      .send({
        name: "Pat Phone",
        email,
        bio: "Here to meet people",
        profilePhoto: avatar,
        socialLinks: { linkedin: "https://linkedin.com/in/pat", github: "", other: [] },
        organization: "Shatter",
        title: "Tester",
      })
      .expect(200);
    expect(edited.body.user).toMatchObject({
      name: "Pat Phone",
      bio: "Here to meet people",
      socialLinks: { linkedin: "https://linkedin.com/in/pat" },
      organization: "Shatter",
      title: "Tester",
    });
  });

  it("mobile app – join by code as user and as guest, lobby → game → done on `event`, game page, bingo card", async () => {
    const host = await api()
      .post("/api/auth/signup")
      .send({ name: "Host Hal", email: uniqueEmail("hal"), password: "correct horse battery" })
      .expect(201);
    const created = await api()
      .post("/api/events/createEvent")
      .set(...bearer(host.body.token))
      .send({ name: "Phone Night", description: "Bring your phone", currentState: "Upcoming", gameType: "Name Bingo" })
      .expect(201);
    const first = await api()
      .post("/api/events/createEvent")
      .set(...bearer(host.body.token))
      .send({ name: "Earlier Night" })
      .expect(201);

    // join by code: `event._id`, `currentState` (not "Completed"), `gameType`.
    const byCode = await api().get(`/api/events/event/${created.body.event.joinCode}`).expect(200);
    const eventId: string = byCode.body.event._id;
    expect(byCode.body.event.currentState).not.toBe("Completed");
    expect(byCode.body.event.gameType).toBe("Name Bingo");

    // join as user: `participant._id`.
    const member = await api()
      .post("/api/auth/signup")
      .send({ name: "Member Mo", email: uniqueEmail("mo"), password: "correct horse battery" })
      .expect(201);
    const asUser = await api()
      .post(`/api/events/${eventId}/join/user`)
      .set(...bearer(member.body.token))
      .send({ userId: member.body.userId, name: "Member Mo" })
      .expect(201);
    expect(asUser.body.participant._id).toMatch(/^[0-9a-f]{24}$/);

    // join as guest with the app's profile fields: `participant._id`, `userId`, `token`.
    const asGuest = await api()
      .post(`/api/events/${first.body.event._id}/join/guest`)
      .send({
        name: "Guest Gil",
        socialLinks: { other: [{ label: "Portfolio", url: "https://gil.example.com" }] },
        organization: "Acme",
        title: "Designer",
      })
      .expect(201);
    expect(asGuest.body).toMatchObject({
      participant: { _id: expect.any(String) },
      userId: expect.any(String),
      token: expect.any(String),
    });
    // A returning guest joins this event through join/user and stores the token it gets back.
    const returning = await api()
      .post(`/api/events/${eventId}/join/user`)
      .set(...bearer(asGuest.body.token))
      .send({ userId: asGuest.body.userId, name: "Guest Gil" })
      .expect(201);
    expect(jwtUserId(returning.body.token)).toBe(asGuest.body.userId);

    // lobby → game → done: the `event` message's `status` in the apps' words.
    const lobby = await listen(eventId, ["event"]);
    await api()
      .post(`/api/events/${eventId}/start`)
      .set(...bearer(host.body.token))
      .expect(200);

    // game page: `event.name, description, _id, gameType`; bingo card: `bingo.grid` 2-D.
    const game = await api().get(`/api/events/${eventId}`).expect(200);
    expect(game.body.event).toMatchObject({
      _id: eventId,
      name: "Phone Night",
      description: "Bring your phone",
      gameType: "Name Bingo",
    });
    const card = await api()
      .get(`/api/bingo/getBingo/${eventId}`)
      .set(...bearer(returning.body.token))
      .expect(200);
    expect(card.body.bingo.grid).toHaveLength(5);
    for (const row of card.body.bingo.grid) expect(row).toHaveLength(5);

    await api()
      .put(`/api/events/${eventId}/status`)
      .set(...bearer(host.body.token))
      .send({ status: "ended" })
      .expect(200);
    expect((await lobby.waitFor(2)).map(({ data }) => data.status)).toEqual(["In Progress", "Completed"]);
  });

  it("mobile app – the Events tab lists the events joined, with the app's own participant in participantIds", async () => {
    const host = await api()
      .post("/api/auth/signup")
      .send({ name: "Host Tab", email: uniqueEmail("tab-host"), password: "correct horse battery" })
      .expect(201);
    const member = await api()
      .post("/api/auth/signup")
      .send({ name: "Tab Tess", email: uniqueEmail("tess"), password: "correct horse battery" })
      .expect(201);
    const joinedIds: string[] = [];
    for (const name of ["Monday Meetup", "Friday Mixer"]) {
      const created = await api()
        .post("/api/events/createEvent")
        .set(...bearer(host.body.token))
        .send({ name, currentState: "Upcoming", gameType: "Name Bingo" })
        .expect(201);
      await api()
        .post(`/api/events/${created.body.event._id}/join/user`)
        .set(...bearer(member.body.token))
        .send({ userId: member.body.userId, name: "Tab Tess" })
        .expect(201);
      joinedIds.unshift(created.body.event._id);
    }

    // Events tab: `events[]` with the fields the cards read; the newest event first.
    const tab = await api()
      .get(`/api/users/${member.body.userId}/events`)
      .set(...bearer(member.body.token))
      .expect(200);
    expect(tab.body.success).toBe(true);
    expect(tab.body.events.map((event: { _id: string }) => event._id)).toEqual(joinedIds);
    for (const event of tab.body.events) {
      expect(event).toMatchObject({
        name: expect.any(String),
        description: expect.any(String),
        joinCode: expect.any(String),
        currentState: "Upcoming",
        gameType: "Name Bingo",
      });
      expect(event).toHaveProperty("startDate");
      expect(event).toHaveProperty("endDate");
      expect(event.participantIds).toContainEqual({
        _id: expect.any(String),
        userId: member.body.userId,
        name: "Tab Tess",
      });
    }
  });
});

describe("host dashboard – my events", () => {
  it("host dashboard – list my events, edit one, delete one; the phones hear participant-left and event-deleted", async () => {
    const signup = await api()
      .post("/api/auth/signup")
      .send({ name: "List Host", email: uniqueEmail("list"), password: "correct horse battery" })
      .expect(201);
    const token: string = signup.body.token;
    const hostId = jwtUserId(token);

    // list my events before any: the dashboard reads `success` and `events` (a 404 would be "none").
    const empty = await api()
      .get(`/api/events/createdEvents/user/${hostId}`)
      .set(...bearer(token))
      .expect(200);
    expect(empty.body).toMatchObject({ success: true, events: [] });

    const created = await api()
      .post("/api/events/createEvent")
      .set(...bearer(token))
      .send({ name: "To edit", description: "", maxParticipant: 10, currentState: "Upcoming", gameType: "Name Bingo" })
      .expect(201);
    const eventId: string = created.body.event._id;
    const guest = await api().post(`/api/events/${eventId}/join/guest`).send({ name: "Phone Pat" }).expect(201);

    const list = await api()
      .get(`/api/events/createdEvents/user/${hostId}`)
      .set(...bearer(token))
      .expect(200);
    expect(list.body.success).toBe(true);
    const [listed] = list.body.events;
    for (const field of ["_id", "name", "description", "joinCode", "startDate", "endDate", "currentState"]) {
      expect(listed).toHaveProperty(field);
    }
    expect(listed).toMatchObject({
      _id: eventId,
      maxParticipant: 10,
      createdBy: hostId,
      participantIds: [{ _id: guest.body.participant._id, name: "Phone Pat", userId: guest.body.userId }],
    });

    // edit event: the dashboard's body; it reads `ok`.
    const edit = await api()
      .put(`/api/events/${eventId}`)
      .set(...bearer(token))
      .send({
        name: "Edited Night",
        description: "Now with snacks",
        startDate: "2030-07-01T18:00:00.000Z",
        endDate: "2030-07-01T22:00:00.000Z",
        maxParticipant: 12,
      });
    expect(edit.ok).toBe(true);
    const reread = await api().get(`/api/events/event/${created.body.event.joinCode}`).expect(200);
    expect(reread.body.event).toMatchObject({
      name: "Edited Night",
      description: "Now with snacks",
      maxParticipant: 12,
    });

    // The phone leaves; then the host deletes the event; a pusher-js client hears both.
    const phone = await listen(eventId, ["participant-left", "event-deleted"]);
    await api()
      .post(`/api/events/${eventId}/leave`)
      .set(...bearer(guest.body.token))
      .expect(200);
    const removal = await api()
      .delete(`/api/events/${eventId}`)
      .set(...bearer(token));
    expect(removal.ok).toBe(true);
    const heard = await phone.waitFor(2);
    expect(heard.map(({ name, data: { seq, ...payload } }) => ({ name, payload, seq: typeof seq }))).toEqual([
      {
        name: "participant-left",
        payload: { participantId: guest.body.participant._id, name: "Phone Pat", reason: "left" },
        seq: "number",
      },
      { name: "event-deleted", payload: { eventId }, seq: "number" },
    ]);
    const after = await api()
      .get(`/api/events/createdEvents/user/${hostId}`)
      .set(...bearer(token))
      .expect(200);
    expect(after.body.events).toEqual([]);
  });

  it("mobile app – meet someone, report a score, list the people met; the dashboard's leaderboard follows live", async () => {
    const host = await api()
      .post("/api/auth/signup")
      .send({ name: "Host Hal", email: uniqueEmail("hal"), password: "correct horse battery" })
      .expect(201);
    const created = await api()
      .post("/api/events/createEvent")
      .set(...bearer(host.body.token))
      .send({ name: "Meet Night", currentState: "Upcoming", gameType: "Name Bingo" })
      .expect(201);
    const eventId: string = created.body.event._id;
    const phone = await api()
      .post(`/api/events/${eventId}/join/guest`)
      .send({ name: "Pia", title: "Engineer" })
      .expect(201);
    const met = await api()
      .post(`/api/events/${eventId}/join/guest`)
      .send({ name: "Max", title: "Designer", organization: "Acme" })
      .expect(201);
    await api()
      .put(`/api/events/${eventId}/status`)
      .set(...bearer(host.body.token))
      .send({ status: "In Progress" })
      .expect(200);
    const board = await listen(eventId, ["leaderboard-updated"]);

    // meet someone: the app sends "Met during Name Bingo" and reads a truthy answer.
    const meeting = await api()
      .post("/api/participantConnections")
      .set(...bearer(phone.body.token))
      .send({
        _eventId: eventId,
        primaryParticipantId: phone.body.participant._id,
        secondaryParticipantId: met.body.participant._id,
        description: "Met during Name Bingo",
      })
      .expect(201);
    expect(meeting.body).toBeTruthy();
    // A second tap on the same person: its `error` / `message` says why.
    const again = await api()
      .post("/api/participantConnections")
      .set(...bearer(phone.body.token))
      .send({
        _eventId: eventId,
        primaryParticipantId: phone.body.participant._id,
        secondaryParticipantId: met.body.participant._id,
        description: "Met during Name Bingo",
      })
      .expect(409);
    expect(again.body.error).toEqual(expect.stringContaining("Max"));

    // score: fire-and-forget; the server keeps its own.
    await api()
      .put(`/api/events/${eventId}/leaderboard/score`)
      .set(...bearer(phone.body.token))
      .send({ linesCompleted: 3, completed: true })
      .expect(200);

    // people met: `[{participantId, participantName, connectionDescription, user: {…}}]`.
    const people = await api()
      .get(`/api/participantConnections/connected-users?participantId=${phone.body.participant._id}&eventId=${eventId}`)
      .set(...bearer(phone.body.token))
      .expect(200);
    expect(people.body).toEqual([
      {
        participantId: met.body.participant._id,
        participantName: "Max",
        connectionDescription: "Met during Name Bingo",
        // Added by issue 18 (meetings verified by a scan); the app ignores fields it does not know.
        verified: false,
        user: {
          _id: met.body.userId,
          name: "Max",
          profilePhoto: null,
          title: "Designer",
          organization: "Acme",
          bio: "",
          socialLinks: {},
        },
      },
    ]);

    // dashboard: a bare array, completed first, then lines, then connections; rows with
    // connectionsCount > 0 are shown; `leaderboard-updated` carries one such row.
    const leaderboard = await api()
      .get(`/api/events/${eventId}/leaderboard`)
      .set(...bearer(host.body.token))
      .expect(200);
    expect(Array.isArray(leaderboard.body)).toBe(true);
    const row = {
      participantId: phone.body.participant._id,
      name: "Pia",
      profilePhoto: null,
      connectionsCount: 1,
      linesCompleted: 0,
      completed: false,
      squaresFilled: 0,
    };
    expect(leaderboard.body.filter((entry: { connectionsCount: number }) => entry.connectionsCount > 0)).toEqual([row]);
    const [live] = await board.waitFor(1);
    expect(live).toEqual({ name: "leaderboard-updated", data: { ...row, seq: expect.any(Number) } });
  });
});
