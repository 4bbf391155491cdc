import { ApiError } from "../errors";

/**
 * Runs `work` but answers by `budgetMs` at the latest: past it the request is a 503
 * database_unavailable (the database is the only thing a handler waits for without its own
 * bound; Pusher has PUSHER_TIMEOUT_MS). The work is not cancelled; like a cut connection, the
 * client cannot know whether a write it started was stored.
 */
export async function withinTimeBudget<T>(work: Promise<T>, budgetMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeBudgetExceeded()), budgetMs);
  });
  // Whatever the abandoned work ends with later must not become an unhandled rejection.
  work.catch(() => undefined);
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** The 503 of a request past its budget. */
export class TimeBudgetExceeded extends ApiError {
  constructor() {
    super("database_unavailable", "The database did not answer in time. Try again shortly.");
  }
}
