import mongoose from "mongoose";
import { api, bearer, createEvent, createHost, joinAsGuest, newObjectId } from "./harness";

// Issue 17's fixtures: events after ordinary traffic, and events left with a write cut.

/** An event after ordinary traffic: three joins, a leave, a start, a second join of one guest. */
export async function healthyEvent(): Promise<{ eventId: string }> {
  const host = await createHost();
  const event = await createEvent(host, { maxParticipant: 10 });
  const guests = [];
  for (const name of ["Hal", "Ida", "Jo"]) guests.push(await joinAsGuest(event._id, name).expect(201));
  await api()
    .post(`/api/events/${event._id}/leave`)
    .set(...bearer(guests[0]?.body.token))
    .expect(200);
  await api()
    .post(`/api/events/${event._id}/join/user`)
    .set(...bearer(guests[1]?.body.token))
    .send({})
    .expect(200);
  await api()
    .post(`/api/events/${event._id}/start`)
    .set(...bearer(host.token))
    .expect(200);
  return { eventId: event._id };
}

/**
 * Writes `count` events straight into the database as a join cut after its seat leaves them: a
 * seat and seq 1 taken, no participant, the write still in flight, quiet for an hour (the oldest
 * first in the returned order).
 */
export async function seedCutEvents(db: mongoose.mongo.Db, count: number): Promise<mongoose.Types.ObjectId[]> {
  const base = Date.now() - 3_600_000;
  const createdBy = new mongoose.Types.ObjectId();
  const docs = Array.from({ length: count }, (_, i) => {
    const code = `seed-${newObjectId()}`;
    return {
      _id: new mongoose.Types.ObjectId(),
      name: `Seeded ${i}`,
      description: "",
      joinCode: code,
      joinCodeKey: code,
      startDate: null,
      endDate: null,
      maxParticipant: null,
      openSeats: 1_000_000_000 - 1,
      participantCount: 1,
      currentState: "pending",
      startedAt: null,
      endedAt: null,
      createdBy,
      bingo: { size: 1, grid: [{ question: "Has a dog" }], description: "" },
      lastSeq: 1,
      seqGaps: 0,
      inFlight: 1,
      repairClaimedUntil: null,
      resendDueAt: null,
      createdAt: new Date(base + i),
      updatedAt: new Date(base + i),
    };
  });
  await db.collection("events").insertMany(docs);
  return docs.map((doc) => doc._id);
}

/** What a repair leaves on a seeded event: no participant, its seq a gap, nothing in flight. */
export const REPAIRED_SEED = {
  inFlight: 0,
  participantCount: 0,
  openSeats: 1_000_000_000,
  seqGaps: 1,
  repairClaimedUntil: null,
  repairClaim: null,
};
