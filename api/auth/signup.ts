import { signToken } from "../../src/auth/tokens";
import { operation, route } from "../../src/http/route";
import { clientIp, enforceRateLimit, RATE_LIMITS } from "../../src/limits/rate-limit";
import { authTokenResponseSchema, signupUserBodySchema } from "../../src/schemas/auth";
import { registerUser } from "../../src/users/accounts";

export default route("/api/auth/signup", {
  // POST /api/auth/signup – create a registered account and sign it in (rate-limited per IP)
  POST: operation({
    summary: "Create a registered account and sign it in (rate-limited per IP)",
    auth: "none",
    body: signupUserBodySchema,
    responses: { 201: authTokenResponseSchema },
    errors: ["email_taken", "rate_limited"],
    idempotent: true,
    limit: ({ req }) => enforceRateLimit(RATE_LIMITS.signupPerIp, clientIp(req)),
    handler: async ({ body, newId }) => {
      const userId = (await registerUser(body, newId()))._id.toHexString();
      return { body: { message: "Account created.", userId, token: signToken({ userId, kind: "user" }) } };
    },
  }),
});
