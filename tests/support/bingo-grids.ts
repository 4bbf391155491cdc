/** A size×size grid in the dashboard's shape: rows of `{ question, shortQuestion }`. */
export function dashboardGrid(size: number, label = "square") {
  return Array.from({ length: size }, (_, row) =>
    Array.from({ length: size }, (_, col) => ({
      question: `Find someone who knows ${label} ${row}-${col}`,
      shortQuestion: `${label} ${row}-${col}`,
    })),
  );
}
