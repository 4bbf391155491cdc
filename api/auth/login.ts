import { signToken } from "../../src/auth/tokens";
import { route } from "../../src/http/route";
import { loginUserBodySchema } from "../../src/schemas/auth";
import { authenticateUser } from "../../src/users/accounts";

// POST /api/auth/login – exchange email and password for a token
export default route({
  POST: async (ctx) => {
    const { email, password } = ctx.body(loginUserBodySchema);
    const user = await authenticateUser(email, password);
    const userId = user._id.toHexString();
    return { body: { message: "Signed in.", userId, token: signToken({ userId, kind: "user" }) } };
  },
});
