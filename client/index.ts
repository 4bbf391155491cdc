import createClient, { type Client, type ClientOptions } from "openapi-fetch";
import type { paths } from "./schema";

export type * from "./realtime";
export type { components, operations, paths } from "./schema";

export type ShatterClient = Client<paths>;

export interface ShatterClientOptions extends Omit<ClientOptions, "baseUrl"> {
  /** Where the API is, e.g. `https://shatter.example.com` or `http://127.0.0.1:3000`. */
  baseUrl: string;
  /** The bearer token to send: a string, or a function read on every request (after login). */
  token?: string | (() => string | undefined);
}

/**
 * A typed client for the Shatter events API: paths, parameters, bodies and every response
 * (successes and error envelopes with their codes) are typed from the OpenAPI document.
 */
export function createShatterClient({ baseUrl, token, ...options }: ShatterClientOptions): ShatterClient {
  const client = createClient<paths>({ baseUrl, ...options });
  client.use({
    onRequest({ request }) {
      const value = typeof token === "function" ? token() : token;
      if (value && !request.headers.has("Authorization")) request.headers.set("Authorization", `Bearer ${value}`);
      return request;
    },
  });
  return client;
}
