import type { BingoCardDoc } from "../models/bingo-card";
import type { BingoSquare, EventDoc } from "../models/event";

export interface SerializedBingo {
  size: number;
  /** Rows of squares, the same shape the host sends. */
  grid: BingoSquare[][];
  description: string;
}

export interface SerializedCard {
  marks: { row: number; col: number; participantId: string; name: string }[];
  linesCompleted: number;
  completed: boolean;
}

/** The stored row-major grid as rows. */
export function serializeBingo(bingo: EventDoc["bingo"]): SerializedBingo {
  const { size, grid, description } = bingo;
  const rows = Array.from({ length: size }, (_, row) =>
    grid.slice(row * size, (row + 1) * size).map((square) => ({
      question: square.question,
      ...(square.shortQuestion ? { shortQuestion: square.shortQuestion } : {}),
    })),
  );
  return { size, grid: rows, description: description ?? "" };
}

/** A participant's card (an empty one before their first mark), in the order the marks were made. */
export function serializeCard(
  size: number,
  card: Pick<BingoCardDoc, "marks" | "lines" | "completed"> | null,
): SerializedCard {
  return {
    marks: (card?.marks ?? []).map((mark) => ({
      row: Math.floor(mark.square / size),
      col: mark.square % size,
      participantId: mark.participantId.toHexString(),
      name: mark.name,
    })),
    linesCompleted: card?.lines.length ?? 0,
    completed: card?.completed ?? false,
  };
}
