import { createHmac } from "node:crypto";

// Hand-built JWTs, so tests control the header, the claims and the key.

export function base64url(part: unknown): string {
  return Buffer.from(typeof part === "string" ? part : JSON.stringify(part)).toString("base64url");
}

/** A JWT from any header and payload (objects or raw text), HMAC-signed with `secret`, or unsigned. */
export function forgeToken(
  header: unknown,
  payload: unknown,
  secret: string | null,
  hash: "sha256" | "sha512" = "sha256",
): string {
  const data = `${base64url(header)}.${base64url(payload)}`;
  const signature = secret === null ? "" : createHmac(hash, secret).update(data).digest("base64url");
  return `${data}.${signature}`;
}

export const HS256 = { alg: "HS256", typ: "JWT" };

export function validClaims(userId: string, kind: "user" | "guest" = "user") {
  const iat = Math.floor(Date.now() / 1000);
  return { userId, kind, iat, exp: iat + 3600 };
}
