import { revokeAllTokens } from "../../src/auth/token-versions";
import { operation, route } from "../../src/http/route";
import { authTokenResponseSchema } from "../../src/schemas/auth";

export default route("/api/auth/logout-all", {
  // POST /api/auth/logout-all – sign out everywhere: every token issued so far stops working; this session gets a new one
  POST: operation({
    summary:
      "Sign out everywhere: every token issued so far stops working; the answer carries a new one for this session",
    auth: "user",
    responses: { 200: authTokenResponseSchema },
    errors: [],
    handler: async ({ claims }) => ({
      body: { message: "Signed out everywhere else.", userId: claims.userId, token: await revokeAllTokens(claims) },
    }),
  }),
});
