import { operation, route } from "../../../src/http/route";
import { getRecap, recapAsVcards } from "../../../src/privacy/recap";
import { eventParamsSchema } from "../../../src/schemas/event";
import { eventRecapResponseSchema, recapQuerySchema } from "../../../src/schemas/export";

export default route("/api/events/{eventId}/recap", {
  // GET /api/events/:eventId/recap – what the event left a participant: their standing and the people they met (JSON or vCard)
  GET: operation({
    summary:
      "What the event left the caller: their rank, lines, squares and people met, and each person met with their public profile; `?format=vcf` answers the people met as vCard 4.0",
    auth: "user",
    params: eventParamsSchema,
    query: recapQuerySchema,
    responses: {
      200: {
        contentTypes: ["application/json; charset=utf-8", "text/vcard; charset=utf-8"],
        description: "JSON `{ success, event, me, met }`, or with `format=vcf` one vCard 4.0 per person met.",
        schema: eventRecapResponseSchema,
      },
    },
    errors: ["forbidden", "not_found"],
    handler: async ({ params, query, claims }) => {
      const recap = await getRecap(params.eventId, claims.userId);
      if (query.format === "vcf") return { raw: recapAsVcards(recap), contentType: "text/vcard; charset=utf-8" };
      return { raw: JSON.stringify({ success: true, ...recap }) };
    },
  }),
});
