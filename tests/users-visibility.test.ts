import ICAL from "ical.js";
import { describe, expect, it } from "vitest";
import { createBingoEvent, joinAsPlayer, markSquare, type Player } from "./support/factories";
import { api, bearer, countCommands, createUser, payloadsOf, type TestUser } from "./support/harness";

// Who sees Zoë's profile: a stranger (no shared event), a co-participant who has not met her, Milo
// who met her (he filled a square with her) and the event's host, under each setting.

type Visibility = "event" | "met" | "private";

const PROFILE = {
  bio: "Builds bridges",
  title: "CTO",
  organization: "Acme",
  profilePhoto: "https://example.com/zoe.png",
  socialLinks: { linkedin: "https://linkedin.com/in/zoe" },
};

function publicProfileOf(zoe: Player) {
  return { _id: zoe.userId, name: "Zoë", isGuest: true, ...PROFILE };
}

/** The connected-users entry's `user`: the profile, or the name with every other field empty. */
function connectedUserOf(zoe: Player, visible: boolean) {
  const { _id, name, bio, title, organization, profilePhoto, socialLinks } = visible
    ? publicProfileOf(zoe)
    : { _id: zoe.userId, name: "Zoë", bio: "", title: "", organization: "", profilePhoto: null, socialLinks: {} };
  return { _id, name, bio, title, organization, profilePhoto, socialLinks };
}

async function room(visibility: Visibility) {
  const { host, eventId, players } = await createBingoEvent(1);
  const [coParticipant] = players as [Player];
  const zoe = await joinAsPlayer(eventId, "Zoë", PROFILE);
  const milo = await joinAsPlayer(eventId, "Milo");
  await markSquare(eventId, milo, 0, 0, zoe).expect(200);
  const stranger = await createUser({ name: "Stan Stranger" });
  const res = await api()
    .put(`/api/users/${zoe.userId}`)
    .set(...bearer(zoe.token))
    .send({ profileVisibility: visibility })
    .expect(200);
  expect(res.body.user.profileVisibility).toBe(visibility);
  return { host, eventId, coParticipant, zoe, milo, stranger };
}

function getUser(token: string, userId: string) {
  return api()
    .get(`/api/users/${userId}`)
    .set(...bearer(token))
    .expect(200);
}

function text(request: ReturnType<typeof api>["get"] extends (...a: never[]) => infer R ? R : never) {
  return request.buffer(true).parse((res, done) => {
    let body = "";
    res.setEncoding("utf8");
    res.on("data", (chunk: string) => {
      body += chunk;
    });
    res.on("end", () => done(null, body));
  });
}

async function recapOf(player: Player, eventId: string, query = "") {
  const res = await text(
    api()
      .get(`/api/events/${eventId}/recap${query}`)
      .set(...bearer(player.token)),
  ).expect(200);
  return res.body as string;
}

/** The vCard's properties other than BEGIN/VERSION/END, as [name, value] pairs. */
function vcardFields(vcf: string): [string, unknown][] {
  const parsed = ICAL.parse(vcf) as unknown[];
  const cards = (Array.isArray(parsed[0]) ? parsed : [parsed]).map((card) => new ICAL.Component(card as never));
  expect(cards).toHaveLength(1);
  return (cards[0] as ICAL.Component)
    .getAllProperties()
    .filter((p) => p.name !== "version")
    .map((p) => [p.name, p.getFirstValue()]);
}

const FULL_VCARD = [
  ["fn", "Zoë"],
  ["org", "Acme"],
  ["title", "CTO"],
  ["note", "Builds bridges"],
  ["photo", "https://example.com/zoe.png"],
  ["url", "https://linkedin.com/in/zoe"],
];

// Who sees the profile (true) or the name only (false), per setting.
const SEES: Record<Visibility, { stranger: boolean; coParticipant: boolean; met: boolean; host: boolean }> = {
  event: { stranger: false, coParticipant: true, met: true, host: true },
  met: { stranger: false, coParticipant: false, met: true, host: true },
  private: { stranger: false, coParticipant: false, met: false, host: false },
};

