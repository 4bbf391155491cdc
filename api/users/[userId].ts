import { route } from "../../src/http/route";
import { getUserParamsSchema } from "../../src/schemas/user";
import { getUserOrThrow } from "../../src/users/accounts";
import { serializeOwnUser, serializePublicUser } from "../../src/users/serialize";

// GET /api/users/:userId – a user's profile: all of it for yourself, the name for anyone else
export default route({
  GET: async (ctx) => {
    const { userId } = ctx.claims();
    const params = ctx.params(getUserParamsSchema);
    const user = await getUserOrThrow(params.userId);
    const self = user._id.equals(userId);
    return { body: { user: self ? serializeOwnUser(user) : serializePublicUser(user) } };
  },
});
