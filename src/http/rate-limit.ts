import type { VercelRequest } from "@vercel/node";
import { env } from "../env";
import { ApiError, isDuplicateKeyError } from "../errors";
import { RateLimitWindow } from "../models/rate-limit-window";

export interface RateLimit {
  /** Names the limit in its counters, e.g. `login-ip`. */
  name: string;
  max: number;
  windowMs: number;
}

/**
 * Counts one request against `limit` for `subject` in a fixed window kept in MongoDB (one
 * round trip), and refuses it with 429 and Retry-After once the window is full.
 */
export async function enforceRateLimit(limit: RateLimit, subject: string, now = Date.now()): Promise<void> {
  const windowStart = now - (now % limit.windowMs);
  const windowEnd = windowStart + limit.windowMs;
  const filter = { _id: `${limit.name}:${subject}:${windowStart}` };
  const update = { $inc: { count: 1 }, $setOnInsert: { expiresAt: new Date(windowEnd) } };
  let window: { count: number } | null;
  try {
    window = await RateLimitWindow.findOneAndUpdate(filter, update, { upsert: true, returnDocument: "after" }).lean();
  } catch (error) {
    // Two first requests of a window can both try to insert it; the loser just counts again.
    if (!isDuplicateKeyError(error)) throw error;
    window = await RateLimitWindow.findOneAndUpdate(filter, update, { returnDocument: "after" }).lean();
  }
  if ((window?.count ?? 0) > limit.max) {
    const retryAfter = Math.max(1, Math.ceil((windowEnd - now) / 1000));
    throw new ApiError("rate_limited", `Too many requests; try again in ${retryAfter} s.`, undefined, {
      "Retry-After": String(retryAfter),
    });
  }
}

/** Deletes windows that have ended (run by the cron function). */
export async function deleteExpiredRateLimitWindows(now = new Date()): Promise<number> {
  const { deletedCount } = await RateLimitWindow.deleteMany({ expiresAt: { $lte: now } });
  return deletedCount;
}

/**
 * The caller's IP address. On Vercel the platform sets X-Real-IP / X-Forwarded-For itself
 * (a client-sent value is overwritten), so they can be trusted there.
 */
export function clientIp(req: VercelRequest): string {
  const realIp = req.headers["x-real-ip"];
  if (typeof realIp === "string" && realIp) return realIp.trim();
  const forwarded = req.headers["x-forwarded-for"];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(",")[0]?.trim();
  return first || req.socket?.remoteAddress || "unknown";
}

const MINUTE = 60_000;

export const RATE_LIMITS = {
  loginPerIp: { name: "login-ip", max: env.RATE_LIMIT_LOGIN_PER_IP, windowMs: MINUTE },
  loginPerEmail: { name: "login-email", max: env.RATE_LIMIT_LOGIN_PER_EMAIL, windowMs: MINUTE },
  guestJoinPerIp: { name: "guest-join-ip", max: env.RATE_LIMIT_GUEST_JOIN_PER_IP, windowMs: MINUTE },
} as const satisfies Record<string, RateLimit>;
