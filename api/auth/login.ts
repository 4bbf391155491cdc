import { signToken } from "../../src/auth/tokens";
import { clientIp, enforceRateLimit, RATE_LIMITS } from "../../src/http/rate-limit";
import { route } from "../../src/http/route";
import { loginUserBodySchema } from "../../src/schemas/auth";
import { authenticateUser } from "../../src/users/accounts";

// POST /api/auth/login – exchange email and password for a token (rate-limited per IP and per email)
export default route({
  POST: async (ctx) => {
    const { email, password } = ctx.body(loginUserBodySchema);
    await enforceRateLimit(RATE_LIMITS.loginPerIp, clientIp(ctx.req));
    await enforceRateLimit(RATE_LIMITS.loginPerEmail, email.toLowerCase());
    const user = await authenticateUser(email, password);
    const userId = user._id.toHexString();
    return { body: { message: "Signed in.", userId, token: signToken({ userId, kind: "user" }) } };
  },
});
