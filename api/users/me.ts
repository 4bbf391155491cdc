import { route } from "../../src/http/route";
import { getUserOrThrow } from "../../src/users/accounts";
import { serializeOwnUser } from "../../src/users/serialize";

// GET /api/users/me – the signed-in user (registered or guest)
export default route({
  GET: async (ctx) => {
    const { userId } = ctx.claims();
    return { body: { user: serializeOwnUser(await getUserOrThrow(userId)) } };
  },
});
