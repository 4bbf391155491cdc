import mongoose from "mongoose";
import { describe, expect, it } from "vitest";
import { newAchievements } from "../src/bingo/achievements";
import { type LeaderboardCard, rankLeaderboard } from "../src/bingo/leaderboard";
import { serializeBingo, serializeCard } from "../src/bingo/serialize";
import type { ParticipantEntry } from "../src/models/participant";

const id = () => new mongoose.Types.ObjectId();

function participant(name: string): ParticipantEntry {
  return { _id: id(), userId: id(), name };
}

function card(
  owner: ParticipantEntry,
  version: number,
  lines: number[],
  at: number,
  completed = false,
): LeaderboardCard {
  return { participantId: owner._id, version, lines, completed, lastMarkAt: new Date(at) };
}

describe("newAchievements", () => {
  it("newAchievements – a first version reports all its lines, and the card when full", () => {
    expect(newAchievements(null, { lines: [0, 3], completed: false })).toEqual({ lines: [0, 3], completed: false });
    expect(newAchievements(null, { lines: [0], completed: true })).toEqual({ lines: [0], completed: true });
  });

  it("newAchievements – only lines the previous version lacked, and the card only once", () => {
    expect(newAchievements({ lines: [0, 3], completed: false }, { lines: [0, 3, 5, 6], completed: false })).toEqual({
      lines: [5, 6],
      completed: false,
    });
    expect(newAchievements({ lines: [0, 1], completed: true }, { lines: [0, 1], completed: true })).toEqual({
      lines: [],
      completed: false,
    });
    expect(newAchievements({ lines: [], completed: false }, { lines: [], completed: false })).toEqual({
      lines: [],
      completed: false,
    });
  });
});

describe("rankLeaderboard", () => {
  it("rankLeaderboard – the newest version of each card counts, whatever order the versions come in", () => {
    const ann = participant("Ann");
    const ranked = rankLeaderboard([ann], [card(ann, 3, [0], 30), card(ann, 1, [], 10), card(ann, 2, [], 20)]);
    expect(ranked).toEqual([
      {
        participantId: ann._id.toHexString(),
        name: "Ann",
        profilePhoto: null,
        connectionsCount: 0,
        linesCompleted: 1,
        completed: false,
        squaresFilled: 3,
      },
    ]);
  });

  it("rankLeaderboard – completed beats lines, lines beat squares, squares beat time", () => {
    const [full, lines, squares, early] = ["Full", "Lines", "Squares", "Early"].map(
      participant,
    ) as ParticipantEntry[] as [ParticipantEntry, ParticipantEntry, ParticipantEntry, ParticipantEntry];
    const ranked = rankLeaderboard(
      [early, squares, lines, full],
      [
        card(early, 1, [], 1),
        card(squares, 4, [], 50),
        card(lines, 3, [0, 1], 90),
        card(full, 9, [0, 1, 2, 3, 4, 5, 6, 7], 99, true),
      ],
    );
    expect(ranked.map((row) => row.name)).toEqual(["Full", "Lines", "Squares", "Early"]);
  });

  it("rankLeaderboard – equal scores: earlier newest mark first; then no mark, then join order", () => {
    const [late, soon, idleA, idleB, sameTimeLater] = ["Late", "Soon", "Idle A", "Idle B", "Same time"].map(
      participant,
    ) as [ParticipantEntry, ParticipantEntry, ParticipantEntry, ParticipantEntry, ParticipantEntry];
    const ranked = rankLeaderboard(
      [idleA, late, sameTimeLater, idleB, soon],
      [card(late, 2, [], 200), card(soon, 2, [], 100), card(sameTimeLater, 2, [], 200)],
    );
    expect(ranked.map((row) => row.name)).toEqual(["Soon", "Late", "Same time", "Idle A", "Idle B"]);
  });
});

describe("bingo serializers", () => {
  it("serializeBingo – turns the row-major grid into rows and leaves out a missing shortQuestion", () => {
    const grid = Array.from({ length: 9 }, (_, i) =>
      i === 4 ? { question: `Q${i}` } : { question: `Q${i}`, shortQuestion: `S${i}` },
    );
    const { size, grid: rows } = serializeBingo({ size: 3, grid });
    expect(size).toBe(3);
    expect(rows.map((row) => row.map((square) => square.question))).toEqual([
      ["Q0", "Q1", "Q2"],
      ["Q3", "Q4", "Q5"],
      ["Q6", "Q7", "Q8"],
    ]);
    expect(rows[1]?.[1]).toEqual({ question: "Q4" });
    expect(rows[2]?.[0]).toEqual({ question: "Q6", shortQuestion: "S6" });
  });

  it("serializeCard – flat squares become row and column; no card is an empty one", () => {
    const other = id();
    const at = new Date();
    expect(
      serializeCard(4, { marks: [{ square: 7, participantId: other, name: "Bo", at }], lines: [], completed: false }),
    ).toEqual({
      marks: [{ row: 1, col: 3, participantId: other.toHexString(), name: "Bo" }],
      linesCompleted: 0,
      completed: false,
    });
    expect(serializeCard(5, null)).toEqual({ marks: [], linesCompleted: 0, completed: false });
  });
});
