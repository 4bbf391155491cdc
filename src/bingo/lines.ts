const MIN_SIZE = 3;
const MAX_SIZE = 5;

const lineCache = new Map<number, readonly (readonly number[])[]>();

function assertSize(size: number): void {
  if (!Number.isInteger(size) || size < MIN_SIZE || size > MAX_SIZE) {
    throw new RangeError(`Bingo card size must be an integer from ${MIN_SIZE} to ${MAX_SIZE}, got ${size}`);
  }
}

export function squareIndex(size: number, row: number, col: number): number {
  assertSize(size);
  if (!Number.isInteger(row) || !Number.isInteger(col) || row < 0 || col < 0 || row >= size || col >= size) {
    throw new RangeError(`Square (${row}, ${col}) is outside a ${size}×${size} card`);
  }
  return row * size + col;
}

/** Every line of an n×n card as the flat square indexes it covers: rows, then columns, then the two diagonals (2n + 2 lines). */
export function bingoLines(size: number): readonly (readonly number[])[] {
  const cached = lineCache.get(size);
  if (cached) return cached;
  assertSize(size);

  const range = Array.from({ length: size }, (_, i) => i);
  const lines: (readonly number[])[] = [];
  for (const row of range) lines.push(Object.freeze(range.map((col) => row * size + col)));
  for (const col of range) lines.push(Object.freeze(range.map((row) => row * size + col)));
  lines.push(Object.freeze(range.map((i) => i * size + i)));
  lines.push(Object.freeze(range.map((i) => i * size + (size - 1 - i))));

  // Frozen because the same arrays are handed to every caller.
  const frozen = Object.freeze(lines);
  lineCache.set(size, frozen);
  return frozen;
}

/** Indexes (into bingoLines(size)) of the lines fully covered by `filled` (flat indexes, any order, duplicates tolerated). */
export function completedLines(size: number, filled: Iterable<number>): number[] {
  const lines = bingoLines(size);
  const set = new Set(filled);
  const done: number[] = [];
  lines.forEach((line, i) => {
    if (line.every((square) => set.has(square))) done.push(i);
  });
  return done;
}

/** True when every square 0..n²-1 is filled. */
export function isCardComplete(size: number, filled: Iterable<number>): boolean {
  assertSize(size);
  const set = new Set(filled);
  for (let square = 0; square < size * size; square++) {
    if (!set.has(square)) return false;
  }
  return true;
}
