import { randomBytes } from "node:crypto";
import { inject } from "vitest";
import { type DevStack, startDevStack } from "../../dev/stack";

// `npm run dev`'s stack for tests: free ports, the test run's database (never a second one), and a
// small JSON client that talks to it over real HTTP the way an app would.

export function startTestDevStack(): Promise<DevStack> {
  return startDevStack({
    port: 0,
    pusherPort: 0,
    env: { MONGODB_URI: inject("mongoUri"), MONGODB_DB: process.env.MONGODB_DB },
  });
}

export interface JsonResponse {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field
  body: any;
}

export async function callApi(
  stack: DevStack,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
): Promise<JsonResponse> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${stack.apiUrl}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

/** A registered host with one pending event, made through the stack's API. */
export async function hostWithEvent(stack: DevStack, eventName: string) {
  const signup = await callApi(stack, "POST", "/auth/signup", {
    name: "Hana Host",
    email: `host-${randomBytes(5).toString("hex")}@example.com`,
    password: "correct horse battery",
  });
  if (signup.status !== 201) throw new Error(`signup answered ${signup.status}`);
  const created = await callApi(stack, "POST", "/events/createEvent", { name: eventName }, signup.body.token);
  if (created.status !== 201) throw new Error(`createEvent answered ${created.status}`);
  return { token: signup.body.token as string, event: created.body.event as { _id: string; joinCode: string } };
}
