import { withLoginLimits } from "../../src/auth/login-limits";
import { signToken } from "../../src/auth/tokens";
import { operation, route } from "../../src/http/route";
import { clientIp } from "../../src/limits/rate-limit";
import { authTokenResponseSchema, loginUserBodySchema } from "../../src/schemas/auth";
import { authenticateUser } from "../../src/users/accounts";

export default route("/api/auth/login", {
  // POST /api/auth/login – exchange email and password for a token (failures limited per IP and per email and IP)
  POST: operation({
    summary: "Exchange email and password for a token (failed attempts are limited per IP and per email and IP)",
    auth: "none",
    body: loginUserBodySchema,
    responses: { 200: authTokenResponseSchema },
    errors: ["invalid_credentials", "rate_limited"],
    handler: async ({ body: { email, password }, req }) => {
      const user = await withLoginLimits(email, clientIp(req), () => authenticateUser(email, password));
      const userId = user._id.toHexString();
      return {
        body: {
          message: "Signed in.",
          userId,
          token: signToken({ userId, kind: "user" }, Date.now(), user.tokenVersion ?? 0),
        },
      };
    },
  }),
});