describe.each(["event", "met", "private"] as const)("profileVisibility %s", (visibility) => {
  const sees = SEES[visibility];

  it(`GET /api/users/:userId – ${visibility}: the stranger, co-participant, someone met and the host see what the setting says; the owner everything`, async () => {
    const { host, coParticipant, zoe, milo, stranger } = await room(visibility);
    const expected = (visible: boolean) => (visible ? publicProfileOf(zoe) : { _id: zoe.userId, name: "Zoë" });
    const viewers: [keyof typeof sees, string][] = [
      ["stranger", stranger.token],
      ["coParticipant", coParticipant.token],
      ["met", milo.token],
      ["host", (host as TestUser).token],
    ];
    for (const [who, token] of viewers) {
      expect((await getUser(token, zoe.userId)).body.user, who).toEqual(expected(sees[who]));
    }
    const own = { ...publicProfileOf(zoe), authProvider: "guest", profileVisibility: visibility };
    expect((await getUser(zoe.token, zoe.userId)).body.user).toEqual(own);
    const me = await api()
      .get("/api/users/me")
      .set(...bearer(zoe.token))
      .expect(200);
    expect(me.body.user).toEqual(own);
  });

  it(`GET /api/participantConnections/connected-users – ${visibility}: the one who met her and the host see what the setting says`, async () => {
    const { host, eventId, zoe, milo } = await room(visibility);
    for (const [who, token] of [
      ["met", milo.token],
      ["host", host.token],
    ] as const) {
      const res = await api()
        .get(`/api/participantConnections/connected-users?participantId=${milo.participantId}&eventId=${eventId}`)
        .set(...bearer(token))
        .expect(200);
      expect(
        res.body.map((entry: { user: unknown }) => entry.user),
        who,
      ).toEqual([connectedUserOf(zoe, sees[who])]);
    }
  });

  it(`GET /api/events/:eventId/recap – ${visibility}: met[].profile in JSON and the vCard hold what the setting says; someone who has not met her finds no entry`, async () => {
    const { eventId, coParticipant, zoe, milo } = await room(visibility);
    const body = JSON.parse(await recapOf(milo, eventId));
    expect(body.met).toEqual([
      {
        participantId: zoe.participantId,
        name: "Zoë",
        at: expect.any(String),
        profile: sees.met ? publicProfileOf(zoe) : null,
      },
    ]);
    expect(vcardFields(await recapOf(milo, eventId, "?format=vcf"))).toEqual(sees.met ? FULL_VCARD : [["fn", "Zoë"]]);
    expect(JSON.parse(await recapOf(coParticipant, eventId)).met).toEqual([]);
  });

  it(`GET /api/events/:eventId/leaderboard – ${visibility}: the public leaderboard and leaderboard-updated show her photo only when the setting is "event"`, async () => {
    const { eventId, zoe, milo } = await room(visibility);
    await markSquare(eventId, zoe, 0, 0, milo).expect(200);
    const photo = visibility === "event" ? PROFILE.profilePhoto : null;
    const board = await api().get(`/api/events/${eventId}/leaderboard`).expect(200);
    const entry = board.body.find((row: { participantId: string }) => row.participantId === zoe.participantId);
    expect(entry).toEqual({
      participantId: zoe.participantId,
      name: "Zoë",
      profilePhoto: photo,
      connectionsCount: 1,
      linesCompleted: 0,
      completed: false,
      squaresFilled: 1,
    });
    const announced = payloadsOf(eventId, "leaderboard-updated").filter((p) => p.participantId === zoe.participantId);
    expect(announced.map((p) => p.profilePhoto)).toEqual([photo]);
  });

  it(`GET /api/users/me/export – ${visibility}: the other side of a connection, made or received, shows what the setting says`, async () => {
    const { eventId, zoe, milo } = await room(visibility);
    // Zoë fills a square with Milo too, so Milo's export holds her as made and as received.
    await markSquare(eventId, zoe, 0, 0, milo).expect(200);
    const res = await api()
      .get("/api/users/me/export")
      .set(...bearer(milo.token))
      .expect(200);
    const profile = sees.met ? publicProfileOf(zoe) : null;
    expect(res.body.connectionsMade.map((c: { profile: unknown }) => c.profile)).toEqual([profile]);
    expect(res.body.connectionsReceived.map((c: { profile: unknown }) => c.profile)).toEqual([profile]);
    const own = await api()
      .get("/api/users/me/export")
      .set(...bearer(zoe.token))
      .expect(200);
    expect(own.body.account).toEqual({ ...publicProfileOf(zoe), authProvider: "guest", profileVisibility: visibility });
  });
});

describe("PUT /api/users/:userId profileVisibility", () => {
  it("GET /api/users/:userId – met: a connection the owner made (not received) also counts as having met", async () => {
    const { eventId, coParticipant, zoe } = await room("met");
    expect((await getUser(coParticipant.token, zoe.userId)).body.user).toEqual({ _id: zoe.userId, name: "Zoë" });
    await markSquare(eventId, zoe, 0, 0, coParticipant).expect(200);
    expect((await getUser(coParticipant.token, zoe.userId)).body.user).toEqual(publicProfileOf(zoe));
  });

  it("GET /api/users/:userId – bounded reads: private 1 command (the user); met at most 4 (the user, both participations, a connection either way, a hosted event)", async () => {
    const commandsOf = async (token: string, userId: string) =>
      (await countCommands(() => getUser(token, userId))).commands.filter((name) => name !== "endSessions");
    const met = await room("met");
    expect(await commandsOf(met.milo.token, met.zoe.userId)).toEqual(["find", "find", "find"]);
    expect(await commandsOf(met.stranger.token, met.zoe.userId)).toEqual(["find", "find", "find", "find"]);
    const hidden = await room("private");
    expect(await commandsOf(hidden.host.token, hidden.zoe.userId)).toEqual(["find"]);
  });

  it("PUT /api/users/:userId – an unknown profileVisibility is a 400 and changes nothing", async () => {
    const user = await createUser();
    const res = await api()
      .put(`/api/users/${user.userId}`)
      .set(...bearer(user.token))
      .send({ profileVisibility: "friends" });
    expect(res.status).toBe(400);
    expect(res.body.requestId).toEqual(expect.any(String));
    expect((await getUser(user.token, user.userId)).body.user.profileVisibility).toBe("event");
  });
});
