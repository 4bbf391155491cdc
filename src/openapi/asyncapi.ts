import { z } from "zod";
import { payloadSchemaId, REALTIME_EVENT_NAMES, REALTIME_WIRE_PAYLOADS } from "../schemas/realtime";
import { type JsonSchema, pointRefsAtComponents } from "./json-schema";

// The AsyncAPI 3.0 document of the realtime channel, generated from the schemas the transport
// publishes through (schemas/realtime.ts), as document.ts generates the OpenAPI one from the routes.

export interface AsyncApiDocument {
  asyncapi: "3.0.0";
  info: { title: string; version: string; description: string };
  defaultContentType: string;
  servers: Record<string, JsonSchema>;
  channels: { event: { address: string; messages: Record<string, { $ref: string }> } & JsonSchema };
  operations: Record<string, JsonSchema>;
  components: { messages: Record<string, JsonSchema>; schemas: Record<string, JsonSchema> };
}

const DESCRIPTION = `What the Shatter events API publishes on Pusher Channels. Subscribe to the public channel
\`event-<eventId>\`; every message's \`data\` is a JSON object carrying \`seq\`, its position in the event's
activity log. Delivery is at least once: drop a \`seq\` you have seen, and after a gap or a reconnect read
\`GET /api/events/{eventId}/activity?after=<last seq>\`, which serves the same messages.`;

/** The payload schemas (draft-07, the dialect AsyncAPI schemas extend), under components.schemas. */
function payloadSchemas(): Record<string, JsonSchema> {
  const schemas: Record<string, JsonSchema> = {};
  for (const name of REALTIME_EVENT_NAMES) {
    const json = z.toJSONSchema(REALTIME_WIRE_PAYLOADS[name], { target: "draft-7" }) as JsonSchema;
    for (const [id, definition] of Object.entries((json.definitions ?? {}) as Record<string, JsonSchema>)) {
      schemas[id] = pointRefsAtComponents(definition) as JsonSchema;
    }
  }
  return schemas;
}

export function buildAsyncApiDocument(): AsyncApiDocument {
  const schemas = payloadSchemas();
  const messages = Object.fromEntries(
    REALTIME_EVENT_NAMES.map((name) => {
      const id = payloadSchemaId(name);
      const description = schemas[id]?.description;
      return [name, { name, title: name, summary: description, payload: { $ref: `#/components/schemas/${id}` } }];
    }),
  );
  return {
    asyncapi: "3.0.0",
    info: { title: "Shatter events realtime", version: "1.0.0", description: DESCRIPTION },
    defaultContentType: "application/json",
    servers: {
      pusher: {
        host: "ws-{cluster}.pusher.com",
        protocol: "wss",
        pathname: "/app/{key}",
        title: "Pusher Channels",
        description:
          "Pusher's WebSocket endpoint (protocol 7: `?protocol=7`); the app key and cluster come from the deployment.",
        variables: {
          cluster: { description: "The Pusher cluster (PUSHER_CLUSTER), e.g. `eu` or `us2`." },
          key: { description: "The Pusher app key (PUSHER_KEY)." },
        },
      },
    },
    channels: {
      event: {
        address: "event-{eventId}",
        title: "One event's channel",
        description: "Public; everything that happens in one event, in seq order.",
        parameters: { eventId: { description: "The event's id (24 hex characters)." } },
        messages: Object.fromEntries(
          REALTIME_EVENT_NAMES.map((name) => [name, { $ref: `#/components/messages/${name}` }]),
        ),
      },
    },
    operations: {
      receiveEventMessages: {
        action: "receive",
        summary: "What a client subscribed to `event-<eventId>` receives",
        channel: { $ref: "#/channels/event" },
        messages: REALTIME_EVENT_NAMES.map((name) => ({ $ref: `#/channels/event/messages/${name}` })),
      },
    },
    components: {
      messages,
      schemas: Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => a.localeCompare(b))),
    },
  };
}
