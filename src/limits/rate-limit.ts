import type { VercelRequest } from "@vercel/node";
import { env } from "../env";
import { ApiError, isDuplicateKeyError } from "../errors";
import { RateLimitWindow, type RateLimitWindowDoc } from "../models/rate-limit-window";

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
  const { count, windowEnd } = await countRateLimitHit(limit, subject, now);
  if (count > limit.max) throw rateLimited(windowEnd, now);
}

export function rateLimited(windowEnd: number, now: number): ApiError {
  const retryAfter = Math.max(1, Math.ceil((windowEnd - now) / 1000));
  return new ApiError("rate_limited", `Too many requests; try again in ${retryAfter} s.`, undefined, {
    "Retry-After": String(retryAfter),
  });
}

function rateLimitWindow(limit: RateLimit, subject: string, now: number): { id: string; windowEnd: number } {
  const windowStart = now - (now % limit.windowMs);
  return { id: `${limit.name}:${subject}:${windowStart}`, windowEnd: windowStart + limit.windowMs };
}

/** Counts one hit in `subject`'s current window of `limit` (one round trip) and returns the count. */
export async function countRateLimitHit(
  limit: RateLimit,
  subject: string,
  now = Date.now(),
): Promise<{ count: number; windowEnd: number }> {
  const { id, windowEnd } = rateLimitWindow(limit, subject, now);
  const filter = { _id: id };
  const update = { $inc: { count: 1 }, $setOnInsert: { expiresAt: new Date(windowEnd) } };
  let window: { count: number } | null;
  try {
    window = await RateLimitWindow.findOneAndUpdate(filter, update, { upsert: true, returnDocument: "after" }).lean();
  } catch (error) {
    // Two first requests of a window can both try to insert it; the loser just counts again.
    if (!isDuplicateKeyError(error)) throw error;
    window = await RateLimitWindow.findOneAndUpdate(filter, update, { returnDocument: "after" }).lean();
  }
  return { count: window?.count ?? 0, windowEnd };
}

/** Takes back one hit counted in each `[limit, subject]`'s current window (one round trip). */
export async function refundRateLimitHits(
  hits: readonly (readonly [RateLimit, string])[],
  now = Date.now(),
): Promise<void> {
  await RateLimitWindow.bulkWrite(
    hits.map(([limit, subject]) => ({
      updateOne: {
        filter: { _id: rateLimitWindow(limit, subject, now).id, count: { $gt: 0 } },
        update: { $inc: { count: -1 } },
      },
    })),
    { ordered: false },
  );
}

/** Deletes windows that have ended (run by the cron function). */
export async function deleteExpiredRateLimitWindows(now = new Date()): Promise<number> {
  const { deletedCount } = await RateLimitWindow.deleteMany({ expiresAt: { $lte: now } });
  return deletedCount;
}

/**
 * The caller's IP address. Forwarding headers are only believed where something trustworthy set
 * them: on Vercel (its edge overwrites X-Real-IP and X-Forwarded-For with the real client), or
 * when the connection comes from a proxy listed in TRUSTED_PROXY_IPS (then X-Forwarded-For is
 * read from the right, skipping those proxies). X-Real-IP behind such a proxy only with
 * TRUST_X_REAL_IP: nginx and AWS ALB pass a client's own X-Real-IP through untouched, so by default
 * it is the client's word. Anywhere else a client could name any address.
 */
export function clientIp(
  req: Pick<VercelRequest, "headers" | "socket">,
  trust: { vercel: boolean; proxies: readonly string[]; realIp?: boolean } = {
    vercel: env.VERCEL,
    proxies: env.TRUSTED_PROXY_IPS,
    realIp: env.TRUST_X_REAL_IP,
  },
): string {
  const peer = normalizeIp(req.socket?.remoteAddress);
  const realIp = normalizeIp(headerValues(req.headers["x-real-ip"])[0]?.trim());
  const forwarded = headerValues(req.headers["x-forwarded-for"])
    .flatMap((value) => value.split(","))
    .map((address) => normalizeIp(address.trim()))
    .filter(Boolean);
  if (trust.vercel) return realIp || forwarded[0] || peer || "unknown";
  if (peer && trust.proxies.includes(peer)) {
    if (trust.realIp && realIp) return realIp;
    // Each proxy appends the address it saw: the last one that is not ours is the client.
    return forwarded.reverse().find((address) => !trust.proxies.includes(address)) || peer;
  }
  return peer || "unknown";
}

