import { z } from "zod";
import { operation, type RouteHandler, route } from "../src/http/route";
import { buildOpenApiDocument } from "../src/openapi/document";
import { DISCOVERED_ROUTES } from "./_routes.generated";

let documentText: string | undefined;

const openApi = route("/api/openapi.json", {
  // GET /api/openapi.json – this API's OpenAPI 3.1 document, generated from the routes' declarations
  GET: operation({
    summary: "This API's OpenAPI 3.1 document, generated from the routes' declarations",
    auth: "none",
    database: false,
    responses: {
      200: {
        contentTypes: ["application/json; charset=utf-8"],
        description: "The OpenAPI document.",
        schema: z.looseObject({ openapi: z.literal("3.1.0"), paths: z.record(z.string(), z.unknown()) }),
      },
    },
    handler: async () => {
      documentText ??= JSON.stringify(buildOpenApiDocument(API_ROUTES.map((fn) => fn.contract)));
      return { raw: documentText };
    },
  }),
});

/**
 * Every function under api/: the generated list of the files (npm run routes:generate) and this
 * one. tests/vercel-build.test.ts checks it against what `vercel build` produces.
 */
export const API_ROUTES: readonly RouteHandler[] = [...DISCOVERED_ROUTES, openApi];

export default openApi;
