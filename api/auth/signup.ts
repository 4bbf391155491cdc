import { signToken } from "../../src/auth/tokens";
import { clientIp, enforceRateLimit, RATE_LIMITS } from "../../src/http/rate-limit";
import { route } from "../../src/http/route";
import { signupUserBodySchema } from "../../src/schemas/auth";
import { registerUser } from "../../src/users/accounts";

// POST /api/auth/signup – create a registered account and sign it in (rate-limited per IP)
export default route({
  POST: async (ctx) => {
    const input = ctx.body(signupUserBodySchema);
    await enforceRateLimit(RATE_LIMITS.signupPerIp, clientIp(ctx.req));
    const user = await registerUser(input);
    const userId = user._id.toHexString();
    return { status: 201, body: { message: "Account created.", userId, token: signToken({ userId, kind: "user" }) } };
  },
});