function headerValues(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** `::ffff:10.0.0.1` (IPv4 on an IPv6 socket) is `10.0.0.1`. */
export function normalizeIp(address: string | undefined): string {
  if (!address) return "";
  return address.toLowerCase().replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, "$1");
}

/**
 * Runs an attempt to reach an event by its id (a public read, a join) from `ip`. A miss
 * (`not_found`) is counted in the IP's misses, and past the limit answered 429 instead of 404. A
 * hit costs nothing here (issue 21: no command on a read path for a limit): an event id holds 48
 * random bits (src/ids.ts), so what a guesser could find by id is out of reach whether or not its
 * hits are refused, and checking every hit would cost every public read and join a command. The
 * weaker door, the join code, refuses a blocked IP's hits on the instances that counted it blocked
 * (readWithinEventMissLimit).
 */
export async function withEventMissLimit<T>(ip: string, attempt: () => Promise<T>, now = Date.now()): Promise<T> {
  try {
    return await attempt();
  } catch (error) {
    if (error instanceof ApiError && error.code === "not_found") await countMiss(ip, now);
    throw error;
  }
}

/** Counts a miss in the IP's window (one findAndModify), and refuses it with 429 past the limit. */
async function countMiss(ip: string, now: number): Promise<void> {
  const { count, windowEnd } = await countRateLimitHit(RATE_LIMITS.eventMissesPerIp, ip, now);
  if (count > RATE_LIMITS.eventMissesPerIp.max) throw rateLimited(windowEnd, now);
}

/**
 * The limits a guest join passes before anything else, in one command (issue 21): counts the join
 * in the IP's guest-join minute and reads the IP's event misses, both kept in the IP's miss window
 * (`guestJoins.m<minute>` beside `count`; a minute lies inside one ten-minute window). 429 when
 * either is full. The join itself then runs under withEventMissLimit, which does not read again.
 */
export async function countGuestJoin(ip: string, now = Date.now()): Promise<void> {
  const joins = RATE_LIMITS.guestJoinPerIp;
  const misses = RATE_LIMITS.eventMissesPerIp;
  const { id, windowEnd: missWindowEnd } = rateLimitWindow(misses, ip, now);
  const { windowEnd: minuteEnd } = rateLimitWindow(joins, ip, now);
  const minute = `m${minuteEnd - joins.windowMs}`;
  const filter = { _id: id };
  const update = {
    $inc: { [`guestJoins.${minute}`]: 1 },
    $setOnInsert: { count: 0, expiresAt: new Date(missWindowEnd) },
  };
  let window: RateLimitWindowDoc | null;
  try {
    window = await RateLimitWindow.findOneAndUpdate(filter, update, { upsert: true, returnDocument: "after" }).lean();
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    window = await RateLimitWindow.findOneAndUpdate(filter, update, { returnDocument: "after" }).lean();
  }
  if ((window?.guestJoins?.[minute] ?? 0) > joins.max) throw rateLimited(minuteEnd, now);
  if ((window?.count ?? 0) >= misses.max) throw rateLimited(missWindowEnd, now);
}

/**
 * IPs this function instance has counted up to the miss limit on a join-code look-up, with the end
 * of their window: until then every look-up from them is a 429, hits included, without a command.
 * A new instance starts with none, so what an IP past the limit can still learn is bounded by the
 * instances it reaches: each answers it until it counts one more of its misses (docs/limits.md).
 * Kept to MAX_BLOCKED_IPS entries, ended windows dropped first, then the oldest.
 */
