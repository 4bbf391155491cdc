import { operation, route } from "../../src/http/route";
import { getOwnUserResponseSchema } from "../../src/schemas/user";
import { getUserOrThrow } from "../../src/users/accounts";
import { serializeOwnUser } from "../../src/users/serialize";

export default route("/api/users/me", {
  // GET /api/users/me – the signed-in user (registered or guest)
  GET: operation({
    summary: "The signed-in user (registered or guest)",
    auth: "user",
    responses: { 200: getOwnUserResponseSchema },
    errors: ["not_found"],
    handler: async ({ claims }) => ({ body: { user: serializeOwnUser(await getUserOrThrow(claims.userId)) } }),
  }),
});
