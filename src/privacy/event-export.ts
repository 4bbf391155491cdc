import mongoose from "mongoose";
import { getLeaderboard } from "../bingo/leaderboard";
import { ApiError, eventNotFound } from "../errors";
import { ActivityEntry, type ActivityEntryDoc } from "../models/activity-entry";
import { BingoCard } from "../models/bingo-card";
import { Event } from "../models/event";
import { Participant, type ParticipantDoc } from "../models/participant";
import { ParticipantConnection, type ParticipantConnectionDoc } from "../models/participant-connection";
import { User } from "../models/user";
import { type Cell, csvRow, UTF8_BOM } from "./csv";

// GET /api/events/:eventId/export – the host's record of an event, one table at a time, written
// a page of PAGE_SIZE rows at a time: memory holds one page whatever the event's size (the
// leaderboard excepted: ranking needs every row, and GET …/leaderboard holds it the same way).

export type ExportTable = "participants" | "connections" | "leaderboard";
export type ExportFormat = "csv" | "json";
type Row = Record<string, Cell>;

const PAGE_SIZE = 500;

/** Each table's columns, in order: a new column is one line here and one in its row builder. */
export const EXPORT_COLUMNS: Record<ExportTable, readonly string[]> = {
  participants: ["participantId", "name", "account", "joinedAt", "left", "connectionsCount", "lines", "completed"],
  connections: ["at", "participantId", "name", "metParticipantId", "metName", "description", "square", "verified"],
  leaderboard: ["rank", "participantId", "name", "connectionsCount", "linesCompleted", "squaresFilled", "completed"],
};

export interface EventExport {
  filename: string;
  contentType: string;
  chunks: AsyncIterable<string>;
}

/** Checks the caller hosts the event (404 / 403 before anything is written), then the export. */
export async function exportEventTable(
  eventId: string,
  hostId: string,
  table: ExportTable,
  format: ExportFormat,
): Promise<EventExport> {
  const event = await Event.findById(eventId, { createdBy: 1 }).lean();
  if (!event) throw eventNotFound();
  if (!event.createdBy.equals(hostId)) throw new ApiError("forbidden", "Only the event's host can do that.");
  const pages = PAGES[table](new mongoose.Types.ObjectId(eventId));
  return {
    filename: `event-${eventId}-${table}.${format}`,
    contentType: format === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8",
    chunks: format === "csv" ? csvChunks(EXPORT_COLUMNS[table], pages) : jsonChunks(table, pages),
  };
}

async function* csvChunks(columns: readonly string[], pages: AsyncIterable<Row[]>): AsyncIterable<string> {
  yield UTF8_BOM + csvRow(columns);
  for await (const page of pages) yield page.map((row) => csvRow(columns.map((column) => row[column]))).join("");
}

async function* jsonChunks(table: ExportTable, pages: AsyncIterable<Row[]>): AsyncIterable<string> {
  yield `{"success":true,"table":${JSON.stringify(table)},"rows":[`;
  let first = true;
  for await (const page of pages) {
    if (page.length === 0) continue;
    yield (first ? "" : ",") + page.map((row) => JSON.stringify(row)).join(",");
    first = false;
  }
  yield "]}";
}

const PAGES: Record<ExportTable, (eventId: mongoose.Types.ObjectId) => AsyncIterable<Row[]>> = {
  participants: participantPages,
  connections: connectionPages,
  leaderboard: leaderboardPages,
};

/**
 * Who is in the event (join order, one cursor), then who left it (from the activity log: their
 * names only). The counts come from one aggregate and one projected read of the cards for the
 * whole event, as GET …/leaderboard reads them: small fields per participant.
 */
