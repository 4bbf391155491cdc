import { describe, expect, it } from "vitest";
import { bingoLines, completedLines, isCardComplete, squareIndex } from "../src/bingo/lines.js";
import { BINGO_PROMPT_BANK, drawBingoGrid } from "../src/events/bingo-prompts.js";

const all = (size: number): number[] => Array.from({ length: size * size }, (_, i) => i);

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("bingo lines", () => {
  it("bingoLines – 3×3 has rows, columns, then both diagonals", () => {
    expect(bingoLines(3)).toEqual([
      [0, 1, 2],
      [3, 4, 5],
      [6, 7, 8],
      [0, 3, 6],
      [1, 4, 7],
      [2, 5, 8],
      [0, 4, 8],
      [2, 4, 6],
    ]);
  });

  it.each([3, 4, 5])("bingoLines – %i×%i has 2n+2 lines of n distinct in-range squares", (n) => {
    const lines = bingoLines(n);
    expect(lines).toHaveLength(2 * n + 2);
    for (const line of lines) {
      expect(line).toHaveLength(n);
      expect(new Set(line).size).toBe(n);
      for (const sq of line) expect(sq >= 0 && sq < n * n).toBe(true);
    }
    expect(new Set(lines.map((l) => l.join(","))).size).toBe(2 * n + 2);
  });

  it("bingoLines – 4×4 and 5×5 diagonals", () => {
    expect(bingoLines(4).slice(8)).toEqual([
      [0, 5, 10, 15],
      [3, 6, 9, 12],
    ]);
    expect(bingoLines(5).slice(10)).toEqual([
      [0, 6, 12, 18, 24],
      [4, 8, 12, 16, 20],
    ]);
  });

  it("bingoLines – cached per size", () => {
    expect(bingoLines(4)).toBe(bingoLines(4));
    expect(bingoLines(4)).not.toBe(bingoLines(5));
  });

  it.each([2, 6, 3.5, Number.NaN])("bingoLines – rejects size %s", (n) => {
    expect(() => bingoLines(n)).toThrow(RangeError);
  });

  it("completedLines – empty card completes nothing", () => {
    expect(completedLines(3, [])).toEqual([]);
    expect(isCardComplete(3, [])).toBe(false);
  });

  it("completedLines – corner of a 3×3 completes a row and a diagonal at once", () => {
    const before = [1, 2, 4, 8];
    expect(completedLines(3, before)).toEqual([]);
    expect(completedLines(3, [...before, 0])).toEqual([0, 6]);
  });

  it("completedLines – centre of a 3×3 completes four lines at once", () => {
    const before = [3, 5, 1, 7, 0, 8, 2, 6];
    expect(completedLines(3, before)).toEqual([0, 2, 3, 5]);
    expect(completedLines(3, [...before, 4])).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it("completedLines – corner of a 5×5 completes row, column and diagonal", () => {
    const filled = [1, 2, 3, 4, 5, 10, 15, 20, 6, 12, 18, 24];
    expect(completedLines(5, filled)).toEqual([]);
    expect(completedLines(5, [...filled, 0])).toEqual([0, 5, 10]);
  });

  it("completedLines – order and duplicates do not matter", () => {
    expect(completedLines(4, [3, 2, 2, 1, 0, 0])).toEqual([0]);
  });

  it.each([3, 4, 5])("completedLines – full %i×%i card completes every line", (n) => {
    const filled = all(n).reverse();
    expect(completedLines(n, filled)).toEqual(bingoLines(n).map((_, i) => i));
    expect(isCardComplete(n, filled)).toBe(true);
  });

  it("isCardComplete – near-full 4×4 card is not complete", () => {
    const nearFull = all(4).filter((sq) => sq !== 9);
    expect(isCardComplete(4, nearFull)).toBe(false);
    // Row 2, column 1 and the anti-diagonal all pass through square 9.
    expect(completedLines(4, nearFull)).toEqual([0, 1, 3, 4, 6, 7, 8]);
    expect(isCardComplete(4, [...nearFull, 9])).toBe(true);
  });

  it("isCardComplete – out-of-range squares do not count", () => {
    expect(isCardComplete(3, [0, 1, 2, 3, 4, 5, 6, 7, 9])).toBe(false);
  });

  it("squareIndex – row-major flat index", () => {
    expect(squareIndex(3, 0, 0)).toBe(0);
    expect(squareIndex(3, 1, 2)).toBe(5);
    expect(squareIndex(4, 3, 0)).toBe(12);
    expect(squareIndex(5, 4, 4)).toBe(24);
    expect(() => squareIndex(3, 3, 0)).toThrow(RangeError);
    expect(() => squareIndex(3, 0, -1)).toThrow(RangeError);
  });
});

describe("bingo prompt bank", () => {
  const denylist = [
    "health",
    "sick",
    "religio",
    "church",
    "age",
    "old",
    "young",
    "married",
    "kids",
    "child",
    "weight",
    "tall",
    "beautiful",
    "drink",
    "beer",
    "wine",
    "politic",
    "vote",
  ];

  it("prompts – at least 48 distinct prompts", () => {
    expect(BINGO_PROMPT_BANK.length).toBeGreaterThanOrEqual(48);
    expect(new Set(BINGO_PROMPT_BANK.map((p) => p.question.toLowerCase())).size).toBe(BINGO_PROMPT_BANK.length);
    expect(new Set(BINGO_PROMPT_BANK.map((p) => p.shortQuestion.toLowerCase())).size).toBe(BINGO_PROMPT_BANK.length);
  });

  it("prompts – respect length limits", () => {
    for (const p of BINGO_PROMPT_BANK) {
      expect(p.question.length, p.question).toBeLessThanOrEqual(120);
      expect(p.shortQuestion.length, p.shortQuestion).toBeLessThanOrEqual(24);
      expect(p.shortQuestion.trim().length).toBeGreaterThan(0);
    }
  });

  it("prompts – no denylisted words", () => {
    for (const word of denylist) {
      // Prefix match on a word boundary so stems like "religio" and "politic" catch their inflections.
      const re = new RegExp(`\\b${word}`, "i");
      for (const p of BINGO_PROMPT_BANK) {
        expect(re.test(p.question), `${word} in "${p.question}"`).toBe(false);
        expect(re.test(p.shortQuestion), `${word} in "${p.shortQuestion}"`).toBe(false);
      }
    }
  });

  it("drawBingoGrid – 5×5 gives 25 distinct prompts from the bank", () => {
    const grid = drawBingoGrid(5);
    expect(grid).toHaveLength(25);
    expect(new Set(grid.map((p) => p.question)).size).toBe(25);
    const bank = new Set(BINGO_PROMPT_BANK.map((p) => p.question));
    for (const p of grid) expect(bank.has(p.question)).toBe(true);
  });

  it("drawBingoGrid – deterministic with a seeded random", () => {
    expect(drawBingoGrid(4, mulberry32(42))).toEqual(drawBingoGrid(4, mulberry32(42)));
    expect(drawBingoGrid(4, mulberry32(42))).not.toEqual(drawBingoGrid(4, mulberry32(7)));
  });

  it("drawBingoGrid – tolerates extreme random values and does not mutate the bank", () => {
    const snapshot = BINGO_PROMPT_BANK.map((p) => p.question);
    expect(new Set(drawBingoGrid(3, () => 0).map((p) => p.question)).size).toBe(9);
    expect(new Set(drawBingoGrid(3, () => 1).map((p) => p.question)).size).toBe(9);
    expect(BINGO_PROMPT_BANK.map((p) => p.question)).toEqual(snapshot);
  });
});
