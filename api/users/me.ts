import { operation, route } from "../../src/http/route";
import { deleteOwnAccount } from "../../src/privacy/delete-account";
import { deleteOwnUserBodySchema, deleteOwnUserResponseSchema, getOwnUserResponseSchema } from "../../src/schemas/user";
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
  // DELETE /api/users/me – the caller deletes their account and everything only theirs; every token of it is a 401 afterwards
  DELETE: operation({
    summary:
      "The caller deletes their account (registered: with their password; guest: the token alone): their participations leave, their hosted events are deleted, their connections and cards go, activity naming them is neutralised; every token of it is a 401 afterwards",
    auth: "user",
    body: deleteOwnUserBodySchema,
    responses: { 200: deleteOwnUserResponseSchema },
    errors: [],
    handler: async ({ claims, body }) => {
      await deleteOwnAccount(claims.userId, body.password);
      return { body: { message: "Your account and its data are deleted.", userId: claims.userId } };
    },
  }),
});
