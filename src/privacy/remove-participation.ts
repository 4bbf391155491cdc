import { reserveAndDepart } from "../events/leave-event";
import { ActivityEntry } from "../models/activity-entry";
import { BingoCard } from "../models/bingo-card";
import type { Participation } from "../models/deleted-user";
import { Participant } from "../models/participant";
import { ParticipantConnection } from "../models/participant-connection";

/** What a deleted account's participations are called wherever others' records keep them. */
export const DELETED_PARTICIPANT_NAME = "Deleted participant";

/**
 * Removes one participation of a deleted account; repeatable, in this order:
 * 1. the event's activity entries naming the participant carry DELETED_PARTICIPANT_NAME (and no
 *    photo), and so do the marks on other people's cards that name it;
 * 2. its cards and the connections it made or received are deleted: gone from every count;
 * 3. it leaves like POST /api/events/:eventId/leave (in any state): the seat back,
 *    `participant-left` under the neutral name through the outbox. An event that is gone has its
 *    participant deleted with it (the event's deletion sweeps the rest).
 * Step 1 comes first so that a death between steps leaves nothing named; 3 last so that the
 * deletion record still finds the participant to finish with.
 */
export async function removeParticipation({ eventId, participantId }: Participation): Promise<void> {
  const id = participantId.toHexString();
  const named = { eventId, "data.participantId": id };
  const neutral = DELETED_PARTICIPANT_NAME;
  await ActivityEntry.updateMany(
    { ...named, event: { $in: ["participant-joined", "participant-left"] } },
    { $set: { "data.name": neutral } },
  );
  await ActivityEntry.updateMany({ ...named, event: "bingo-achieved" }, { $set: { "data.participantName": neutral } });
  await ActivityEntry.updateMany(
    { ...named, event: "leaderboard-updated" },
    { $set: { "data.name": neutral, "data.profilePhoto": null } },
  );
  // Whole mark arrays rewritten: FerretDB takes neither arrayFilters nor positional updates.
  const cards = await BingoCard.find({ eventId, "marks.participantId": participantId }, { marks: 1 }).lean();
  if (cards.length > 0) {
    await BingoCard.bulkWrite(
      cards.map((card) => ({
        updateOne: {
          filter: { _id: card._id },
          update: {
            $set: {
              marks: card.marks.map((m) => (m.participantId.equals(participantId) ? { ...m, name: neutral } : m)),
            },
          },
        },
      })),
    );
  }
  await BingoCard.deleteMany({ eventId, participantId });
  await ParticipantConnection.deleteMany({ eventId, primaryParticipantId: participantId });
  await ParticipantConnection.deleteMany({ eventId, secondaryParticipantId: participantId });
  const participant = await Participant.findById(participantId, { userId: 1, name: 1 }).lean();
  if (!participant) return;
  const departed = await reserveAndDepart(eventId, participant, { name: neutral });
  if (departed === "refused") await Participant.deleteOne({ _id: participantId });
}
