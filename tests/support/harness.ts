import { randomBytes } from "node:crypto";
import mongoose from "mongoose";
import request from "supertest";
import { afterAll, afterEach, expect, inject } from "vitest";
import { createApiListener } from "../../dev/local-server";
import type { PublishedEvent, PusherServer } from "../../dev/pusher-server";
import { ContractChecker } from "./contract-check";
import { RealtimeChecker } from "./realtime-check";

// Test harness: the API as Vercel would run it (in-process, through supertest), factories that
// build real rows through the API, and readers for what reached the local Pusher server.

// Every response the API gives here is checked against /api/openapi.json's document; a test whose
// requests got an undeclared status, header or body fails after it ran.
export const contract = new ContractChecker();
export const listener = contract.wrap(createApiListener());
// And every message the local Pusher server received against /api/asyncapi.json's document.
export const realtime = new RealtimeChecker(() => pusherServer().published);

afterEach(async () => {
  await contract.settle();
  const violations = contract.violations.splice(0);
  realtime.checkNew();
  const messages = realtime.violations.splice(0);
  if (violations.length > 0) throw new Error(`Responses outside the OpenAPI document:\n${violations.join("\n")}`);
  if (messages.length > 0) throw new Error(`Realtime messages outside the AsyncAPI document:\n${messages.join("\n")}`);
});

afterAll(async () => {
  await contract.settle();
  contract.writeCount(inject("contractLog"), expect.getState().testPath ?? "unknown");
});

export function api() {
  return request(listener);
}

export function pusherServer(): PusherServer {
  const server = (globalThis as { testPusher?: PusherServer }).testPusher;
  if (!server) throw new Error("tests/support/setup.ts did not start the Pusher server");
  return server;
}

export interface RealtimeMessage {
  name: string;
  data: Record<string, unknown>;
}

/** Every event published to `event-<eventId>`, payloads parsed, in order. */
export function publishedTo(eventId: string): RealtimeMessage[] {
  return publishedWithRequests(eventId).map(({ name, data }) => ({ name, data }));
}

/** As publishedTo, plus the number of the Pusher request that carried each event. */
export function publishedWithRequests(eventId: string): (RealtimeMessage & { request: number })[] {
  return pusherServer()
    .published.filter((event: PublishedEvent) => event.channel === `event-${eventId}`)
    .map((event) => ({
      name: event.name,
      data: JSON.parse(event.data) as Record<string, unknown>,
      request: event.request,
    }));
}

export function bearer(token: string): [string, string] {
  return ["Authorization", `Bearer ${token}`];
}

export interface TestUser {
  userId: string;
  token: string;
  email: string;
  name: string;
}

export async function createUser(
  overrides: Partial<{ name: string; email: string; password: string }> = {},
): Promise<TestUser> {
  const body = {
    name: overrides.name ?? "Hana Host",
    email: overrides.email ?? `user-${randomBytes(5).toString("hex")}@example.com`,
    password: overrides.password ?? "correct horse battery",
  };
  // From an address of its own (believed where a test trusts the loopback proxy), so that
  // factories never use up a per-IP rate limit that a test is measuring.
  const res = await api().post("/api/auth/signup").set("X-Real-IP", factoryIp()).send(body).expect(201);
  return { userId: res.body.userId, token: res.body.token, email: body.email, name: body.name };
}

export const createHost = createUser;

let factoryIps = 0;
/** A fresh address from 198.51.100.0/24 (TEST-NET-2) … 198.51.x.y. */
function factoryIp(): string {
  factoryIps++;
  return `198.51.${100 + Math.floor(factoryIps / 250)}.${(factoryIps % 250) + 1}`;
}

export interface TestEvent {
  _id: string;
  joinCode: string;
  [key: string]: unknown;
}

export async function createEvent(host: TestUser, overrides: Record<string, unknown> = {}): Promise<TestEvent> {
  const res = await api()
    .post("/api/events/createEvent")
    .set(...bearer(host.token))
    .send({ name: "Founders Mixer", ...overrides })
    .expect(201);
  return res.body.event;
}

export function joinAsGuest(eventId: string, name: string) {
  return api().post(`/api/events/${eventId}/join/guest`).send({ name });
}

export async function startEvent(host: TestUser, eventId: string) {
  return api()
    .post(`/api/events/${eventId}/start`)
    .set(...bearer(host.token))
    .expect(200);
}

/**
 * The error envelope, whole; its `requestId` is the response's X-Request-Id (a response rebuilt
 * from raw parts without its headers: some string, which the contract check then compares).
 */
/** An error body without its request id, to compare the answers of two requests. */
export function withoutRequestId(body: unknown): unknown {
  const { requestId: _, ...rest } = body as Record<string, unknown>;
  return rest;
}

export function expectError(
  res: { status: number; body: unknown; headers?: Record<string, unknown> },
  status: number,
  code: string,
): void {
  expect(res.status).toBe(status);
  if (res.headers) expect(res.headers["x-request-id"]).toEqual(expect.any(String));
  expect(res.body).toEqual({
    success: false,
    code,
    error: expect.any(String),
    ...(code === "invalid_input" ? { issues: expect.any(Array) } : {}),
    requestId: res.headers ? res.headers["x-request-id"] : expect.any(String),
  });
}

/** Runs `action` and lists the database commands it sent, through the driver's command monitoring. */
export async function countCommands<T>(action: () => Promise<T>): Promise<{ result: T; commands: string[] }> {
  const client = mongoose.connection.getClient();
  const commands: string[] = [];
  const listen = (event: { commandName: string }) => commands.push(event.commandName);
  client.on("commandStarted", listen);
  try {
    return { result: await action(), commands };
  } finally {
    client.off("commandStarted", listen);
  }
}

export function newObjectId(): string {
  return new mongoose.Types.ObjectId().toHexString();
}

/**
 * The payloads of every `name` event published to `event-<eventId>`, in order, holding exactly the
 * contract's fields: the numeric `seq` (the one extra field the contract allows) is checked to be
 * a number when present and left out.
 */
export function payloadsOf(eventId: string, name: string): Record<string, unknown>[] {
  return publishedTo(eventId)
    .filter((message) => message.name === name)
    .map(({ data: { seq, ...payload } }) => {
      if (seq !== undefined) expect(seq).toEqual(expect.any(Number));
      return payload;
    });
}
