import { signToken } from "../../src/auth/tokens";
import { route } from "../../src/http/route";
import { signupUserBodySchema } from "../../src/schemas/auth";
import { registerUser } from "../../src/users/accounts";

// POST /api/auth/signup – create a registered account and sign it in
export default route({
  POST: async (ctx) => {
    const user = await registerUser(ctx.body(signupUserBodySchema));
    const userId = user._id.toHexString();
    return { status: 201, body: { message: "Account created.", userId, token: signToken({ userId, kind: "user" }) } };
  },
});
