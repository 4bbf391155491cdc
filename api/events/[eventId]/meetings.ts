import { recordMeeting } from "../../../src/connections/meetings";
import { operation, route } from "../../../src/http/route";
import { eventParamsSchema } from "../../../src/schemas/event";
import { recordMeetingBodySchema, recordMeetingResponseSchema } from "../../../src/schemas/meeting";

export default route("/api/events/{eventId}/meetings", {
  // POST /api/events/:eventId/meetings – the caller scanned another participant's code: a verified meeting
  POST: operation({
    summary:
      "The caller scanned another participant's meeting code: both directions' connections are verified; " +
      "`square` also fills that square with them. 201 for a new meeting, 200 with alreadyMet for a repeat",
    auth: "user",
    params: eventParamsSchema,
    body: recordMeetingBodySchema,
    responses: { 201: recordMeetingResponseSchema, 200: recordMeetingResponseSchema },
    errors: [
      "invalid_meeting_code",
      "cannot_meet_yourself",
      "forbidden",
      "not_found",
      "event_not_active",
      "square_taken",
      "participant_already_used",
      "rate_limited",
    ],
    idempotent: true,
    handler: async ({ params, claims, body }) => {
      const { created, ...recorded } = await recordMeeting(params.eventId, claims, body);
      return { status: created ? (201 as const) : (200 as const), body: recorded };
    },
  }),
});
