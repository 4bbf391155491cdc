import { signToken } from "../../src/auth/tokens";
import { clientIp, enforceRateLimit, RATE_LIMITS } from "../../src/http/rate-limit";
import { route } from "../../src/http/route";
import { loginUserBodySchema } from "../../src/schemas/auth";
import { authenticateUser } from "../../src/users/accounts";

// POST /api/auth/login – exchange email and password for a token (rate-limited per IP, per email and IP, per email)
export default route({
  POST: async (ctx) => {
    const { email, password } = ctx.body(loginUserBodySchema);
    const ip = clientIp(ctx.req);
    const emailKey = email.toLowerCase();
    await enforceRateLimit(RATE_LIMITS.loginPerIp, ip);
    await enforceRateLimit(RATE_LIMITS.loginPerEmailAndIp, `${emailKey}:${ip}`);
    await enforceRateLimit(RATE_LIMITS.loginPerEmail, emailKey);
    const user = await authenticateUser(email, password);
    const userId = user._id.toHexString();
    return { body: { message: "Signed in.", userId, token: signToken({ userId, kind: "user" }) } };
  },
});
