import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { env } from "../env";
import { ApiError } from "../errors";

// HS256 JWTs: hand-written rather than `jose`, which adds ~150 ms to a cold start (docs/security.md).
// Only HS256 is accepted: the header is compared whole against the headers of the keys we hold,
// so `alg: none`, any other algorithm or an unknown key id never reaches signature checking.
// Tokens are signed with JWT_SECRET under a key id (`kid`) derived from it; JWT_SECRET_PREVIOUS
// still verifies during a rotation. Each carries `iss`, `aud` and the account's token version
// (`ver`): POST /api/auth/logout-all raises the version, which revokes every older token.

export const TOKEN_ISSUER = "shatter-api";
export const TOKEN_AUDIENCE = "shatter-app";
const OBJECT_ID = /^[0-9a-f]{24}$/;

export type AccountKind = "user" | "guest";

export interface TokenClaims {
  userId: string;
  kind: AccountKind;
}

/** What a verified token says beyond its claims: its version and when it expires (epoch s). */
interface TokenFacts {
  version: number;
  exp: number;
}

// Kept beside the claims object rather than in it, so claims stay `{ userId, kind }` everywhere.
const tokenFacts = new WeakMap<TokenClaims, TokenFacts>();

interface SigningKey {
  header: string;
  secret: string;
  /** Tokens from before key ids, iss and aud: `{"alg":"HS256","typ":"JWT"}`, version 0. */
  legacy: boolean;
}

function base64url(input: string | Buffer): string {
  return Buffer.from(input).toString("base64url");
}

/** Names a secret without revealing it: the first 12 characters of its SHA-256, base64url. */
export function keyId(secret: string): string {
  return createHash("sha256").update(`shatter-jwt-kid:${secret}`).digest("base64url").slice(0, 12);
}

let keys: SigningKey[] | undefined;
function signingKeys(): SigningKey[] {
  if (!keys) {
    const header = (secret: string) => base64url(JSON.stringify({ alg: "HS256", typ: "JWT", kid: keyId(secret) }));
    keys = [{ header: header(env.JWT_SECRET), secret: env.JWT_SECRET, legacy: false }];
    if (env.JWT_SECRET_PREVIOUS) {
      keys.push({ header: header(env.JWT_SECRET_PREVIOUS), secret: env.JWT_SECRET_PREVIOUS, legacy: false });
    }
    // Tokens issued before this format verify under the current secret until they expire (at
    // most JWT_TTL_SECONDS) or the secret is rotated, so deploying it signs nobody out.
    keys.push({
      header: base64url(JSON.stringify({ alg: "HS256", typ: "JWT" })),
      secret: env.JWT_SECRET,
      legacy: true,
    });
  }
  return keys;
}

function sign(data: string, secret: string): string {
  return createHmac("sha256", secret).update(data).digest("base64url");
}

/**
 * A token for `claims`, signed with JWT_SECRET. `version` is the account's token version as the
 * caller has just read or set it; without one, claims from a verified token are re-issued with
 * that token's version and expiry (so re-signing never extends a token's life), and other claims
 * are a new account's (version 0). A version read, set or new primes this instance's cache.
 */
export function signToken(claims: TokenClaims, now = Date.now(), version?: number): string {
  const iat = Math.floor(now / 1000);
  const facts = tokenFacts.get(claims);
  const ver = version ?? facts?.version ?? 0;
  const exp = facts?.exp ?? iat + env.JWT_TTL_SECONDS;
  // Without a version or a token behind the claims, the account is new (signup, a guest join).
  if (version !== undefined || !facts) rememberTokenVersion(claims.userId, ver, now);
  const key = signingKeys()[0] as SigningKey;
  const payload = base64url(
    JSON.stringify({
      userId: claims.userId,
      kind: claims.kind,
      iss: TOKEN_ISSUER,
      aud: TOKEN_AUDIENCE,
      ver,
      iat,
      exp,
    }),
  );
  return `${key.header}.${payload}.${sign(`${key.header}.${payload}`, key.secret)}`;
}

