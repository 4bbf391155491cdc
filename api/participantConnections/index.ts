import { recordParticipantConnection } from "../../src/connections/record-connection";
import { operation, route } from "../../src/http/route";
import {
  createParticipantConnectionBodySchema,
  createParticipantConnectionResponseSchema,
} from "../../src/schemas/connection";

export default route("/api/participantConnections", {
  // POST /api/participantConnections – the primary participant met the secondary one; a square's question also fills it
  POST: operation({
    summary: "The caller (the primary participant) met the secondary one; a square's question also fills that square",
    auth: "user",
    body: createParticipantConnectionBodySchema,
    responses: { 201: createParticipantConnectionResponseSchema },
    errors: [
      "forbidden",
      "not_found",
      "event_not_active",
      "already_connected",
      "square_taken",
      "participant_already_used",
      "meeting_not_verified",
    ],
    idempotent: true,
    handler: async ({ claims, body, newId }) => ({
      status: 201 as const,
      body: await recordParticipantConnection(claims, body, newId()),
    }),
  }),
});
