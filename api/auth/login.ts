import { signToken } from "../../src/auth/tokens";
import { clientIp, enforceRateLimit, RATE_LIMITS } from "../../src/http/rate-limit";
import { operation, route } from "../../src/http/route";
import { authTokenResponseSchema, loginUserBodySchema } from "../../src/schemas/auth";
import { authenticateUser } from "../../src/users/accounts";

export default route("/api/auth/login", {
  // POST /api/auth/login – exchange email and password for a token (rate-limited per IP, per email and IP, per email)
  POST: operation({
    summary: "Exchange email and password for a token (rate-limited per IP, per email and IP, and per email)",
    auth: "none",
    body: loginUserBodySchema,
    responses: { 200: authTokenResponseSchema },
    errors: ["invalid_credentials", "rate_limited"],
    handler: async ({ body: { email, password }, req }) => {
      const ip = clientIp(req);
      const emailKey = email.toLowerCase();
      await enforceRateLimit(RATE_LIMITS.loginPerIp, ip);
      await enforceRateLimit(RATE_LIMITS.loginPerEmailAndIp, `${emailKey}:${ip}`);
      await enforceRateLimit(RATE_LIMITS.loginPerEmail, emailKey);
      const user = await authenticateUser(email, password);
      const userId = user._id.toHexString();
      return { body: { message: "Signed in.", userId, token: signToken({ userId, kind: "user" }) } };
    },
  }),
});
