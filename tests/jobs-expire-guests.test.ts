import { describe, expect, it } from "vitest";
import { env } from "../src/env";
import { expireGuests } from "../src/jobs/expire-guests";
import { Event } from "../src/models/event";
import { Participant } from "../src/models/participant";
import { User } from "../src/models/user";
import { createBingoEvent, type Player } from "./support/factories";
import { api, bearer, expectError } from "./support/harness";

const DAY_MS = 24 * 60 * 60 * 1000;

/** An event with two guests, ended by its host. */
async function endedEventWithGuests() {
  const { host, eventId, players } = await createBingoEvent(2);
  await api()
    .post(`/api/events/${eventId}/end`)
    .set(...bearer(host.token))
    .expect(200);
  return { eventId, players: players as [Player, Player] };
}

describe("guest retention (the cron)", () => {
  it("cron – a guest whose events ended more than GUEST_RETENTION_DAYS ago is deleted like DELETE /api/users/me; one inside it is kept", async () => {
    expect(env.GUEST_RETENTION_DAYS).toBe(30);
    const { eventId, players } = await endedEventWithGuests();
    const [gus] = players;
    const live = await createBingoEvent(1);
    const [kept] = live.players as [Player];
    // The cron's clock, 31 days on: the ended event is past retention, the active one is not.
    const later = Date.now() + 31 * DAY_MS;
    while ((await expireGuests(later)) > 0);
    expect(await User.exists({ _id: gus.userId })).toBeNull();
    expect(await Participant.exists({ userId: gus.userId })).toBeNull();
    expect(await User.exists({ _id: kept.userId })).not.toBeNull();
    expect(await Participant.exists({ userId: kept.userId })).not.toBeNull();
    const event = await Event.findById(eventId, { participantCount: 1 }).lean();
    expect(event?.participantCount).toBe(0);
    const res = await api()
      .get("/api/users/me")
      .set(...bearer(gus.token));
    expectError(res, 401, "unauthorized");
  });

  it("cron – a guest inside retention is kept: 29 days after its event ended", async () => {
    const { players } = await endedEventWithGuests();
    const [gus] = players;
    await expireGuests(Date.now() + 29 * DAY_MS);
    expect(await User.exists({ _id: gus.userId })).not.toBeNull();
    await api()
      .get("/api/users/me")
      .set(...bearer(gus.token))
      .expect(200);
  });

  it("cron – a guest kept once is looked at again a day later, not on every run", async () => {
    const live = await createBingoEvent(1);
    const [kept] = live.players as [Player];
    const later = Date.now() + 31 * DAY_MS;
    while ((await expireGuests(later)) > 0);
    const checked = await User.findById(kept.userId, { retentionCheckedAt: 1 }).lean();
    expect(checked?.retentionCheckedAt?.getTime()).toBe(later);
  });
});
