import type { VercelRequest } from "@vercel/node";
import { ApiError } from "../errors";
import { findMalformedText } from "../schemas/text";

// The request body: JSON only, at most MAX_BODY_BYTES, well-formed text.

export const MAX_BODY_BYTES = 16 * 1024;
export const BODY_METHODS: ReadonlySet<string> = new Set(["POST", "PUT", "PATCH"]);

/**
 * The parsed JSON body, or undefined when none was sent. A method without a body reads none unless
 * its operation declares one (DELETE /api/users/me takes the password).
 */
export function readRequestBody(req: VercelRequest, declared = false): unknown {
  return declared || BODY_METHODS.has(req.method ?? "") ? readJsonBody(req) : undefined;
}

function readJsonBody(req: VercelRequest): unknown {
  const length = Number(req.headers["content-length"] ?? 0);
  if (length > MAX_BODY_BYTES) throw tooLarge();
  const contentType = req.headers["content-type"];
  // HTTP/2 requests may carry no Content-Length: a declared content type also means a body.
  const declaresBody = length > 0 || req.headers["transfer-encoding"] !== undefined;
  if (contentType === undefined && !declaresBody) return undefined;

  const mediaType = contentType?.split(";")[0]?.trim().toLowerCase();
  if (mediaType !== "application/json") {
    if (req.headers["content-length"] === "0") return undefined;
    throw new ApiError("unsupported_media_type", "Send the request body as application/json.");
  }
  let body: unknown;
  try {
    body = req.body;
  } catch {
    throw new ApiError("invalid_json", "The request body is not valid JSON.");
  }
  // Without a Content-Length (chunked, HTTP/2), measure what the body parsed to instead.
  if (length === 0 && chunkedBodyBytes(body) > MAX_BODY_BYTES) throw tooLarge();
  // Invalid UTF-8 decodes to U+FFFD and a lone surrogate would be stored as one: refuse both.
  const malformed = findMalformedText(body);
  if (malformed !== undefined) throw new ApiError("invalid_input", "The request is not valid.", [malformed]);
  return body;
}

function chunkedBodyBytes(body: unknown): number {
  try {
    return Buffer.byteLength(JSON.stringify(body ?? null));
  } catch {
    // JSON.stringify recurses: a few thousand levels of nesting overflow the stack.
    throw new ApiError("invalid_input", "The request is not valid.", [{ path: "", message: "is nested too deeply" }]);
  }
}

function tooLarge(): ApiError {
  return new ApiError("payload_too_large", `The request body is larger than ${MAX_BODY_BYTES / 1024} KiB.`);
}
