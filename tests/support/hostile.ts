import { request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import fc from "fast-check";
import mongoose from "mongoose";
import { expect } from "vitest";
import { z } from "zod";
import { discoverRoutes } from "../../dev/local-server";
import { ERROR_STATUS, type ErrorCode } from "../../src/errors";
import { BingoCard } from "../../src/models/bingo-card";
import { Event, UNLIMITED_SEATS } from "../../src/models/event";
import { Participant } from "../../src/models/participant";
import { User } from "../../src/models/user";
import { nameKey } from "../../src/schemas/common";
import { api } from "./harness";
import { base64url, forgeToken, HS256, validClaims } from "./tokens";

// Shared by the hostile-input tests: sending a generated request, the properties every answer
// must have, forged tokens, and the stored-shape rules the database must still satisfy afterwards.

/** Fixed so that a failure replays; fast-check prints the seed and path of a counterexample. */
export const SEED = 0x5ea7_0005;

export type Method = "get" | "post" | "put" | "patch" | "delete";
export const METHODS: readonly Method[] = ["get", "post", "put", "patch", "delete"];

/** Requests sent by this test file; each file logs its total at the end. */
export const tally = { cases: 0 };

export const errorEnvelopeSchema = z.strictObject({
  success: z.literal(false),
  error: z.string().min(1),
  code: z.string().regex(/^[a-z]+(?:_[a-z]+)*$/),
  issues: z.array(z.strictObject({ path: z.string(), message: z.string().min(1) })).optional(),
  requestId: z.string().min(1),
});

/** What Vercel's router (and dev/local-server.ts) answers for a path no function serves. */
export const ROUTER_NOT_FOUND = "The page could not be found.\n\nNOT_FOUND\n";

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export interface Shot {
  method: Method;
  path: string;
  headers?: Record<string, string>;
  /** Sent as is; undefined sends no body. */
  body?: string;
}

export function describeShot(shot: Shot): string {
  const headers = JSON.stringify(shot.headers ?? {}).slice(0, 200);
  return `${shot.method.toUpperCase()} ${shot.path.slice(0, 200)} ${headers} ${(shot.body ?? "<no body>").slice(0, 200)}`;
}

export async function send(shot: Shot): Promise<Answer> {
  let req = api()[shot.method](shot.path);
  for (const [name, value] of Object.entries(shot.headers ?? {})) req = req.set(name, value);
  const res = await (shot.body === undefined ? req : req.send(shot.body));
  tally.cases++;
  return res;
}

/**
 * The properties of every answer to anything: below 500, JSON, nosniff, and either a success or a
 * whole error envelope whose code belongs to its status. Returns the parsed body.
 */
export function expectSafeAnswer(res: Answer, what: string, options: { routerMiss?: boolean } = {}): unknown {
  expect(res.status, what).toBeLessThan(500);
  if (options.routerMiss && res.status === 404 && res.text === ROUTER_NOT_FOUND) return undefined;
  expect(res.headers["x-content-type-options"], what).toBe("nosniff");
  // The docs page and its script, and the downloads (CSV, vCard), are the successes that are not
  // JSON; the contract check holds every answer, these included, to what the OpenAPI document declares.
  if (res.status === 200 && /^text\/(html|javascript|csv|vcard)\b/.test(String(res.headers["content-type"] ?? "")))
    return res.text;
  expect(res.headers["content-type"], what).toMatch(/^application\/json\b/);
  const body: unknown = JSON.parse(res.text);
  if (res.status >= 200 && res.status < 300) {
    // The OpenAPI and AsyncAPI documents and the own-data download are served as they are,
    // without the success envelope.
    if (typeof body === "object" && body !== null && ("openapi" in body || "asyncapi" in body)) return body;
    if (res.headers["content-disposition"]?.toString().startsWith("attachment")) return body;
    // The apps' two lists (the leaderboard, the people met) are bare arrays by contract.
    if (Array.isArray(body) && /^GET \S*\/(leaderboard|connected-users)(\?\S*)? /.test(what)) return body;
    expect(body, what).toMatchObject({ success: true });
    return body;
  }
  const envelope = errorEnvelopeSchema.safeParse(body);
  if (!envelope.success)
    throw new Error(`${what}\nanswered ${res.status} without an error envelope: ${res.text.slice(0, 300)}`);
  expect(ERROR_STATUS[envelope.data.code as ErrorCode], `${what}\ncode ${envelope.data.code} for ${res.status}`).toBe(
    res.status,
  );
  return body;
}

export async function sendSafely(
  shot: Shot,
  options: { routerMiss?: boolean } = {},
): Promise<{ res: Answer; body: unknown }> {
  const res = await send(shot);
  return { res, body: expectSafeAnswer(res, describeShot(shot), options) };
}

/** Every route file under api/, as a path template with `:param` segments. */
export function routeTemplates(): { template: string; params: string[] }[] {
  return discoverRoutes().map((route) => ({
    template: `/${route.segments.map((segment) => segment.replace(/^\[(\w+)\]$/, ":$1")).join("/")}`,
    params: route.paramNames,
  }));
}

export function fillPath(template: string, params: Record<string, string>): string {
  return template.replace(/:(\w+)/g, (_, name: string) => params[name] ?? "ffffffffffffffffffffffff");
}

/** A JSON object as text, key by key, so `__proto__` and repeated keys are sent literally. */
export function objectText(entries: readonly (readonly [string, string])[]): string {
  return `{${entries.map(([key, value]) => `${JSON.stringify(key)}:${value}`).join(",")}}`;
}

export function json(value: unknown): string {
  return JSON.stringify(value) ?? "null";
}

// ── generated values ───────────────────────────────────────────────────────────────────────────

export const EVIL_KEYS = [
  "$where",
  "$gt",
  "$ne",
  "$set",
  "$regex",
  "__proto__",
  "constructor",
  "prototype",
  "_id",
  "__v",
  "emailKey",
  "passwordHash",
  "authProvider",
  "participants",
  "nameKeys",
  "openSeats",
  "participantCount",
  "currentState",
  "createdBy",
  "joinCode",
  "polluted",
] as const;

export const OPERATOR_TEXTS = [
  '{"$gt":""}',
  '{"$ne":null}',
  '{"$ne":"x"}',
  '{"$where":"sleep(1000) || true"}',
  '{"$regex":".*"}',
  '{"$in":["active","ended"]}',
  '{"$exists":true}',
  '{"$expr":{"$eq":[1,1]}}',
  '[{"$gt":""}]',
  '{"$gt":0}',
] as const;

export const PROTO_TEXTS = [
  '{"__proto__":{"polluted":1,"admin":true}}',
  '{"constructor":{"prototype":{"polluted":1}}}',
  '{"prototype":{"polluted":1}}',
  '{"__proto__":null}',
  '{"__proto__":[]}',
  '[{"__proto__":{"polluted":1}}]',
] as const;

export const INVALID_JSON_TEXTS = [
  "{",
  "}",
  "[",
  '{"name":',
  '{"name":"x",}',
  "{'name':'x'}",
  "{name:1}",
  "NaN",
  "Infinity",
  "undefined",
  '{"a":1}{"b":2}',
  "\u0000",
  "tru",
  "01",
  "1.",
  '"unterminated',
  "\ufeff{}",
  '{"a":"\\x41"}',
  '{"a":"\\u12"}',
  "[1,,2]",
  "//{}",
] as const;

/** Nested arrays or objects, `depth` levels, as text. */
export function deepText(depth: number, kind: "array" | "object"): string {
  return kind === "array"
    ? `${"[".repeat(depth)}${"]".repeat(depth)}`
    : `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
}

export const deepTextArb = fc
  .tuple(fc.integer({ min: 50, max: 3200 }), fc.constantFrom("array" as const, "object" as const))
  .map(([depth, kind]) => deepText(depth, kind));

/** A JSON string whose encoded size is near the 16 KiB body limit, in one- to four-byte characters. */
export const hugeStringArb = fc
  .tuple(fc.integer({ min: 16 * 1024 - 400, max: 16 * 1024 + 400 }), fc.constantFrom("x", "é", "€", "😀", "\u200b"))
  .map(([bytes, char]) => json(char.repeat(Math.ceil(bytes / Buffer.byteLength(char)))));

export const invalidJsonArb = fc.oneof(
  fc.constantFrom(...INVALID_JSON_TEXTS),
  fc.string({ maxLength: 40 }).filter((text) => !isJson(text)),
  fc
    .tuple(fc.jsonValue({ maxDepth: 2 }), fc.nat())
    .map(([value, cut]) => json(value).slice(0, Math.max(1, cut % json(value).length)))
    .filter((text) => !isJson(text)),
);

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** A hostile value for one field, as JSON text; `valid` holds plausible values so some bodies get far. */
export function hostileValueArb(valid: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...valid) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map(json) },
    { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 60 }).map(json) },
    { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null)).map(json) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        "1e400",
        "-1e400",
        "-0",
        "1e-400",
        "123456789012345678901234567890",
        "[]",
        "{}",
        '""',
        '" "',
      ),
    },
    { weight: 2, arbitrary: fc.constantFrom(...OPERATOR_TEXTS) },
    { weight: 2, arbitrary: fc.constantFrom(...PROTO_TEXTS) },
    { weight: 1, arbitrary: hugeStringArb },
    { weight: 1, arbitrary: deepTextArb },
  );
}

/** A body for a route that reads `fields`: mostly objects of those fields and evil keys with hostile values. */
export function hostileBodyArb(
  fields: readonly string[],
  validEntries: readonly (readonly [string, string])[],
): fc.Arbitrary<string> {
  const values = hostileValueArb(validEntries.length > 0 ? validEntries.map(([, value]) => value) : ['"x"']);
  const keys = fc.oneof(
    { weight: fields.length > 0 ? 4 : 0, arbitrary: fc.constantFrom(...(fields.length > 0 ? fields : ["x"])) },
    { weight: 2, arbitrary: fc.constantFrom(...EVIL_KEYS) },
    { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
  );
  const replaceOne = fc
    .tuple(fc.constantFrom(...(fields.length > 0 ? fields : ["x"])), values)
    .map(([field, value]) => objectText([...validEntries.filter(([key]) => key !== field), [field, value]]));
  const withEvilExtras = fc
    .array(fc.tuple(fc.constantFrom(...EVIL_KEYS), values), { minLength: 1, maxLength: 4 })
    .map((extras) => objectText([...validEntries, ...extras]));
  return fc.oneof(
    { weight: 6, arbitrary: fc.array(fc.tuple(keys, values), { maxLength: 7 }).map(objectText) },
    { weight: 3, arbitrary: replaceOne },
    { weight: 1, arbitrary: withEvilExtras },
    { weight: 1, arbitrary: values },
    { weight: 1, arbitrary: invalidJsonArb },
    { weight: 1, arbitrary: deepTextArb },
  );
}

export const contentTypeArb = fc.oneof(
  { weight: 8, arbitrary: fc.constant("application/json") },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      "application/json; charset=utf-8",
      "APPLICATION/JSON",
      "Application/Json ; charset=UTF-8",
      "application/json; charset=utf-16",
      "text/plain",
      "text/plain; charset=utf-8",
      "text/html",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=xyz",
      "application/vnd.api+json",
      "application/ld+json",
      "application/octet-stream",
      "application/jsonp",
      "application/json;;;",
      'application/json; charset="',
      "application/json, text/plain",
      "json",
      "*/*",
      ";",
      "application/",
      "/json",
    ),
  },
);

/** Raw path segments: encoded operators and traversal, broken percent-escapes, odd ids. */
export const RAW_PARAMS = [
  "$ne",
  "%24ne",
  "%24where",
  "%7B%22%24gt%22%3A%22%22%7D",
  "..%2F..%2Fusers%2Fme",
  "..%2f",
  "%2F",
  "..",
  ".",
  "%2e%2e",
  "%2E",
  "%E0%A4%A",
  "%",
  "%%",
  "%zz",
  "%00",
  "a%00b",
  "%C0%AF",
  "%FF%FE%FD",
  "%ED%A0%80",
  "%u0041",
  "%0d%0aSet-Cookie:%20x=1",
  "__proto__",
  "constructor",
  "prototype",
  "null",
  "undefined",
  "NaN",
  "-1",
  "0",
  "1e3",
  "12345678",
  "1234567",
  "123456789",
  "000000000000000000000000",
  "ffffffffffffffffffffffff",
  "FFFFFFFFFFFFFFFFFFFFFFFF",
  "%20",
  "+",
  "%2B",
  "%F0%9F%98%80",
  "[object Object]",
] as const;

/** A `..` or `.` segment is resolved by the URL parser before routing, as on Vercel. */
export function leavesRoute(param: string): boolean {
  return /^(?:\.|%2e){1,2}$/i.test(param);
}

export const pathParamArb = fc.oneof(
  { weight: 3, arbitrary: fc.string({ minLength: 1, maxLength: 40 }).map(encodeURIComponent) },
  { weight: 2, arbitrary: fc.string({ unit: "grapheme", minLength: 1, maxLength: 20 }).map(encodeURIComponent) },
  { weight: 2, arbitrary: fc.stringMatching(/^[0-9a-f]{24}$/) },
  { weight: 1, arbitrary: fc.stringMatching(/^[0-9a-fA-F]{25,300}$/) },
  { weight: 1, arbitrary: fc.integer({ min: 25, max: 3000 }).map((n) => "7".repeat(n)) },
  { weight: 1, arbitrary: fc.stringMatching(/^(?:%[0-9A-Fa-f]{0,2}|[A-Za-z0-9._~-]){1,30}$/) },
  { weight: 3, arbitrary: fc.constantFrom(...RAW_PARAMS) },
);

export const queryArb = fc.constantFrom(
  "",
  "",
  "?eventId=ffffffffffffffffffffffff",
  "?userId=ffffffffffffffffffffffff&joinCode=12345678",
  "?__proto__=x&__proto__=y",
  "?constructor=1&constructor=2",
  "?eventId[$ne]=1",
  "?joinCode=12345678&joinCode=87654321",
  "?%E0%A4%A=1",
  "?after=-1&after=%24gt",
);

// ── tokens ──────────────────────────────────────────────────────────────────────────────────────

export { forgeToken, HS256, validClaims } from "./tokens";

/** Tokens that must never authenticate: unsigned, wrongly signed, expired, tampered or with bad claims. */
export function forgedTokenArb(secret: string, victimId: string, realToken: string): fc.Arbitrary<string> {
  const now = Math.floor(Date.now() / 1000);
  const [realHeader, , realSignature] = realToken.split(".");
  const notAnId = fc.oneof(
    fc.string({ maxLength: 30 }).filter((s) => !/^[0-9a-f]{24}$/.test(s)),
    fc.stringMatching(/^[0-9A-F]{24}$/).filter((s) => /[A-F]/.test(s)),
    fc.stringMatching(/^[0-9a-f]{23}$|^[0-9a-f]{25}$/),
    fc.constantFrom<unknown>(null, 42, true, [], {}, { $ne: null }, [victimId], { toString: victimId }),
  );
  return fc.oneof(
    // alg: none (and spellings of it), unsigned or with junk where the signature goes
    fc
      .tuple(fc.constantFrom("none", "None", "NONE", "nOnE", ""), fc.constantFrom("", "x", "AAAA"))
      .map(([alg, signature]) => `${forgeToken({ alg, typ: "JWT" }, validClaims(victimId), null)}${signature}`),
    // the right claims signed with another secret
    fc
      .string({ minLength: 1, maxLength: 64 })
      .filter((other) => other !== secret)
      .map((other) => forgeToken(HS256, validClaims(victimId), other)),
    // expired: signed with the real secret, exp in the past
    fc
      .integer({ min: 0, max: now - 1 })
      .map((exp) => forgeToken(HS256, { userId: victimId, kind: "user", iat: exp - 60, exp }, secret)),
    // a userId claim that is not an ObjectId, correctly signed
    notAnId.map((userId) => forgeToken(HS256, { userId, kind: "user", iat: now, exp: now + 3600 }, secret)),
    // exp missing or not a number, correctly signed
    fc
      .constantFrom<unknown>(undefined, "9999999999", null, true, [], {}, "Infinity")
      .map((exp) =>
        forgeToken(HS256, { userId: victimId, kind: "user", iat: now, ...(exp === undefined ? {} : { exp }) }, secret),
      ),
    // a payload swapped under a real signature
    fc
      .constantFrom(
        validClaims(victimId),
        { ...validClaims(victimId), kind: "admin" },
        { ...validClaims(victimId), exp: now + 10 ** 9 },
      )
      .map((claims) => `${realHeader}.${base64url(claims)}.${realSignature}`),
    // other headers: HS512 with the real secret, reordered or partial HS256 headers
    fc
      .constantFrom(
        '{"typ":"JWT","alg":"HS256"}',
        '{"alg":"HS256"}',
        '{"alg":"HS256","typ":"JWT","kid":"../../etc/passwd"}',
      )
      .map((header) => forgeToken(header, validClaims(victimId), secret)),
    fc.constant(forgeToken({ alg: "HS512", typ: "JWT" }, validClaims(victimId), secret, "sha512")),
    // structural damage to a real token
    fc.constantFrom(
      `${realToken}.`,
      `${realToken}.x`,
      realToken.slice(0, -1),
      realToken.split(".").slice(0, 2).join("."),
      `${realHeader}..${realSignature}`,
      realToken.replace(/\./g, ""),
    ),
  );
}

export const authorizationArb = (forged: fc.Arbitrary<string>) =>
  fc.oneof(
    { weight: 3, arbitrary: forged.map((token) => `Bearer ${token}`) },
    { weight: 1, arbitrary: forged.map((token) => `bearer  ${token}`) },
    { weight: 2, arbitrary: fc.stringMatching(/^[\x21-\x7e]{1,200}$/).map((junk) => `Bearer ${junk}`) },
    { weight: 2, arbitrary: fc.stringMatching(/^[\x20-\x7e]{0,200}$/) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        "",
        "Bearer",
        "Bearer ",
        "Bearer  ",
        "Basic x",
        "Basic dXNlcjpwYXNzd29yZA==",
        "Bearer null",
        "Bearer undefined",
        "Bearer a.b.c",
        "Bearer ..",
        "Token abc",
        "Bearer eyJhbGciOiJub25lIn0.e30.",
        `Bearer ${"A".repeat(7000)}`,
        `Bearer ${"a.".repeat(3000)}a`,
        `${"Bearer ".repeat(500)}x`,
      ),
    },
  );

// ── what may be stored ──────────────────────────────────────────────────────────────────────────

const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/u;
const CONTROL = /\p{Cc}/u;
const LONE_SURROGATE = /\p{Cs}/u;
// Written out again rather than imported, so a rule dropped from src/ is caught here.
const DRAWN = /(?!\p{Default_Ignorable_Code_Point}|\u2800)[\p{L}\p{N}\p{S}\p{P}]/u;

export function displayNameProblem(name: unknown): string | null {
  if (typeof name !== "string") return "not a string";
  const length = [...name].length;
  if (length < 1 || length > 50) return `${length} code points`;
  if (name !== name.normalize("NFC")) return "not NFC";
  if (name !== name.trim()) return "not trimmed";
  if (CONTROL.test(name) || BIDI_CONTROLS.test(name)) return "control character";
  if (LONE_SURROGATE.test(name)) return "lone surrogate";
  if (name.includes("\uFFFD")) return "replacement character (invalid UTF-8)";
  if (!DRAWN.test(name)) return "nothing visible";
  return null;
}

function boundedText(value: unknown, min: number, max: number): boolean {
  return typeof value === "string" && value === value.trim() && value.length >= min && value.length <= max;
}

/** Keys no stored document may hold anywhere: operators and prototype keys. */
function badKeys(value: unknown, path: string, found: string[]): string[] {
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) badKeys(item, `${path}.${i}`, found);
  } else if (typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    for (const key of Object.keys(value)) {
      if (key.startsWith("$") || key === "__proto__" || key.includes("\u0000")) found.push(`${path}.${key}`);
      badKeys((value as Record<string, unknown>)[key], `${path}.${key}`, found);
    }
  }
  return found;
}

function topLevelPaths(model: mongoose.Model<never>): Set<string> {
  return new Set([...Object.keys(model.schema.paths).map((path) => path.split(".")[0] ?? path), "__v"]);
}

type Doc = Record<string, unknown> & { _id: mongoose.Types.ObjectId };

async function rawDocs(model: mongoose.Model<never>): Promise<Doc[]> {
  const db = mongoose.connection.db;
  if (!db) throw new Error("no database connection");
  return (await db.collection(model.collection.collectionName).find({}).toArray()) as Doc[];
}

/** Every rule stored users, events and bingo cards must satisfy, checked on the raw documents. */
export async function storedShapeProblems(): Promise<string[]> {
  const problems: string[] = [];
  const report = (what: string, doc: Doc, problem: string) =>
    problems.push(`${what} ${doc._id.toHexString()}: ${problem}`);

  const userKeys = topLevelPaths(User as unknown as mongoose.Model<never>);
  for (const user of await rawDocs(User as unknown as mongoose.Model<never>)) {
    for (const key of badKeys(user, "", [])) report("user", user, `bad key ${key}`);
    for (const key of Object.keys(user)) if (!userKeys.has(key)) report("user", user, `unknown field ${key}`);
    const nameProblem = displayNameProblem(user.name);
    if (nameProblem) report("user", user, `name ${JSON.stringify(user.name)}: ${nameProblem}`);
    const { emailKey, email, authProvider } = user;
    if (typeof emailKey !== "string" || emailKey !== emailKey.toLowerCase())
      report("user", user, `emailKey ${String(emailKey)}`);
    if (authProvider === "local") {
      if (typeof email !== "string" || emailKey !== email.toLowerCase() || !z.email().safeParse(email).success)
        report("user", user, `email ${String(email)} / key ${String(emailKey)}`);
      if (typeof user.passwordHash !== "string" || !/^\$scrypt\$ln=\d+,r=8,p=1\$/.test(user.passwordHash))
        report("user", user, "password hash");
    } else if (authProvider === "guest") {
      if (emailKey !== `guest:${user._id.toHexString()}`) report("user", user, `guest emailKey ${String(emailKey)}`);
      if (email !== undefined && !z.email().safeParse(email).success)
        report("user", user, `guest email ${String(email)}`);
    } else report("user", user, `authProvider ${String(authProvider)}`);
    for (const [field, max] of [
      ["organization", 100],
      ["title", 100],
      ["bio", 500],
    ] as const)
      if (user[field] !== undefined && !boundedText(user[field], 1, max))
        report("user", user, `${field} ${String(user[field])}`);
    const isHttpUrl = (value: unknown) =>
      typeof value === "string" && /^https?:\/\/[^\s]+$/.test(value) && value.length <= 500;
    if (user.profilePhoto !== undefined && !isHttpUrl(user.profilePhoto))
      report("user", user, `profilePhoto ${String(user.profilePhoto)}`);
    const links = user.socialLinks as Record<string, unknown> | undefined;
    if (links !== undefined) {
      const other = links.other as { label: unknown; url: unknown }[] | undefined;
      if (
        typeof links !== "object" ||
        links === null ||
        Array.isArray(links) ||
        Object.keys(links).some((key) => !["linkedin", "github", "other"].includes(key)) ||
        Object.keys(links).length === 0 ||
        (links.linkedin !== undefined && !isHttpUrl(links.linkedin)) ||
        (links.github !== undefined && !isHttpUrl(links.github)) ||
        (other !== undefined &&
          (!Array.isArray(other) ||
            other.length === 0 ||
            other.length > 10 ||
            !other.every((link) => boundedText(link.label, 1, 50) && isHttpUrl(link.url))))
      )
        report("user", user, `socialLinks ${JSON.stringify(links)}`);
    }
  }

  const eventKeys = topLevelPaths(Event as unknown as mongoose.Model<never>);
  const participantKeys = topLevelPaths(Participant as unknown as mongoose.Model<never>);
  const allParticipants = await rawDocs(Participant as unknown as mongoose.Model<never>);
  for (const participant of allParticipants) {
    for (const key of badKeys(participant, "", [])) report("participant", participant, `bad key ${key}`);
    for (const key of Object.keys(participant))
      if (!participantKeys.has(key)) report("participant", participant, `unknown field ${key}`);
  }
  for (const event of await rawDocs(Event as unknown as mongoose.Model<never>)) {
    for (const key of badKeys(event, "", [])) report("event", event, `bad key ${key}`);
    for (const key of Object.keys(event)) if (!eventKeys.has(key)) report("event", event, `unknown field ${key}`);
    if (!boundedText(event.name, 1, 100)) report("event", event, `name ${JSON.stringify(event.name)}`);
    if (!boundedText(event.description, 0, 2000)) report("event", event, "description");
    if (typeof event.joinCode !== "string" || !/^\d{8}$/.test(event.joinCode))
      report("event", event, `joinCode ${String(event.joinCode)}`);
    const releasedKey = `released:${String(event._id)}`;
    if (event.joinCodeKey !== (event.currentState === "ended" ? releasedKey : event.joinCode))
      report("event", event, `joinCodeKey ${String(event.joinCodeKey)}`);
    if (!["pending", "active", "ended"].includes(String(event.currentState)))
      report("event", event, `state ${String(event.currentState)}`);
    const participants = allParticipants.filter((p) => String(p.eventId) === String(event._id)) as {
      _id: unknown;
      userId: mongoose.Types.ObjectId;
      name: unknown;
      nameKey: unknown;
    }[];
    const nameKeys = participants.map((p) => p.nameKey as string);
    const max = event.maxParticipant as number | null;
    if (event.participantCount !== participants.length)
      report("event", event, `participantCount ${String(event.participantCount)} for ${participants.length}`);
    if (max !== null && !(Number.isInteger(max) && max >= 1 && max <= 100_000))
      report("event", event, `maxParticipant ${max}`);
    if (max !== null && participants.length > max)
      report("event", event, `${participants.length} participants over ${max}`);
    if (event.openSeats !== (max ?? UNLIMITED_SEATS) - participants.length)
      report("event", event, `openSeats ${String(event.openSeats)}`);
    const userIds = participants.map((p) => p.userId.toHexString());
    for (const userId of new Set(userIds.filter((id, i) => userIds.indexOf(id) !== i)))
      report("event", event, `user ${userId} joined twice`);
    if (nameKeys.length !== participants.length || new Set(nameKeys).size !== nameKeys.length)
      report("event", event, "nameKeys not one per participant");
    participants.forEach((participant, i) => {
      const problem = displayNameProblem(participant.name);
      if (problem) report("event", event, `participant name ${JSON.stringify(participant.name)}: ${problem}`);
      else if (nameKeys[i] !== nameKey(participant.name as string))
        report("event", event, `nameKey ${nameKeys[i]} for ${String(participant.name)}`);
    });
    const bingo = event.bingo as { size: number; grid: { question: unknown; shortQuestion?: unknown }[] };
    if (![3, 4, 5].includes(bingo.size) || bingo.grid.length !== bingo.size ** 2)
      report("event", event, "bingo grid size");
    const { description } = event.bingo as { description?: unknown };
    if (description !== undefined && !boundedText(description, 0, 500)) report("event", event, "bingo description");
    for (const square of bingo.grid)
      if (
        !boundedText(square.question, 1, 200) ||
        (square.shortQuestion !== undefined && !boundedText(square.shortQuestion, 1, 40))
      )
        report("event", event, `bingo square ${JSON.stringify(square).slice(0, 80)}`);
    const { startDate, endDate } = event as unknown as { startDate: Date | null; endDate: Date | null };
    for (const date of [startDate, endDate])
      if (date !== null && !(date instanceof Date && !Number.isNaN(date.getTime()))) report("event", event, "date");
    if (startDate && endDate && endDate <= startDate) report("event", event, "endDate not after startDate");
  }

  for (const card of await rawDocs(BingoCard as unknown as mongoose.Model<never>)) {
    for (const key of badKeys(card, "", [])) report("card", card, `bad key ${key}`);
    const problem = displayNameProblem(card.name);
    if (problem) report("card", card, `name: ${problem}`);
  }
  return problems;
}

// ── prototype pollution ─────────────────────────────────────────────────────────────────────────

export function prototypeSnapshot(): string {
  return [Object.prototype, Array.prototype, Function.prototype]
    .map((proto) => Object.getOwnPropertyNames(proto).sort().join(","))
    .join("|");
}

export function expectNoPollution(before: string): void {
  expect(prototypeSnapshot()).toBe(before);
  const probe = {} as Record<string, unknown>;
  for (const key of ["polluted", "admin", "isAdmin"]) expect(probe[key], key).toBeUndefined();
}

// ── raw requests ────────────────────────────────────────────────────────────────────────────────

/**
 * A request written by hand to a listening server: `chunked` sends the body in two writes with no
 * Content-Length (Transfer-Encoding: chunked); otherwise Content-Length is set from the body.
 */
export function rawRequest(
  server: Server,
  options: { method: string; path: string; headers: Record<string, string>; body: string; chunked: boolean },
): Promise<Answer> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const bytes = Buffer.from(options.body);
    const headers = options.chunked ? options.headers : { ...options.headers, "Content-Length": String(bytes.length) };
    const req = httpRequest({ host: "127.0.0.1", port, path: options.path, method: options.method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        tally.cases++;
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString() });
      });
    });
    req.on("error", reject);
    if (options.chunked) {
      req.write(bytes.subarray(0, 1));
      req.end(bytes.subarray(1));
    } else req.end(bytes);
  });
}
