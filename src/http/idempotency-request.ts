import { createHmac, timingSafeEqual } from "node:crypto";
import { describeToken, type IssuedToken, reissueToken } from "../auth/tokens";
import { env } from "../env";
import { ApiError } from "../errors";

// What the idempotency store keeps of a request and its answer, and nothing secret (issue 22):
// the request as an HMAC under a server key, with passwords left out; the answer without its
// token, which a replay signs afresh from who it was for.

/** Body fields never fingerprinted, at any depth: a password must not sit in the store as a fast hash. */
export const SECRET_FIELDS: ReadonlySet<string> = new Set(["password", "currentPassword", "newPassword"]);

// Anonymous keys are the only thing tying a retry to its first answer (a guest's token):
// ≥ 128 bits, as a UUID v4 or ≥ 22 URL-safe characters (22 × 6 bits = 132).
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
const URL_SAFE_KEY = /^[A-Za-z0-9_-]{22,255}$/;

/** Refuses an anonymous caller's key that could be guessed: 400 invalid_input naming the header. */
export function requireStrongAnonymousKey(key: string): void {
  if (UUID_V4.test(key) || URL_SAFE_KEY.test(key)) return;
  throw new ApiError("invalid_input", "The request is not valid.", [
    {
      path: "Idempotency-Key",
      message: "without a token it must be a UUID v4 or at least 22 URL-safe characters (128 bits)",
    },
  ]);
}

// The fingerprint key is derived from JWT_SECRET (no second secret to provision and rotate);
// during a rotation a key fingerprinted under JWT_SECRET_PREVIOUS still matches.
function fingerprintKeys(): string[] {
  return [env.JWT_SECRET, env.JWT_SECRET_PREVIOUS]
    .filter((secret): secret is string => Boolean(secret))
    .map((secret) => createHmac("sha256", secret).update("idempotency-fingerprint").digest("hex"));
}

/** HMAC-SHA-256 of the request's canonical JSON without its secret fields, under the current key. */
export function fingerprintRequest(request: unknown): string {
  return fingerprintUnder(fingerprintKeys()[0] as string, request);
}

/** Whether `stored` is this request's fingerprint under the current or the previous key. */
export function sameRequest(stored: string, request: unknown): boolean {
  const given = Buffer.from(stored);
  return fingerprintKeys().some((key) => {
    const expected = Buffer.from(fingerprintUnder(key, request));
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
}

function fingerprintUnder(key: string, request: unknown): string {
  return createHmac("sha256", key)
    .update(canonicalJson(request ?? null))
    .digest("hex");
}

/** JSON with object keys sorted and secret fields left out, so key order does not make another request. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([k, v]) => v !== undefined && !SECRET_FIELDS.has(k))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** An answer as stored: its body without `token`, and who that token was for. */
export interface StorableAnswer {
  response: string;
  token: IssuedToken | null;
}

/** Takes the bearer token out of an answer's body (signup, both joins), keeping who it was for. */
export function withoutToken(body: object): StorableAnswer {
  const { token, ...rest } = body as { token?: unknown };
  if (typeof token !== "string") return { response: JSON.stringify(body), token: null };
  const issued = describeToken(token);
  // Never store a token; one we cannot describe is dropped from the stored answer.
  return { response: JSON.stringify(rest), token: issued };
}

/** The stored answer's body, with a fresh token for the same account when the first answer had one. */
export function withFreshToken(response: string, token: IssuedToken | null, now = Date.now()): object {
  const body = JSON.parse(response) as Record<string, unknown>;
  if (!token) return body;
  return { ...body, token: reissueToken(token, now) };
}
