import { countRateLimitHit, RATE_LIMITS, rateLimited, refundRateLimitHits } from "../limits/rate-limit";
import { logFailure } from "../log";

/**
 * Runs a sign-in attempt for `email` from `ip` under the login limits, which count failures:
 * - failures per IP (any email, a minute) and per (email, IP) (ten minutes) refuse that IP, or
 *   that pair, with a 429 before the password is checked, whether it is right or wrong;
 * - failures per email (an hour, from every IP) refuse nobody: past that ceiling the email is
 *   under attack and each (email, IP) pair gets one failure instead of RATE_LIMIT_LOGIN_PER_EMAIL_IP.
 * So strangers' failures from other addresses never refuse a right password from a clean one
 * (docs/security.md, "Sign-in limits"). Each attempt is counted before the check, so concurrent
 * attempts cannot slip past a limit, and a successful one is taken back.
 */
export async function withLoginLimits<T>(email: string, ip: string, attempt: () => Promise<T>): Promise<T> {
  const now = Date.now();
  const emailKey = email.toLowerCase();
  const counted = [
    [RATE_LIMITS.loginPerIp, ip],
    [RATE_LIMITS.loginPerEmailAndIp, `${emailKey}:${ip}`],
    [RATE_LIMITS.loginPerEmail, emailKey],
  ] as const;
  const [byIp, byPair, byEmail] = await Promise.all(
    counted.map(([limit, subject]) => countRateLimitHit(limit, subject, now)),
  );
  const underAttack = (byEmail?.count ?? 0) > RATE_LIMITS.loginPerEmail.max;
  const pairMax = underAttack ? 1 : RATE_LIMITS.loginPerEmailAndIp.max;
  // Refused attempts stay counted: they are what the limits are for.
  if (byIp && byIp.count > RATE_LIMITS.loginPerIp.max) throw rateLimited(byIp.windowEnd, now);
  if (byPair && byPair.count > pairMax) throw rateLimited(byPair.windowEnd, now);

  // A wrong password (or any other failure) stays counted; a success is taken back. The sign-in
  // stands even if taking it back fails: the cost is one counted attempt, not a refused owner.
  const result = await attempt();
  await refundRateLimitHits(counted, now).catch((error: unknown) =>
    logFailure("refunding login attempts failed", error),
  );
  return result;
}
