import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBingoEvent, markSquare, type Player, recordMeeting } from "./support/factories";
import {
  api,
  bearer,
  createEvent,
  createHost,
  createUser,
  joinAsGuest,
  startEvent,
  type TestUser,
} from "./support/harness";
import { disconnectSubscribers, subscriber } from "./support/subscriber";

// The realtime contract end to end: API call → real `pusher` SDK → local Pusher-protocol server →
// real pusher-js clients over WebSocket, as the mobile app and the dashboard receive it.

let host: TestUser;

/** A payload as published: the contract's fields plus `seq`, the message's place in the event's activity log. */
const sequenced = (payload: Record<string, unknown>) => ({ ...payload, seq: expect.any(Number) });

beforeAll(async () => {
  host = await createHost();
});

afterAll(disconnectSubscribers);

async function startedEvent() {
  const event = await createEvent(host);
  await startEvent(host, event._id);
  return event;
}

/** A participant's leaderboard entry before anything: what the dashboard's row starts from. */
function dashboardEntry(player: Player) {
  return {
    participantId: player.participantId,
    name: player.name,
    profilePhoto: null,
    connectionsCount: 0,
    linesCompleted: 0,
    completed: false,
    squaresFilled: 0,
  };
}

describe("realtime end to end – pusher-js clients on event-<eventId>", () => {
  it("POST /api/events/:eventId/join/user – a subscriber receives exactly one participant-joined { participantId, name }", async () => {
    const event = await createEvent(host);
    const channel = `event-${event._id}`;
    const watcher = await subscriber(channel);
    const member = await createUser({ name: "Grace Hopper" });

    const res = await api()
      .post(`/api/events/${event._id}/join/user`)
      .set(...bearer(member.token))
      .send({})
      .expect(201);

    expect(await watcher.settled()).toEqual([
      {
        channel,
        name: "participant-joined",
        data: sequenced({ participantId: res.body.participant._id, name: "Grace Hopper" }),
      },
    ]);
  });

  it("DELETE /api/events/:eventId/participants/:participantId – a subscriber receives exactly one participant-left { participantId, name, reason: removed }", async () => {
    const event = await createEvent(host);
    const channel = `event-${event._id}`;
    const guest = await joinAsGuest(event._id, "Rowdy Rob").expect(201);
    const watcher = await subscriber(channel);

    await api()
      .delete(`/api/events/${event._id}/participants/${guest.body.participant._id}?ban=true`)
      .set(...bearer(host.token))
      .expect(200);

    expect(await watcher.settled()).toEqual([
      {
        channel,
        name: "participant-left",
        data: sequenced({ participantId: guest.body.participant._id, name: "Rowdy Rob", reason: "removed" }),
      },
    ]);
  });

  it("POST /api/events/:eventId/join/user – joining again publishes nothing", async () => {
    const event = await createEvent(host);
    const member = await createUser({ name: "Grace Hopper" });
    await api()
      .post(`/api/events/${event._id}/join/user`)
      .set(...bearer(member.token))
      .send({})
      .expect(201);
    const watcher = await subscriber(`event-${event._id}`);

    await api()
      .post(`/api/events/${event._id}/join/user`)
      .set(...bearer(member.token))
      .send({})
      .expect(200);

    expect(await watcher.settled()).toEqual([]);
  });

  it("POST /api/events/:eventId/join/guest – a subscriber receives exactly one participant-joined with the final name", async () => {
    const event = await createEvent(host);
    const channel = `event-${event._id}`;
    await joinAsGuest(event._id, "Ada Lovelace");
    const watcher = await subscriber(channel);

    const res = await joinAsGuest(event._id, "  ada lovelace ");
    expect(res.status).toBe(201);

    expect(await watcher.settled()).toEqual([
      {
        channel,
        name: "participant-joined",
        data: sequenced({ participantId: res.body.participant._id, name: "ada lovelace (2)" }),
      },
    ]);
  });

  it('POST /api/events/:eventId/start – a subscriber receives exactly one event-started { eventId, state, startedAt } and one event { status: "In Progress" }', async () => {
    const event = await createEvent(host);
    const channel = `event-${event._id}`;
    const watcher = await subscriber(channel);

    const res = await startEvent(host, event._id);

    expect(await watcher.settled()).toEqual([
      {
        channel,
        name: "event-started",
        data: sequenced({ eventId: event._id, state: "active", startedAt: res.body.event.startedAt }),
      },
      { channel, name: "event", data: sequenced({ status: "In Progress" }) },
    ]);
  });

  it('POST /api/events/:eventId/end – a subscriber receives exactly one event-ended { eventId, state, endedAt } and one event { status: "Completed" }', async () => {
    const event = await startedEvent();
    const channel = `event-${event._id}`;
    const watcher = await subscriber(channel);

    const res = await api()
      .post(`/api/events/${event._id}/end`)
      .set(...bearer(host.token))
      .expect(200);

    expect(await watcher.settled()).toEqual([
      {
        channel,
        name: "event-ended",
        data: sequenced({ eventId: event._id, state: "ended", endedAt: res.body.event.endedAt }),
      },
      { channel, name: "event", data: sequenced({ status: "Completed" }) },
    ]);
  });

  it("a whole event's lifecycle reaches its own channel in order and never another event's channel", async () => {
    const event = await createEvent(host);
    const other = await createEvent(host);
    const channel = `event-${event._id}`;
    const watcher = await subscriber(channel);
    const bystander = await subscriber(`event-${other._id}`);
    const member = await createUser({ name: "Grace Hopper" });

    const userJoin = await api()
      .post(`/api/events/${event._id}/join/user`)
      .set(...bearer(member.token))
      .send({})
      .expect(201);
    const guestJoin = await joinAsGuest(event._id, "Ada Lovelace");
    const started = await startEvent(host, event._id);
    const ended = await api()
      .post(`/api/events/${event._id}/end`)
      .set(...bearer(host.token))
      .expect(200);

    const received = await watcher.settled();
    expect(received).toEqual([
      {
        channel,
        name: "participant-joined",
        data: sequenced({ participantId: userJoin.body.participant._id, name: "Grace Hopper" }),
      },
      {
        channel,
        name: "participant-joined",
        data: sequenced({ participantId: guestJoin.body.participant._id, name: "Ada Lovelace" }),
      },
      {
        channel,
        name: "event-started",
        data: sequenced({ eventId: event._id, state: "active", startedAt: started.body.event.startedAt }),
      },
      { channel, name: "event", data: sequenced({ status: "In Progress" }) },
      {
        channel,
        name: "event-ended",
        data: sequenced({ eventId: event._id, state: "ended", endedAt: ended.body.event.endedAt }),
      },
      { channel, name: "event", data: sequenced({ status: "Completed" }) },
    ]);
    const seqs = received.map((message) => (message.data as { seq: number }).seq);
    expect(seqs).toEqual([1, 2, 3, 4, 5, 6].map((n) => (seqs[0] as number) + n - 1));
    expect(await bystander.settled()).toEqual([]);
  });

  it("POST /api/events/:eventId/bingo – a subscriber receives exactly one bingo-achieved line for a completed row", async () => {
    const { eventId, players } = await createBingoEvent(4, { host });
    const [me, a, b, c] = players as [Player, Player, Player, Player];
    const channel = `event-${eventId}`;
    const watcher = await subscriber(channel);

    await markSquare(eventId, me, 0, 0, a).expect(200);
    await markSquare(eventId, me, 0, 1, b).expect(200);
    const res = await markSquare(eventId, me, 0, 2, c).expect(200);

    const line = { participantId: me.participantId, participantName: me.name, achievementType: "line" };
    expect(res.body.achievements).toEqual([line]);
    // Every mark also moves the dashboard's board: one leaderboard-updated each, the line's after it.
    const board = (squaresFilled: number, linesCompleted: number) => ({
      channel,
      name: "leaderboard-updated",
      data: sequenced({ ...dashboardEntry(me), connectionsCount: squaresFilled, squaresFilled, linesCompleted }),
    });
    expect(await watcher.settled()).toEqual([
      board(1, 0),
      board(2, 0),
      { channel, name: "bingo-achieved", data: sequenced(line) },
      board(3, 1),
    ]);
  });

  it("POST /api/participantConnections – the dashboard receives leaderboard-updated with the entry it renders", async () => {
    const { eventId, players } = await createBingoEvent(2, { host });
    const [me, other] = players as [Player, Player];
    const channel = `event-${eventId}`;
    const watcher = await subscriber(channel);

    await recordMeeting(eventId, me, other).expect(201);

    expect(await watcher.settled()).toEqual([
      { channel, name: "leaderboard-updated", data: sequenced({ ...dashboardEntry(me), connectionsCount: 1 }) },
    ]);
  });

  it("POST /api/events/:eventId/bingo – the square that fills the card publishes its new lines, then card", async () => {
    const { eventId, players } = await createBingoEvent(10, { host });
    const [me, ...others] = players as [Player, ...Player[]];
    const squares = [0, 1, 2].flatMap((row) => [0, 1, 2].map((col) => [row, col] as const));
    for (const [i, [row, col]] of squares.slice(0, -1).entries())
      await markSquare(eventId, me, row, col, others[i] as Player).expect(200);
    const channel = `event-${eventId}`;
    const watcher = await subscriber(channel);

    const res = await markSquare(eventId, me, 2, 2, others[8] as Player).expect(200);

    const achieved = (achievementType: string) => ({
      participantId: me.participantId,
      participantName: me.name,
      achievementType,
    });
    // (2,2) closes row 2, column 2 and the main diagonal; the rest were complete already.
    expect(res.body.achievements).toEqual([achieved("line"), achieved("line"), achieved("line"), achieved("card")]);
    expect(await watcher.settled()).toEqual([
      ...res.body.achievements.map((data: Record<string, unknown>) => ({
        channel,
        name: "bingo-achieved",
        data: sequenced(data),
      })),
      {
        channel,
        name: "leaderboard-updated",
        data: sequenced({
          ...dashboardEntry(me),
          connectionsCount: 9,
          squaresFilled: 9,
          linesCompleted: 8,
          completed: true,
        }),
      },
    ]);
  });
});
