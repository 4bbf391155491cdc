import { newAchievements } from "./achievements";
import { completedLines, isCardComplete } from "./lines";

// The bingo referee: a card, a grid size and a mark in, the next card and what it achieved (or a
// refusal) out. No I/O: storage reads the card before and appends what this returns.

/** A mark as the referee sees it: the square, and the person met for it (any id with toString). */
export interface RefereeMark {
  /** Flat row-major index into the grid. */
  square: number;
  participantId: { toString(): string };
}

/** A card's state: its marks in the order made, its completed lines and whether it is full. */
export interface RefereeCard<M extends RefereeMark = RefereeMark> {
  marks: readonly M[];
  /** Indexes into bingoLines(size). */
  lines: readonly number[];
  completed: boolean;
}

export type Ruling<M extends RefereeMark = RefereeMark> =
  /** The mark fills a free square with a person not yet on the card. */
  | { kind: "filled"; card: RefereeCard<M>; achieved: { lines: number[]; completed: boolean } }
  /** The same mark (square and person) is on the card already: nothing changes. */
  | { kind: "unchanged" }
  | { kind: "refused"; reason: "square_taken" | "participant_already_used" };

/** Rules on `mark` for the card as it stands (null before the first mark). */
export function refereeMark<M extends RefereeMark>(current: RefereeCard<M> | null, size: number, mark: M): Ruling<M> {
  const marks = current?.marks ?? [];
  const person = mark.participantId.toString();
  const samePerson = (m: M) => m.participantId.toString() === person;
  if (marks.some((m) => m.square === mark.square && samePerson(m))) return { kind: "unchanged" };
  if (marks.some((m) => m.square === mark.square)) return { kind: "refused", reason: "square_taken" };
  if (marks.some(samePerson)) return { kind: "refused", reason: "participant_already_used" };
  const squares = [...marks.map((m) => m.square), mark.square];
  const card = {
    marks: [...marks, mark],
    lines: completedLines(size, squares),
    completed: isCardComplete(size, squares),
  };
  const won = newAchievements(current, card);
  return { kind: "filled", card, achieved: { lines: [...won.lines], completed: won.completed } };
}

/** The `bingo-achieved` types a ruling announces, in publish order: each line, then the card. */
export function achievementTypes(achieved: { lines: readonly number[]; completed: boolean }): ("line" | "card")[] {
  return [...achieved.lines.map(() => "line" as const), ...(achieved.completed ? ["card" as const] : [])];
}
