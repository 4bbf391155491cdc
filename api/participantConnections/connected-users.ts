import { getConnectedUsers } from "../../src/connections/connected-users";
import { operation, route } from "../../src/http/route";
import { getConnectedUsersQuerySchema, getConnectedUsersResponse } from "../../src/schemas/connection";

export default route("/api/participantConnections/connected-users", {
  // GET /api/participantConnections/connected-users – the people a participant met, with profiles: a bare array
  GET: operation({
    summary: "The people a participant met, with their public profiles (that participant or the host): a bare array",
    auth: "user",
    query: getConnectedUsersQuerySchema,
    responses: { 200: getConnectedUsersResponse },
    errors: ["forbidden", "not_found"],
    handler: async ({ claims, query }) => ({ raw: JSON.stringify(await getConnectedUsers(claims, query)) }),
  }),
});
