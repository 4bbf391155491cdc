import { z } from "zod";
import { emailSchema } from "./common";
import { displayNameSchema } from "./text";

export const signupUserBodySchema = z.object({
  name: displayNameSchema,
  email: emailSchema,
  password: z.string().min(8, "must be at least 8 characters").max(200),
});

export const loginUserBodySchema = z.object({
  email: emailSchema,
  password: z.string().min(1).max(200),
});

/** signup and login: the account and a token for it. */
export const authTokenResponseSchema = z.object({
  message: z.string(),
  userId: z.string(),
  token: z.string(),
});
