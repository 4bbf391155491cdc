import type { TokenClaims } from "../auth/tokens";
import type { EventDoc } from "../models/event";
import type { ParticipantEntry } from "../models/participant";
import { type EventWithLobby, LOBBY_LIMIT } from "./event-store";
import { findParticipantByUser } from "./join-event";
import { serializeEvent } from "./serialize";

/**
 * GET /api/events/:eventId – the event and its lobby as the caller may see them: the `joinCode`
 * only for the host and the event's participants (docs/security.md, "Guessing ids"). The lobby
 * read already holds the participants' user ids, so this costs a command only when the lobby is
 * cut at LOBBY_LIMIT and the caller is not in the part read.
 */
export async function eventForCaller({ event, lobby }: EventWithLobby, claims: TokenClaims | null) {
  const serialized = serializeEvent(event, lobby);
  if (claims && (await mayReadJoinCode(event, lobby, claims.userId))) return serialized;
  const { joinCode: _hidden, ...shown } = serialized;
  return shown;
}

async function mayReadJoinCode(event: EventDoc, lobby: readonly ParticipantEntry[], userId: string): Promise<boolean> {
  if (event.createdBy.equals(userId)) return true;
  if (lobby.some((entry) => entry.userId.equals(userId))) return true;
  return lobby.length >= LOBBY_LIMIT && (await findParticipantByUser(event._id, userId)) !== null;
}
