import { expect } from "vitest";
import { dashboardGrid } from "./bingo-grids";
import { api, bearer, createEvent, createHost, startEvent, type TestUser } from "./harness";

// Factories for the people in an event, built through the API like those of harness.ts.

/** A participant as the bingo and connection tests hold one: who they are and their token. */
export interface Player {
  participantId: string;
  name: string;
  token: string;
  userId: string;
}

/** POST …/join/user as `user`, sending `body` as is (the route needs none): the request, to await or `.expect()`. */
export function joinAsUser(user: Pick<TestUser, "token">, eventId: string, body: Record<string, unknown> = {}) {
  return api()
    .post(`/api/events/${eventId}/join/user`)
    .set(...bearer(user.token))
    .send(body);
}

/** A guest joins as `name` (with any profile fields) and must get a 201: the player it became. */
export async function joinAsPlayer(
  eventId: string,
  name: string,
  profile: Record<string, unknown> = {},
): Promise<Player> {
  const res = await api()
    .post(`/api/events/${eventId}/join/guest`)
    .send({ name, ...profile });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return {
    participantId: res.body.participant._id,
    name: res.body.participant.name,
    token: res.body.token,
    userId: res.body.userId,
  };
}

/**
 * An event with a `size`×`size` grid (`dashboardGrid`, 3×3 unless said) and `count` guests joined
 * as "Player 0", "Player 1"…, started unless `start` is false.
 */
export async function createBingoEvent(
  count: number,
  { size = 3, start = true, host }: { size?: number; start?: boolean; host?: TestUser } = {},
): Promise<{ host: TestUser; eventId: string; players: Player[] }> {
  const eventHost = host ?? (await createHost());
  const event = await createEvent(eventHost, { bingo: { grid: dashboardGrid(size) } });
  const players: Player[] = [];
  for (let i = 0; i < count; i++) players.push(await joinAsPlayer(event._id, `Player ${i}`));
  if (start) await startEvent(eventHost, event._id);
  return { host: eventHost, eventId: event._id, players };
}

/** What the mobile app sends as the description of a meeting: it names no square. */
export const MET_DURING_BINGO = "Met during Name Bingo";

/** POST /api/participantConnections: `primary` met `secondary`, sent with `token` (the primary's unless said). */
export function recordMeeting(
  eventId: string,
  primary: Player,
  secondary: Player,
  description = MET_DURING_BINGO,
  token = primary.token,
) {
  return api()
    .post("/api/participantConnections")
    .set(...bearer(token))
    .send({
      _eventId: eventId,
      primaryParticipantId: primary.participantId,
      secondaryParticipantId: secondary.participantId,
      description,
    });
}

/** POST …/bingo: `player` fills the square (row, col) with `other`: the request, to await or `.expect()`. */
export function markSquare(eventId: string, player: Pick<Player, "token">, row: number, col: number, other: Player) {
  return api()
    .post(`/api/events/${eventId}/bingo`)
    .set(...bearer(player.token))
    .send({ row, col, participantId: other.participantId });
}
