import { createHash } from "node:crypto";
import mongoose from "mongoose";
import { env } from "../env";
import { ApiError, busyError, isDuplicateKeyError } from "../errors";
import { newDocumentId } from "../ids";
import { logFailure } from "../log";
import { IdempotencyRecord, type IdempotencyRecordDoc } from "../models/idempotency-record";
import {
  fingerprintRequest,
  requireStrongAnonymousKey,
  sameRequest,
  withFreshToken,
  withoutToken,
} from "./idempotency-request";

// `Idempotency-Key` on the routes that create things (docs/retries-and-idempotency.md): the same key
// and body from the same caller on the same concrete path within KEY_TTL_MS gets the first answer again
// without a second write. What a request creates takes the id reserved with its key, so an attempt
// that dies after its write but before its answer was recorded is repeated by the retry and finds
// (not duplicates) what was stored.

export const KEY_TTL_MS = 24 * 60 * 60 * 1000;
/**
 * An attempt counts as in flight this long: REQUEST_BUDGET_MS, by when the wrapper has answered
 * it (time-budget.ts) and after which a retry may take the key over. One that fails releases its
 * key at once.
 */
export function inFlightMs(): number {
  return env.REQUEST_BUDGET_MS;
}
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
const BEGIN_ATTEMPTS = 4;

/** A request holding its key: run it, then `record` its answer or `release` the key. */
export interface IdempotentAttempt {
  kind: "run";
  id: string;
  attempt: mongoose.Types.ObjectId;
  reservedId: mongoose.Types.ObjectId;
}

/** The first answer, given again. */
export interface IdempotentReplay {
  kind: "replay";
  status: number;
  body: object;
}

export interface IdempotencyScope {
  /** Method and concrete path of the request (`POST /api/events/<id>/join/guest`): a key means something only there. */
  route: string;
  /** The token's user, or null for an anonymous caller. */
  caller: string | null;
}

/** The `Idempotency-Key` header, checked; undefined when none was sent. */
export function readIdempotencyKey(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (typeof header !== "string" || !KEY_PATTERN.test(header)) {
    throw new ApiError("invalid_input", "The request is not valid.", [
      { path: "Idempotency-Key", message: "must be 1–255 visible ASCII characters, sent once" },
    ]);
  }
  return header;
}

/**
 * Takes the key for this request, or answers for it: the recorded answer when the same request
 * was answered already, 422 `idempotency_key_reused` when the key came with another body, 503
 * `busy` (Retry-After) while an attempt is in flight. An expired key, or one whose attempt failed
 * or outlived inFlightMs(), is taken over, keeping its reserved id.
 */
export async function beginIdempotent(
  scope: IdempotencyScope,
  key: string,
  body: unknown,
  now = Date.now(),
): Promise<IdempotentAttempt | IdempotentReplay> {
  if (scope.caller === null) requireStrongAnonymousKey(key);
  const id = sha256(JSON.stringify([scope.route, scope.caller, key]));
  const fingerprint = fingerprintRequest(body);
  for (let i = 0; i < BEGIN_ATTEMPTS; i++) {
    const attempt = new mongoose.Types.ObjectId();
    const held = { attempt, lockedUntil: new Date(now + inFlightMs()), status: null, response: null, token: null };
    try {
      const reservedId = newDocumentId();
      await IdempotencyRecord.create({
        _id: id,
        fingerprint,
        reservedId,
        expiresAt: new Date(now + KEY_TTL_MS),
        ...held,
      });
      return { kind: "run", id, attempt, reservedId };
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
    const existing = await IdempotencyRecord.findById(id).lean<IdempotencyRecordDoc>();
    if (!existing) continue; // Expired and deleted by the cron in between.
    if (existing.expiresAt.getTime() <= now) {
      // A new request under an old key: a fresh record, but not one that another taker got first.
      const fresh = { fingerprint, reservedId: newDocumentId(), expiresAt: new Date(now + KEY_TTL_MS) };
      const taken = await IdempotencyRecord.updateOne(
        { _id: id, attempt: existing.attempt, expiresAt: existing.expiresAt },
        { $set: { ...fresh, ...held } },
      );
      if (taken.modifiedCount === 1) return { kind: "run", id, attempt, reservedId: fresh.reservedId };
      continue;
    }
    if (!sameRequest(existing.fingerprint, body)) {
      throw new ApiError(
        "idempotency_key_reused",
        "This Idempotency-Key was used for a different request; use a new key for a new request.",
      );
    }
    if (existing.status !== null && existing.response !== null) {
      return {
        kind: "replay",
        status: existing.status,
        body: withFreshToken(existing.response, existing.token ?? null, now),
      };
    }
    const lockedUntil = existing.lockedUntil?.getTime() ?? 0;
    if (lockedUntil > now) {
      throw busyError(
        "A request with this Idempotency-Key is still in progress; retry after it.",
        Math.ceil((lockedUntil - now) / 1000),
      );
    }
    const takenOver = await IdempotencyRecord.updateOne(
      { _id: id, attempt: existing.attempt, status: null },
      { $set: { attempt, lockedUntil: held.lockedUntil } },
    );
    if (takenOver.modifiedCount === 1) return { kind: "run", id, attempt, reservedId: existing.reservedId };
  }
  throw busyError("A request with this Idempotency-Key is still in progress; retry after it.", 1);
}

/**
 * Stores the answer for the retries to come, without its token (who it was for instead). A
 * failure is only logged: the write happened, so the caller gets its answer; the key stays in
 * flight until inFlightMs() and a retry then repeats the request, which finds what it created
 * under the reserved id.
 */
export async function recordIdempotentAnswer(held: IdempotentAttempt, status: number, body: object): Promise<void> {
  const { response, token } = withoutToken(body);
  await IdempotencyRecord.updateOne(
    { _id: held.id, attempt: held.attempt },
    { $set: { status, response, token, lockedUntil: null } },
  ).catch((error: unknown) => logFailure("recording an idempotent answer failed", error));
}

/** Lets a retry run at once after this attempt failed without an answer worth repeating. */
export async function releaseIdempotencyKey(held: IdempotentAttempt): Promise<void> {
  await IdempotencyRecord.updateOne(
    { _id: held.id, attempt: held.attempt, status: null },
    { $set: { lockedUntil: null } },
  ).catch((error: unknown) => logFailure("releasing an idempotency key failed", error));
}

// How long a failed request waits to record or release its key before answering anyway.
const SETTLE_MS = 1_000;

/** Waits for `work` at most SETTLE_MS (it never rejects: recording and releasing log failures). */
export async function settleQuickly(work: Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, SETTLE_MS);
  });
  await Promise.race([work, waited]);
  clearTimeout(timer);
}

/** Answers worth repeating: successes and refusals that the same request would get again. */
export function isRepeatableAnswer(status: number): boolean {
  return status < 500 && status !== 429;
}

/** For the cron function: deletes keys past their 24 hours. */
export async function deleteExpiredIdempotencyKeys(now = new Date()): Promise<number> {
  const { deletedCount } = await IdempotencyRecord.deleteMany({ expiresAt: { $lte: now } });
  return deletedCount;
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