/** The claims of a valid, unexpired token, or null. Its version is checked by `requireCurrentTokenVersion`. */
export function verifyToken(token: string, now = Date.now()): TokenClaims | null {
  const [header, payload, signature, ...rest] = token.split(".");
  if (!header || !payload || !signature || rest.length > 0) return null;
  const key = signingKeys().find((candidate) => candidate.header === header);
  if (!key) return null;
  // Compared as text: base64url decoding skips stray characters, so decoding `signature` first
  // would accept many spellings of one signature.
  const expected = Buffer.from(sign(`${header}.${payload}`, key.secret));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;

  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  } catch {
    return null;
  }
  const { userId, kind, exp, iat, iss, aud, ver } = (parsed ?? {}) as Record<string, unknown>;
  if (typeof userId !== "string" || !OBJECT_ID.test(userId)) return null;
  if (kind !== "user" && kind !== "guest") return null;
  if (typeof exp !== "number" || exp * 1000 <= now) return null;
  let version = 0;
  if (key.legacy) {
    // As issued before: a lifetime of JWT_TTL_SECONDS at most, and nothing newer in it.
    if (typeof iat !== "number" || exp - iat > env.JWT_TTL_SECONDS) return null;
    if (iss !== undefined || aud !== undefined || ver !== undefined) return null;
  } else {
    if (iss !== TOKEN_ISSUER || aud !== TOKEN_AUDIENCE) return null;
    if (typeof ver !== "number" || !Number.isSafeInteger(ver) || ver < 0) return null;
    version = ver;
  }
  const claims: TokenClaims = { userId, kind };
  tokenFacts.set(claims, { version, exp });
  return claims;
}

/** The bearer token of an Authorization header, verified; a missing or bad one is a 401. */
export function requireClaims(authorization: string | undefined): TokenClaims {
  const claims = readClaims(authorization);
  if (!claims) throw new ApiError("unauthorized", "A valid bearer token is required.");
  return claims;
}

export function readClaims(authorization: string | undefined): TokenClaims | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
  return match?.[1] ? verifyToken(match[1]) : null;
}

/** The version a verified token carries (0 for claims that did not come from a token). */
export function tokenVersionOf(claims: TokenClaims): number {
  return tokenFacts.get(claims)?.version ?? 0;
}

// Each instance remembers accounts' token versions for a short while, so checking a token costs
// a database read once per account and TOKEN_VERSION_TTL_MS, not on every request; a logout-all
// on another instance is therefore in force everywhere within that time (docs/security.md).
export const TOKEN_VERSION_TTL_MS = 60_000;
const knownVersions = new Map<string, { version: number; until: number }>();
const MAX_KNOWN_VERSIONS = 10_000;

export function rememberTokenVersion(userId: string, version: number, now = Date.now()): void {
  if (knownVersions.size >= MAX_KNOWN_VERSIONS) knownVersions.clear();
  const known = knownVersions.get(userId);
  // Never lower a version this instance knows to be current.
  if (known && known.until > now && known.version > version) return;
  knownVersions.set(userId, { version, until: now + TOKEN_VERSION_TTL_MS });
}

/** This instance's belief about `userId`'s token version, if fresh. */
export function knownTokenVersion(userId: string, now = Date.now()): number | undefined {
  const known = knownVersions.get(userId);
  return known && known.until > now ? known.version : undefined;
}

/** Forgets every remembered version (tests: as a fresh instance would). */
export function forgetTokenVersions(): void {
  knownVersions.clear();
}

/** Who a token was issued to and until when: what an idempotent answer stores instead of the token. */
export interface IssuedToken {
  userId: string;
  kind: AccountKind;
  version: number;
  /** Expiry, epoch seconds. */
  exp: number;
}

/** What a token we signed says, or null when it is not a valid token of ours. */
export function describeToken(token: string, now = Date.now()): IssuedToken | null {
  const claims = verifyToken(token, now);
  const facts = claims && tokenFacts.get(claims);
  return claims && facts ? { ...claims, version: facts.version, exp: facts.exp } : null;
}

/** A fresh token for what `describeToken` read: same account, kind, version and expiry. */
export function reissueToken(issued: IssuedToken, now = Date.now()): string {
  const claims: TokenClaims = { userId: issued.userId, kind: issued.kind };
  tokenFacts.set(claims, { version: issued.version, exp: issued.exp });
  return signToken(claims, now);
}
