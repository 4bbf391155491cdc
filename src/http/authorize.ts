import { requireCronSecret } from "../auth/cron";
import { readClaims, requireClaims, type TokenClaims } from "../auth/tokens";
import { ApiError } from "../errors";
import type { AuthRule } from "./operation";

/** The caller's claims as `rule` requires them: a 401 or 403 when they fall short. */
export function authorize(rule: AuthRule, authorization: string | undefined): TokenClaims | null {
  switch (rule) {
    case "none":
      return null;
    case "optional":
      return readClaims(authorization);
    case "cron":
      requireCronSecret(authorization);
      return null;
    case "user":
      return requireClaims(authorization);
    case "registered": {
      const claims = requireClaims(authorization);
      if (claims.kind === "guest") throw new ApiError("forbidden", "Guests cannot do this; sign up first.");
      return claims;
    }
  }
}
