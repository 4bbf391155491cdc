import type { EventDoc } from "../models/event";
import type { ParticipantEntry } from "../models/participant";
import { appStateName, GAME_TYPE } from "../schemas/event-states";

export interface SerializedParticipant {
  _id: string;
  userId: string;
  name: string;
  eventId: string;
}

export function serializeParticipant(eventId: string, entry: ParticipantEntry): SerializedParticipant {
  return { _id: entry._id.toHexString(), userId: entry.userId.toHexString(), name: entry.name, eventId };
}

/**
 * The `event` object of every event response: `state` in the realtime guide's words and
 * `currentState` in the apps' words. `participantIds` is the lobby in join order, given when the
 * caller read it (GET event); transitions answer without it, see docs/api.md.
 */
export function serializeEvent(event: EventDoc, lobby?: readonly ParticipantEntry[]) {
  return {
    _id: event._id.toHexString(),
    name: event.name,
    description: event.description ?? "",
    joinCode: event.joinCode,
    startDate: event.startDate ?? null,
    endDate: event.endDate ?? null,
    maxParticipant: event.maxParticipant ?? null,
    meetingProof: event.meetingProof ?? "claim",
    participantCount: event.participantCount,
    joinsLocked: event.joinsLocked ?? false,
    guestsAllowed: event.guestsAllowed ?? true,
    state: event.currentState,
    currentState: appStateName(event.currentState),
    gameType: GAME_TYPE,
    startedAt: event.startedAt ?? null,
    endedAt: event.endedAt ?? null,
    createdBy: event.createdBy.toHexString(),
    createdAt: event.createdAt,
    updatedAt: event.updatedAt,
    ...(lobby
      ? {
          participantIds: lobby.map((entry) => ({
            _id: entry._id.toHexString(),
            name: entry.name,
            userId: entry.userId.toHexString(),
          })),
        }
      : {}),
  };
}
