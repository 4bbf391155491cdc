import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { operation, route } from "../src/http/route";

// The renderer is served from the installed package, never a CDN; `__dirname` joins let Vercel's
// file tracing carry the bundle into this function.
const SCALAR_BUNDLE = join(
  __dirname,
  "..",
  "node_modules",
  "@scalar",
  "api-reference",
  "dist",
  "browser",
  "standalone.js",
);

const PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Shatter events API</title></head>
<body>
<header style="font: 14px/1.5 system-ui, sans-serif; padding: 8px 16px; border-bottom: 1px solid #ddd">
Realtime messages on <code>event-&lt;eventId&gt;</code>: <a href="/api/asyncapi.json">the AsyncAPI 3.0 document</a>
</header>
<div id="app"></div>
<script src="/api/docs?asset=scalar.js"></script>
<script>
Scalar.createApiReference("#app", {
  url: "/api/openapi.json",
  defaultOpenAllTags: true,
  // Everything from this API: no web fonts, no AI agent, no toolbar calling Scalar's services.
  withDefaultFonts: false,
  agent: { disabled: true },
  showDeveloperTools: "never",
  hideClientButton: true,
});
</script>
</body>
</html>
`;

let bundle: Buffer | undefined;

export default route("/api/docs", {
  // GET /api/docs – the API reference, rendered by Scalar from /api/openapi.json (`?asset=scalar.js`: the renderer),
  // with a link to the realtime channel's /api/asyncapi.json
  GET: operation({
    summary: "The API reference page, rendered from /api/openapi.json (?asset=scalar.js is its script)",
    auth: "none",
    database: false,
    query: z.object({ asset: z.literal("scalar.js").optional() }),
    responses: {
      200: {
        contentTypes: ["text/html; charset=utf-8", "text/javascript; charset=utf-8"],
        description: "The docs page; with `?asset=scalar.js`, its script.",
      },
    },
    handler: async ({ query }) => {
      if (!query.asset) return { raw: PAGE };
      bundle ??= readFileSync(SCALAR_BUNDLE);
      return { raw: bundle, contentType: "text/javascript; charset=utf-8" };
    },
  }),
});
