import { beforeAll, describe, expect, it } from "vitest";
import { joinAsUser } from "./support/factories";
import { api, bearer, countCommands, createEvent, createHost, createUser, joinAsGuest } from "./support/harness";

// Database round trips per request, counted with the driver's command monitoring. Server
// heartbeats (hello) are SDAM events (serverHeartbeatStarted), not commandStarted, so they never
// reach countCommands; the handshake and the createIndexes of a cold start happen once per
// connection, so every test here runs after the connection is warm.

const HANDSHAKE_COMMANDS = [
  "hello",
  "ismaster",
  "isMaster",
  "ping",
  "saslStart",
  "saslContinue",
  "createIndexes",
  "endSessions",
];

async function measure(
  label: string,
  request: () => Promise<{ status: number }>,
  expectedStatus: number,
): Promise<string[]> {
  const { result, commands } = await countCommands(request);
  expect(result.status).toBe(expectedStatus);
  console.log(`round trips – ${label}: ${commands.length} [${commands.join(", ")}]`);
  expect(commands.filter((name) => HANDSHAKE_COMMANDS.includes(name))).toEqual([]);
  return commands;
}

// Since issue 9 participants and the activity log are documents of their own, so that no request
// reads or rewrites a whole event: a join writes the participant and then its log entry (one
// command more than when both rode in the event's update), a transition reads the event's lastSeq
// before its conditional update (to store its seq with the change), and GET event reads the lobby
// with a second query. Since issue 17 every write that reserves a seq ends with one `$inc` giving
// back its in-flight count (an `update` of the event, after its log entry): the price of knowing
// which events had a write cut, so that only those are repaired (docs/data-model.md).
describe("database round trips per request", () => {
  beforeAll(async () => {
    await api().get("/api/health").expect(200);
  });

  // A join by event id reads no rate-limit window (issue 21): only a miss is counted, as an id
  // cannot be guessed (docs/limits.md). Every write that reserved a seq ends by giving back its
  // in-flight count (one update, issue 17). A join reads the user's photo, which the participant
  // keeps, so that no leaderboard row of a mark, a connection or a meeting reads the user again
  // (issue 21).
  it("POST /api/events/:eventId/join/user – with a name: the user's photo, seat, participant, log entry, done: 5 database commands", async () => {
    const event = await createEvent(await createHost());
    const user = await createUser();
    const commands = await measure(
      "join/user with name",
      () =>
        api()
          .post(`/api/events/${event._id}/join/user`)
          .set(...bearer(user.token))
          .send({ name: "Counted Carla" }),
      201,
    );
    expect(commands).toEqual(["find", "findAndModify", "insert", "insert", "update"]);
  });

  it("POST /api/events/:eventId/join/user – without a name: the account (its name and photo), then as with a name: 5 database commands", async () => {
    const event = await createEvent(await createHost());
    const user = await createUser({ name: "Default Dana" });
    const commands = await measure(
      "join/user without name",
      () =>
        api()
          .post(`/api/events/${event._id}/join/user`)
          .set(...bearer(user.token))
          .send({}),
      201,
    );
    expect(commands).toEqual(["find", "findAndModify", "insert", "insert", "update"]);
  });

  // One findAndModify counts the join in the IP's guest-join minute and returns the IP's missed
  // guesses (issue 21: both live in one document), then the guest insert, the seat, the
  // participant, its activity-log entry, and the in-flight count given back (issue 17).
  it("POST /api/events/:eventId/join/guest – rate limit and guesses in one, guest, seat, participant, log entry, done: 6 database commands", async () => {
    const event = await createEvent(await createHost());
    const commands = await measure("join/guest", () => joinAsGuest(event._id, "Counted Guest"), 201);
    expect(commands).toEqual(["findAndModify", "insert", "findAndModify", "insert", "insert", "update"]);
  });

  // Issue 21: one findAndModify, conditional on the host and the state, changes the state and takes
  // its two seqs (no prior read: the event is read only when nothing matched, to say why); after
  // the publish both activity-log entries go in one insert. No in-flight count is taken or given
  // back: a failed insert marks the event for repair itself, and the cron checks recent transitions.
  for (const transition of ["start", "end"] as const) {
    it(`POST /api/events/:eventId/${transition} – transition with its seqs, log entries: 2 database commands`, async () => {
      const host = await createHost();
      const event = await createEvent(host);
      const post = (step: string) =>
        api()
          .post(`/api/events/${event._id}/${step}`)
          .set(...bearer(host.token));
      if (transition === "end") await post("start").expect(200);
      expect(await measure(transition, () => post(transition), 200)).toEqual(["findAndModify", "insert"]);
    });
  }

  // Refused: the transition matches nothing, and only then is the event read, to say why (409 here).
  it("POST /api/events/:eventId/start on an active event – transition matching nothing, one read: 2 database commands, 409", async () => {
    const host = await createHost();
    const event = await createEvent(host);
    await api()
      .post(`/api/events/${event._id}/start`)
      .set(...bearer(host.token))
      .expect(200);
    const commands = await measure(
      "start refused",
      () =>
        api()
          .post(`/api/events/${event._id}/start`)
          .set(...bearer(host.token)),
      409,
    );
    expect(commands).toEqual(["findAndModify", "find"]);
  });

  it("GET /api/events/:eventId – the event and its lobby: 2 database commands", async () => {
    const event = await createEvent(await createHost());
    const commands = await measure("GET event", () => api().get(`/api/events/${event._id}`), 200);
    // An unknown id counts as a miss (issue 19); a hit reads no rate-limit window (issue 21).
    expect(commands).toEqual(["find", "find"]);
  });

  // No write on a read (issue 21): only misses are counted; a hit reads the event, then its lobby.
  // A guesser past the miss limit is refused by the instance that counted it so, from memory.
  it("GET /api/events/event/:joinCode – the event holding the code, then its lobby: 2 database commands, no write", async () => {
    const event = await createEvent(await createHost());
    const commands = await measure(
      "GET event by join code",
      () => api().get(`/api/events/event/${event.joinCode}`),
      200,
    );
    expect(commands).toEqual(["find", "find"]);
  });

  it("GET /api/users/:userId – yourself: 1 command; someone else: 2 (the user, then whether you share an event)", async () => {
    const [viewer, other] = await Promise.all([createUser(), createUser()]);
    const self = await measure(
      "GET user, self",
      () =>
        api()
          .get(`/api/users/${viewer.userId}`)
          .set(...bearer(viewer.token)),
      200,
    );
    expect(self).toEqual(["find"]);
    const someoneElse = await measure(
      "GET user, someone else",
      () =>
        api()
          .get(`/api/users/${other.userId}`)
          .set(...bearer(viewer.token)),
      200,
    );
    expect(someoneElse).toEqual(["find", "find"]);
  });

  // An email change also counts itself per account and per IP and reads the password hash (issue 22).
  it("PUT /api/users/:userId – read, update, read back: 3 database commands; 7 when the email changes; 4 when the photo does", async () => {
    const user = await createUser();
    const put = (body: object) => () =>
      api()
        .put(`/api/users/${user.userId}`)
        .set(...bearer(user.token))
        .send(body);
    expect(await measure("PUT user profile", put({ bio: "Counted" }), 200)).toEqual(["find", "update", "find"]);
    // Issue 21: the user's participants keep the photo their events' screens show, in one update.
    expect(await measure("PUT user photo", put({ profilePhoto: "https://example.com/c.png" }), 200)).toEqual([
      "find",
      "update",
      "find",
      "update",
    ]);
    const email = `counted-${Date.now()}@example.com`;
    expect(await measure("PUT user email", put({ email, currentPassword: "correct horse battery" }), 200)).toEqual([
      "find",
      "findAndModify",
      "findAndModify",
      "find",
      "find",
      "update",
      "find",
    ]);
  });

  it("PUT /api/events/:eventId – read, conditional update: 2 database commands", async () => {
    const host = await createHost();
    const event = await createEvent(host, { maxParticipant: 10 });
    const commands = await measure(
      "edit event",
      () =>
        api()
          .put(`/api/events/${event._id}`)
          .set(...bearer(host.token))
          .send({ name: "Edited", maxParticipant: 20 }),
      200,
    );
    expect(commands).toEqual(["find", "findAndModify"]);
  });

  it("POST /api/events/:eventId/leave – participant, seq, log entry, delete, seat, mark sent, done: 7 database commands", async () => {
    const event = await createEvent(await createHost());
    const guest = await joinAsGuest(event._id, "Lee").expect(201);
    const commands = await measure(
      "leave",
      () =>
        api()
          .post(`/api/events/${event._id}/leave`)
          .set(...bearer(guest.body.token)),
      200,
    );
    expect(commands).toEqual(["find", "findAndModify", "insert", "delete", "update", "update", "update"]);
  });

  it("DELETE /api/events/:eventId/participants/:participantId?ban=true – participant, seq, ban, log entry, delete, seat, mark sent, done: 8 database commands; then a join of the event pays one ban read", async () => {
    const host = await createHost();
    const event = await createEvent(host);
    const guest = await joinAsGuest(event._id, "Rex").expect(201);
    const commands = await measure(
      "remove with ban",
      () =>
        api()
          .delete(`/api/events/${event._id}/participants/${guest.body.participant._id}?ban=true`)
          .set(...bearer(host.token)),
      200,
    );
    expect(commands).toEqual(["find", "findAndModify", "update", "insert", "delete", "update", "update", "update"]);
    const member = await createUser();
    const join = await measure("join/user after a ban", () => joinAsUser(member, event._id, { name: "Mo" }), 201);
    expect(join).toEqual(["find", "findAndModify", "find", "insert", "insert", "update"]);
  });

  // Issue 19 added the event's bans to what a deletion removes: a sixth collection, one more delete.
  it("DELETE /api/events/:eventId – seq, deletion record, the event, six collections, sent: 10 database commands", async () => {
    const host = await createHost();
    const event = await createEvent(host);
    for (const name of ["A", "B", "C"]) await joinAsGuest(event._id, name).expect(201);
    const commands = await measure(
      "delete event",
      () =>
        api()
          .delete(`/api/events/${event._id}`)
          .set(...bearer(host.token)),
      200,
    );
    expect(commands).toEqual([
      "findAndModify",
      "findAndModify",
      "delete",
      "delete",
      "delete",
      "delete",
      "delete",
      "delete",
      "delete",
      "update",
    ]);
  });
});
