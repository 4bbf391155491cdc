import { z } from "zod";
import { operation, route } from "../src/http/route";
import { buildAsyncApiDocument } from "../src/openapi/asyncapi";

let documentText: string | undefined;

export default route("/api/asyncapi.json", {
  // GET /api/asyncapi.json – the realtime channel's AsyncAPI 3.0 document, generated from the payload schemas
  GET: operation({
    summary: "The realtime channel's AsyncAPI 3.0 document, generated from the payload schemas",
    auth: "none",
    database: false,
    responses: {
      200: {
        contentTypes: ["application/json; charset=utf-8"],
        description: "The AsyncAPI document.",
        schema: z.looseObject({ asyncapi: z.literal("3.0.0"), channels: z.record(z.string(), z.unknown()) }),
      },
    },
    handler: async () => {
      documentText ??= JSON.stringify(buildAsyncApiDocument());
      return { raw: documentText };
    },
  }),
});
