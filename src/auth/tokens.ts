import { createHmac, timingSafeEqual } from "node:crypto";
import { env } from "../env";
import { ApiError } from "../errors";

// HS256 JWTs signed with JWT_SECRET. Only HS256 is accepted: the header is compared whole, so
// `alg: none` or any other algorithm never reaches signature checking.
const HEADER = base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
const OBJECT_ID = /^[0-9a-f]{24}$/;

export type AccountKind = "user" | "guest";

export interface TokenClaims {
  userId: string;
  kind: AccountKind;
}

function base64url(input: string | Buffer): string {
  return Buffer.from(input).toString("base64url");
}

function sign(data: string): Buffer {
  return createHmac("sha256", env.JWT_SECRET).update(data).digest();
}

export function signToken(claims: TokenClaims, now = Date.now()): string {
  const iat = Math.floor(now / 1000);
  const payload = base64url(JSON.stringify({ ...claims, iat, exp: iat + env.JWT_TTL_SECONDS }));
  return `${HEADER}.${payload}.${sign(`${HEADER}.${payload}`).toString("base64url")}`;
}

/** The claims of a valid, unexpired token, or null. */
export function verifyToken(token: string, now = Date.now()): TokenClaims | null {
  const [header, payload, signature, ...rest] = token.split(".");
  if (header !== HEADER || !payload || !signature || rest.length > 0) return null;
  // Compared as text: base64url decoding skips stray characters, so decoding `signature` first
  // would accept many spellings of one signature.
  const expected = Buffer.from(sign(`${header}.${payload}`).toString("base64url"));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;

  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  } catch {
    return null;
  }
  const { userId, kind, exp } = (claims ?? {}) as Record<string, unknown>;
  if (typeof userId !== "string" || !OBJECT_ID.test(userId)) return null;
  if (typeof exp !== "number" || exp * 1000 <= now) return null;
  return { userId, kind: kind === "guest" ? "guest" : "user" };
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
