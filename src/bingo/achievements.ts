/** What a card has achieved: its completed lines (indexes into bingoLines(size)) and whether it is full. */
export interface CardAchievements {
  lines: readonly number[];
  completed: boolean;
}

/** What `after` achieved that `before` had not: the lines newly completed, and the card if newly full. */
export function newAchievements(before: CardAchievements | null, after: CardAchievements): CardAchievements {
  const known = new Set(before?.lines ?? []);
  return {
    lines: after.lines.filter((line) => !known.has(line)),
    completed: after.completed && !before?.completed,
  };
}
