import { operation, route } from "../../src/http/route";
import { clientIp } from "../../src/limits/rate-limit";
import {
  getOwnUserResponseSchema,
  getUserParamsSchema,
  getUserResponseSchema,
  updateUserBodySchema,
} from "../../src/schemas/user";
import { getUserAsSeenBy, updateUserProfile } from "../../src/users/profiles";

export default route("/api/users/{userId}", {
  // GET /api/users/:userId – all of a profile to yourself, the public profile to people you share an event with, the name to others
  GET: operation({
    summary: "All of a profile to yourself, the public profile to people you share an event with, the name to others",
    auth: "user",
    params: getUserParamsSchema,
    responses: { 200: getUserResponseSchema },
    errors: ["not_found"],
    handler: async ({ params, claims }) => ({ body: { user: await getUserAsSeenBy(claims, params.userId) } }),
  }),
  // PUT /api/users/:userId – change your own profile; fields left out are kept; a new email needs currentPassword
  PUT: operation({
    summary:
      "Change your own profile; fields left out are kept, null or empty clears one; a registered account's new email needs currentPassword",
    auth: "user",
    params: getUserParamsSchema,
    body: updateUserBodySchema,
    responses: { 200: getOwnUserResponseSchema },
    errors: ["forbidden", "not_found", "email_taken", "invalid_credentials", "rate_limited"],
    handler: async ({ params, claims, body, req }) => ({
      body: { user: await updateUserProfile(claims, params.userId, body, clientIp(req)) },
    }),
  }),
});
