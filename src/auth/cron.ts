import { createHash, timingSafeEqual } from "node:crypto";
import { env } from "../env";
import { ApiError } from "../errors";

/** Vercel calls cron functions with `Authorization: Bearer $CRON_SECRET`; anyone else is refused. */
export function requireCronSecret(authorization: string | undefined): void {
  const expected = env.CRON_SECRET ? `Bearer ${env.CRON_SECRET}` : undefined;
  // Hashing first gives equal lengths, so the comparison takes the same time for any input.
  const digest = (value: string) => createHash("sha256").update(value).digest();
  if (!expected || !timingSafeEqual(digest(authorization ?? ""), digest(expected))) {
    throw new ApiError("unauthorized", "This endpoint is for Vercel Cron only.");
  }
}
