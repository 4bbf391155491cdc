import mongoose from "mongoose";
import { describe, expect, it } from "vitest";
import { bingoLines } from "../src/bingo/lines";
import { achievementTypes, type RefereeCard, type RefereeMark, type Ruling, refereeMark } from "../src/bingo/referee";

interface TestMark extends RefereeMark {
  square: number;
  participantId: string;
}

/** A mark of `square` by the person met for it: one person per square unless named. */
const mark = (square: number, person = `p${square}`): TestMark => ({ square, participantId: person });

/** Plays marks in order from an empty card; every one must be filled. Returns each ruling. */
function play(size: number, squares: readonly number[]): { card: RefereeCard<TestMark>; rulings: Ruling<TestMark>[] } {
  let card: RefereeCard<TestMark> | null = null;
  const rulings: Ruling<TestMark>[] = [];
  for (const square of squares) {
    const ruling: Ruling<TestMark> = refereeMark(card, size, mark(square));
    if (ruling.kind !== "filled") throw new Error(`square ${square} was not filled: ${JSON.stringify(ruling)}`);
    rulings.push(ruling);
    card = ruling.card;
  }
  if (!card) throw new Error("no marks played");
  return { card, rulings };
}

function filled(ruling: Ruling<TestMark> | undefined): Extract<Ruling<TestMark>, { kind: "filled" }> {
  if (ruling?.kind !== "filled") throw new Error(`expected a filled square, got ${JSON.stringify(ruling)}`);
  return ruling;
}

describe("refereeMark – every line shape", () => {
  for (const size of [3, 4, 5]) {
    const range = Array.from({ length: size }, (_, i) => i);
    const shapes = [
      ...range.map((row) => ({ name: `row ${row}`, line: row, squares: range.map((col) => row * size + col) })),
      ...range.map((col) => ({
        name: `column ${col}`,
        line: size + col,
        squares: range.map((row) => row * size + col),
      })),
      { name: "the diagonal", line: 2 * size, squares: range.map((i) => i * size + i) },
      { name: "the anti-diagonal", line: 2 * size + 1, squares: range.map((i) => i * size + (size - 1 - i)) },
    ];
    for (const { name, line, squares } of shapes) {
      it(`refereeMark – ${size}×${size}: ${name} is achieved by its last square, and only then`, () => {
        expect(bingoLines(size)[line]).toEqual(squares);
        const { card, rulings } = play(size, squares);
        for (const ruling of rulings.slice(0, -1)) {
          expect(filled(ruling).achieved).toEqual({ lines: [], completed: false });
        }
        expect(filled(rulings.at(-1)).achieved).toEqual({ lines: [line], completed: false });
        expect(card.lines).toEqual([line]);
        expect(card.completed).toBe(false);
        expect(card.marks.map((m) => m.square)).toEqual(squares);
      });
    }
  }
});

describe("refereeMark – achievements", () => {
  it("refereeMark – a first mark on an empty card is filled and achieves nothing", () => {
    const ruling = filled(refereeMark(null, 5, mark(12)));
    expect(ruling.card).toEqual({ marks: [mark(12)], lines: [], completed: false });
    expect(ruling.achieved).toEqual({ lines: [], completed: false });
  });

  it("refereeMark – one square can complete two lines at once (its row and its column)", () => {
    // 3×3: row 0 is 0 1 2, column 0 is 0 3 6; square 0 comes last.
    const { card, rulings } = play(3, [1, 2, 3, 6, 0]);
    expect(filled(rulings.at(-1)).achieved).toEqual({ lines: [0, 3], completed: false });
    expect(card.lines).toEqual([0, 3]);
    expect(achievementTypes(filled(rulings.at(-1)).achieved)).toEqual(["line", "line"]);
  });

  it("refereeMark – the centre of a 5×5 can complete its row, its column and both diagonals", () => {
    const centre = 12;
    const others = [10, 11, 13, 14, 2, 7, 17, 22, 0, 6, 18, 24, 4, 8, 16, 20];
    const { rulings } = play(5, [...others, centre]);
    expect(filled(rulings.at(-1)).achieved).toEqual({ lines: [2, 7, 10, 11], completed: false });
  });

  it("refereeMark – the last square of a full card achieves the card once, after its new lines", () => {
    const { card, rulings } = play(3, [0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(card.completed).toBe(true);
    expect(card.lines).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const last = filled(rulings.at(-1));
    // Square 8 completes row 2, column 2 and the diagonal.
    expect(last.achieved).toEqual({ lines: [2, 5, 6], completed: true });
    expect(achievementTypes(last.achieved)).toEqual(["line", "line", "line", "card"]);
    expect(rulings.slice(0, -1).every((ruling) => !filled(ruling).achieved.completed)).toBe(true);
    const total = rulings.flatMap((ruling) => filled(ruling).achieved.lines);
    expect(total.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it("refereeMark – does not change the card it is given", () => {
    const { card } = play(3, [0, 1]);
    const before = structuredClone(card);
    refereeMark(card, 3, mark(2));
    expect(card).toEqual(before);
  });
});

describe("refereeMark – refusals and repeats", () => {
  const { card } = play(4, [0, 5]);

  it("refereeMark – the same mark again (square and person) is unchanged", () => {
    expect(refereeMark(card, 4, mark(5))).toEqual({ kind: "unchanged" });
  });

  it("refereeMark – the same person, compared by id value, is a repeat even as another ObjectId instance", () => {
    const person = new mongoose.Types.ObjectId();
    const first = refereeMark(null, 3, { square: 4, participantId: person });
    if (first.kind !== "filled") throw new Error("the first mark was not filled");
    const again = { square: 4, participantId: new mongoose.Types.ObjectId(person.toHexString()) };
    expect(refereeMark(first.card, 3, again)).toEqual({ kind: "unchanged" });
  });

  it("refereeMark – a square filled by someone else is refused as square_taken", () => {
    expect(refereeMark(card, 4, mark(5, "someone else"))).toEqual({ kind: "refused", reason: "square_taken" });
  });

  it("refereeMark – a person already on another square is refused as participant_already_used", () => {
    expect(refereeMark(card, 4, mark(6, "p5"))).toEqual({ kind: "refused", reason: "participant_already_used" });
  });

  it("refereeMark – a taken square is reported before a used person", () => {
    expect(refereeMark(card, 4, mark(5, "p0"))).toEqual({ kind: "refused", reason: "square_taken" });
  });

  it("achievementTypes – lines first, then the card", () => {
    expect(achievementTypes({ lines: [], completed: false })).toEqual([]);
    expect(achievementTypes({ lines: [1], completed: true })).toEqual(["line", "card"]);
  });
});