async function* participantPages(eventId: mongoose.Types.ObjectId): AsyncIterable<Row[]> {
  const stats = await statsOf(eventId);
  const people = Participant.find({ eventId }, { userId: 1, name: 1, joinedAt: 1 })
    .sort({ seq: 1 })
    .batchSize(PAGE_SIZE)
    .lean<Pick<ParticipantDoc, "_id" | "userId" | "name" | "joinedAt">[]>()
    .cursor();
  for await (const page of inPages(people)) {
    const users = await User.find({ _id: { $in: page.map((p) => p.userId) } }, { authProvider: 1 }).lean();
    const accounts = new Map(
      users.map((u) => [u._id.toHexString(), u.authProvider === "local" ? "registered" : "guest"]),
    );
    yield page.map((p) => ({
      participantId: p._id.toHexString(),
      name: p.name,
      account: accounts.get(p.userId.toHexString()) ?? "",
      joinedAt: p.joinedAt.toISOString(),
      left: false,
      ...stats(p._id.toHexString()),
    }));
  }
  const left = ActivityEntry.find({ eventId, event: "participant-left" }, { data: 1 })
    .sort({ seq: 1 })
    .batchSize(PAGE_SIZE)
    .lean<Pick<ActivityEntryDoc, "_id" | "data">[]>()
    .cursor();
  for await (const page of inPages(left)) {
    yield page.map(({ data }) => ({
      participantId: String(data.participantId),
      name: String(data.name),
      account: "",
      joinedAt: null,
      left: true,
      ...stats(String(data.participantId)),
    }));
  }
}

/** A cursor's documents, PAGE_SIZE at a time. */
async function* inPages<T>(cursor: AsyncIterable<T>): AsyncIterable<T[]> {
  let page: T[] = [];
  for await (const doc of cursor) {
    page.push(doc);
    if (page.length === PAGE_SIZE) {
      yield page;
      page = [];
    }
  }
  if (page.length > 0) yield page;
}

/** People met, lines and a full card per participant (hex id) of the event: two queries. */
async function statsOf(eventId: mongoose.Types.ObjectId) {
  const [counts, cards] = await Promise.all([
    ParticipantConnection.aggregate<{ _id: mongoose.Types.ObjectId; count: number }>([
      { $match: { eventId } },
      { $group: { _id: "$primaryParticipantId", count: { $sum: 1 } } },
    ]),
    BingoCard.find({ eventId }, { participantId: 1, version: 1, lines: 1, completed: 1 }).lean(),
  ]);
  const connections = new Map(counts.map((c) => [c._id.toHexString(), c.count]));
  const latest = new Map<string, { version: number; lines: number[]; completed: boolean }>();
  for (const card of cards) {
    const key = card.participantId.toHexString();
    if ((latest.get(key)?.version ?? 0) < card.version) latest.set(key, card);
  }
  return (id: string) => {
    const card = latest.get(id);
    return {
      connectionsCount: connections.get(id) ?? 0,
      lines: card?.lines.length ?? 0,
      completed: card?.completed ?? false,
    };
  };
}

/**
 * Who met whom, in the order stored: one cursor over the event's connections (one query, then a
 * batch of PAGE_SIZE per round trip). A connection stores the name of whom was met; the makers'
 * names come from one projected read of the participants, as the leaderboard reads them.
 */
async function* connectionPages(eventId: mongoose.Types.ObjectId): AsyncIterable<Row[]> {
  const people = await Participant.find({ eventId }, { name: 1 }).lean();
  const names = new Map(people.map((p) => [p._id.toHexString(), p.name]));
  const cursor = ParticipantConnection.find({ eventId })
    .batchSize(PAGE_SIZE)
    .lean<(ParticipantConnectionDoc & { verified?: boolean })[]>()
    .cursor();
  for await (const page of inPages(cursor)) {
    yield page.map((c) => ({
      at: c.at.toISOString(),
      participantId: c.primaryParticipantId.toHexString(),
      name: names.get(c.primaryParticipantId.toHexString()) ?? "",
      metParticipantId: c.secondaryParticipantId.toHexString(),
      metName: c.secondaryName,
      description: c.description,
      square: c.square,
      // Verified meetings (issue 18) once the connection model has them.
      verified: c.verified ?? null,
    }));
  }
}

async function* leaderboardPages(eventId: mongoose.Types.ObjectId): AsyncIterable<Row[]> {
  const board = await getLeaderboard(eventId.toHexString());
  for (let start = 0; start < board.length; start += PAGE_SIZE) {
    yield board.slice(start, start + PAGE_SIZE).map((entry, i) => ({
      rank: start + i + 1,
      participantId: entry.participantId,
      name: entry.name,
      connectionsCount: entry.connectionsCount,
      linesCompleted: entry.linesCompleted,
      squaresFilled: entry.squaresFilled,
      completed: entry.completed,
    }));
  }
}