const blockedUntil = new Map<string, number>();
const MAX_BLOCKED_IPS = 10_000;

function rememberBlocked(ip: string, windowEnd: number, now: number): void {
  blockedUntil.delete(ip);
  if (blockedUntil.size >= MAX_BLOCKED_IPS) {
    for (const [other, end] of blockedUntil) if (end <= now) blockedUntil.delete(other);
    const oldest = blockedUntil.keys().next();
    if (blockedUntil.size >= MAX_BLOCKED_IPS && !oldest.done) blockedUntil.delete(oldest.value);
  }
  blockedUntil.set(ip, windowEnd);
}

/** Empties this instance's memory of blocked IPs, as a new instance starts (for tests). */
export function forgetBlockedIps(): void {
  blockedUntil.clear();
}

/**
 * A read of an event by join code within the IP's miss limit, with no command for the limit on a
 * hit (issue 21): an IP this instance knows to be past the limit is refused at once (429); else
 * `find` runs, and a hit goes on to `afterHit`. A miss (`find` throws `not_found`) is counted with
 * one findAndModify, which also says whether the window is now full: from the limit on the
 * instance remembers the IP until the window ends, and past it the miss is a 429, else the 404.
 */
export async function readWithinEventMissLimit<T, U>(
  ip: string,
  find: () => Promise<T>,
  afterHit: (found: T) => Promise<U>,
  now = Date.now(),
): Promise<U> {
  const blocked = blockedUntil.get(ip) ?? 0;
  if (blocked > now) throw rateLimited(blocked, now);
  let found: T;
  try {
    found = await find();
  } catch (error) {
    if (error instanceof ApiError && error.code === "not_found") {
      const { count, windowEnd } = await countRateLimitHit(RATE_LIMITS.eventMissesPerIp, ip, now);
      if (count >= RATE_LIMITS.eventMissesPerIp.max) rememberBlocked(ip, windowEnd, now);
      if (count > RATE_LIMITS.eventMissesPerIp.max) throw rateLimited(windowEnd, now);
    }
    throw error;
  }
  return afterHit(found);
}

const MINUTE = 60_000;

export const RATE_LIMITS = {
  // Logins count failures only (src/auth/login-limits.ts); see docs/security.md.
  loginPerIp: { name: "login-ip", max: env.RATE_LIMIT_LOGIN_PER_IP, windowMs: MINUTE },
  loginPerEmailAndIp: { name: "login-email-ip", max: env.RATE_LIMIT_LOGIN_PER_EMAIL_IP, windowMs: 10 * MINUTE },
  loginPerEmail: { name: "login-email", max: env.RATE_LIMIT_LOGIN_PER_EMAIL, windowMs: 60 * MINUTE },
  signupPerIp: { name: "signup-ip", max: env.RATE_LIMIT_SIGNUP_PER_IP, windowMs: MINUTE },
  guestJoinPerIp: { name: "guest-join-ip", max: env.RATE_LIMIT_GUEST_JOIN_PER_IP, windowMs: MINUTE },
  eventMissesPerIp: { name: "event-miss-ip", max: env.RATE_LIMIT_EVENT_MISSES_PER_IP, windowMs: 10 * MINUTE },
  emailChangesPerUser: { name: "email-change-user", max: env.RATE_LIMIT_EMAIL_CHANGES_PER_USER, windowMs: 60 * MINUTE },
  // Meeting-code scans per participant (issue 18): far above anyone's real pace, and far too few
  // to guess a code; the arithmetic is in docs/meetings.md.
  meetingScansPerParticipant: { name: "meeting-scan", max: 20, windowMs: MINUTE },
  emailChangesPerIp: { name: "email-change-ip", max: env.RATE_LIMIT_EMAIL_CHANGES_PER_IP, windowMs: 60 * MINUTE },
} as const satisfies Record<string, RateLimit>;
