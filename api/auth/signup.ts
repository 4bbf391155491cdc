import { signToken } from "../../src/auth/tokens";
import { operation, route } from "../../src/http/route";
import { authTokenResponseSchema, signupUserBodySchema } from "../../src/schemas/auth";
import { registerUser } from "../../src/users/accounts";

export default route("/api/auth/signup", {
  // POST /api/auth/signup – create a registered account and sign it in
  POST: operation({
    summary: "Create a registered account and sign it in",
    auth: "none",
    body: signupUserBodySchema,
    responses: { 201: authTokenResponseSchema },
    errors: ["email_taken"],
    handler: async ({ body }) => {
      const userId = (await registerUser(body))._id.toHexString();
      return { body: { message: "Account created.", userId, token: signToken({ userId, kind: "user" }) } };
    },
  }),
});
