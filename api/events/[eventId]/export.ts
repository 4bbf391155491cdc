import { operation, route } from "../../../src/http/route";
import { exportEventTable } from "../../../src/privacy/event-export";
import { eventParamsSchema } from "../../../src/schemas/event";
import { eventExportJsonSchema, exportEventQuerySchema } from "../../../src/schemas/export";

export default route("/api/events/{eventId}/export", {
  // GET /api/events/:eventId/export – the host downloads participants, connections or the leaderboard as CSV or JSON
  GET: operation({
    summary:
      "The host downloads one table of the event (participants, connections or leaderboard) as CSV (RFC 4180, UTF-8 with BOM, formulas neutralised) or JSON; never an email",
    auth: "user",
    params: eventParamsSchema,
    query: exportEventQuerySchema,
    responses: {
      200: {
        contentTypes: ["text/csv; charset=utf-8", "application/json; charset=utf-8"],
        description: "The table: CSV with a header row, or JSON `{ success, table, rows }`.",
        schema: eventExportJsonSchema,
        download: true,
      },
    },
    errors: ["forbidden", "not_found"],
    handler: async ({ params, query, claims }) => {
      const file = await exportEventTable(params.eventId, claims.userId, query.table, query.format);
      return {
        stream: file.chunks,
        contentType: file.contentType,
        headers: { "Content-Disposition": `attachment; filename="${file.filename}"` },
      };
    },
  }),
});
