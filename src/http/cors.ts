import type { VercelRequest, VercelResponse } from "@vercel/node";
import { env } from "../env";

// The headers every answer carries, whatever it is: no caching, no MIME sniffing, its request id,
// and CORS for the origins in CORS_ORIGINS.

/** Response headers a browser script may read cross-origin. */
export const EXPOSED_HEADERS = "X-Request-Id, Retry-After, Idempotent-Replayed";

export function setCommonHeaders(req: VercelRequest, res: VercelResponse, allow: string, requestId: string): void {
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("Cache-Control", "no-store");
  res.setHeader("X-Request-Id", requestId);
  applyCors(req, res, allow);
}

function applyCors(req: VercelRequest, res: VercelResponse, allow: string): void {
  const origin = req.headers.origin;
  if (!origin) return;
  const allowed = env.CORS_ORIGINS.includes("*") || env.CORS_ORIGINS.includes(origin);
  res.setHeader("Vary", "Origin");
  if (!allowed) return;
  res.setHeader("Access-Control-Allow-Origin", origin);
  if (req.method === "OPTIONS") {
    res.setHeader("Access-Control-Allow-Methods", allow);
    res.setHeader("Access-Control-Allow-Headers", "Authorization, Content-Type, Idempotency-Key");
    res.setHeader("Access-Control-Max-Age", "600");
  } else {
    res.setHeader("Access-Control-Expose-Headers", EXPOSED_HEADERS);
  }
}
