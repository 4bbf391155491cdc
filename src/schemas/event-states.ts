import type { EventState } from "../models/event";

// One state machine, two vocabularies: the realtime guide's words (`state`, also what is stored)
// and the words the Shatter apps compare against (`currentState`). Every event representation
// carries both, and a status change accepts either.
export const APP_STATE_NAMES = {
  pending: "Upcoming",
  active: "In Progress",
  ended: "Completed",
} as const satisfies Record<EventState, string>;

export type AppStateName = (typeof APP_STATE_NAMES)[EventState];

/** The only game there is; the apps' game screen shows "Game not found" without it. */
export const GAME_TYPE = "Name Bingo";

export function appStateName(state: EventState): AppStateName {
  return APP_STATE_NAMES[state];
}

/** What `PUT …/status` accepts, in either vocabulary, and the state each word moves the event to. */
export const STATUS_TARGETS = {
  active: "active",
  ended: "ended",
  [APP_STATE_NAMES.active]: "active",
  [APP_STATE_NAMES.ended]: "ended",
} as const;
