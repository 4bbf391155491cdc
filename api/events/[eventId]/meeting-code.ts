import { getMeetingCode } from "../../../src/connections/meetings";
import { operation, route } from "../../../src/http/route";
import { eventParamsSchema } from "../../../src/schemas/event";
import { getMeetingCodeResponseSchema } from "../../../src/schemas/meeting";

export default route("/api/events/{eventId}/meeting-code", {
  // GET /api/events/:eventId/meeting-code – the caller's current meeting code, for others to scan
  GET: operation({
    summary: "The caller's current meeting code (derived, valid 60 to 120 s), for another participant to scan",
    auth: "user",
    params: eventParamsSchema,
    responses: { 200: getMeetingCodeResponseSchema },
    errors: ["forbidden", "not_found", "event_ended"],
    handler: async ({ params, claims }) => {
      const { code, expiresAt, refreshAt } = await getMeetingCode(params.eventId, claims);
      return { body: { code, expiresAt: expiresAt.toISOString(), refreshAt: refreshAt.toISOString() } };
    },
  }),
});
