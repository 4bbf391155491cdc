import { route } from "../../src/http/route";
import { getUserParamsSchema, updateUserBodySchema } from "../../src/schemas/user";
import { getUserAsSeenBy, updateUserProfile } from "../../src/users/profiles";

export default route({
  // GET /api/users/:userId – all of a profile to yourself, the public profile to people you share an event with, the name to others
  GET: async (ctx) => {
    const viewer = ctx.claims();
    const { userId } = ctx.params(getUserParamsSchema);
    return { body: { user: await getUserAsSeenBy(viewer, userId) } };
  },
  // PUT /api/users/:userId – change your own profile; fields left out are kept
  PUT: async (ctx) => {
    const caller = ctx.claims();
    const { userId } = ctx.params(getUserParamsSchema);
    return { body: { user: await updateUserProfile(caller, userId, ctx.body(updateUserBodySchema)) } };
  },
});
