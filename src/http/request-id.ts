import { randomBytes } from "node:crypto";
import type { VercelRequest } from "@vercel/node";

// Every response carries X-Request-Id, every error body `requestId`, every log line `requestId`:
// what a user quotes from an error leads to the lines its request wrote. On Vercel the id is the
// platform's own (x-vercel-id, also shown in its request log); elsewhere a fresh one.

// Visible ASCII only, so that whatever a client sends in its place can never break the header.
const VERCEL_ID = /^[\x21-\x7e]{1,200}$/;

export function requestIdOf(req: VercelRequest): string {
  const vercelId = req.headers["x-vercel-id"];
  if (typeof vercelId === "string" && VERCEL_ID.test(vercelId)) return vercelId;
  return randomBytes(12).toString("base64url");
}
