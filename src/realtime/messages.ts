import { APP_STATE_NAMES } from "../schemas/event-states";
import {
  type LeaderboardUpdatedPayload,
  type OutgoingMessage,
  type RealtimeMessage,
  sequenced,
} from "../schemas/realtime";

// Every message published on `event-<eventId>` is built here, from plain data (ids as hex
// strings), so the outbox and the transport need no domain module.

/** A realtime event about to be announced under `seq`. */
export interface Announcement {
  seq: number;
  message: RealtimeMessage;
  at: Date;
}

/** What goes over the wire: the payload plus its position in the event's activity log, checked. */
export function toSequenced({ seq, message }: Pick<Announcement, "seq" | "message">): OutgoingMessage {
  return sequenced(message, seq);
}

export function participantJoined(participant: {
  participantId: string;
  name: string;
  seq: number;
  joinedAt: Date;
}): Announcement {
  return {
    seq: participant.seq,
    at: participant.joinedAt,
    message: { name: "participant-joined", data: { participantId: participant.participantId, name: participant.name } },
  };
}

/**
 * A transition's announcements, under `seq` and `seq + 1`: the guide's event-started /
 * event-ended, then the apps' `event` with the new status in their words.
 */
export function lifecycleAnnouncements(
  eventId: string,
  state: "active" | "ended",
  seq: number,
  at: Date,
): Announcement[] {
  const when = new Date(at);
  return [
    {
      seq,
      at: when,
      message:
        state === "active"
          ? { name: "event-started", data: { eventId, state: "active", startedAt: when.toISOString() } }
          : { name: "event-ended", data: { eventId, state: "ended", endedAt: when.toISOString() } },
    },
    { seq: seq + 1, at: when, message: { name: "event", data: { status: APP_STATE_NAMES[state] } } },
  ];
}

export function participantLeft(
  participant: { participantId: string; name: string; reason: "left" | "removed" },
  seq: number,
  at: Date,
): Announcement {
  const { participantId, name, reason } = participant;
  return { seq, at, message: { name: "participant-left", data: { participantId, name, reason } } };
}

/** The dashboard's live leaderboard row for one participant, under `seq`. */
export function leaderboardUpdated(entry: LeaderboardUpdatedPayload, seq: number, at: Date): Announcement {
  return { seq, at, message: { name: "leaderboard-updated", data: { ...entry } } };
}

export function bingoAchieved(
  card: { participantId: string; participantName: string; lastMarkAt: Date },
  seq: number,
  achievementType: "line" | "card",
): Announcement {
  return {
    seq,
    at: card.lastMarkAt,
    message: {
      name: "bingo-achieved",
      data: { participantId: card.participantId, participantName: card.participantName, achievementType },
    },
  };
}

/** The last message of a deleted event. */
export function eventDeleted(eventId: string, seq: number, at: Date): Announcement {
  return { seq, at, message: { name: "event-deleted", data: { eventId } } };
}

/** `scanner` scanned `owner`'s meeting code: the two have met. */
export function meetingVerified(scannerId: string, ownerId: string, seq: number, at: Date): Announcement {
  return { seq, at, message: { name: "meeting-verified", data: { participantIds: [scannerId, ownerId] } } };
}
