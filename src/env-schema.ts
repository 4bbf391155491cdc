import { z } from "zod";

// The environment's schema and its one parser. src/env.ts applies it to process.env; `npm run dev`
// applies it to the environment it is about to start, so a bad value stops it before anything runs.
const optional = z
  .string()
  .trim()
  .transform((value) => value || undefined)
  .optional();

/** What `npm run dev` signs tokens with when JWT_SECRET is unset; refused wherever VERCEL is set. */
export const DEV_JWT_SECRET = "shatter-dev-only-secret-never-use-it-in-production";

const envSchema = z.object({
  MONGODB_URI: z.string().trim().min(1, "MONGODB_URI is required"),
  MONGODB_DB: optional,
  DB_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  // Every request answers within this (a 503 past it); keep it under the functions' maxDuration
  // (10 s in vercel.json), which also pays for a cold start.
  REQUEST_BUDGET_MS: z.coerce.number().int().min(500).max(300_000).default(8_000),
  JWT_SECRET: z.string().min(32, "JWT_SECRET must be at least 32 characters"),
  // The secret before the current one, during a rotation: tokens it signed still verify (new ones
  // are signed with JWT_SECRET) until they expire or it is removed. See docs/security.md.
  JWT_SECRET_PREVIOUS: optional.refine(
    (value) => value === undefined || value.length >= 32,
    "JWT_SECRET_PREVIOUS must be at least 32 characters",
  ),
  // scrypt's N for new password hashes is 2^this (OWASP: 17). Only tests lower it, to sign up
  // hundreds of users quickly; on Vercel anything under 17 is refused.
  PASSWORD_SCRYPT_LOG_N: z.coerce.number().int().min(10).max(20).default(17),
  JWT_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .default(30 * 24 * 60 * 60),
  PUSHER_APP_ID: optional,
  PUSHER_KEY: optional,
  PUSHER_SECRET: optional,
  PUSHER_CLUSTER: optional,
  PUSHER_HOST: optional,
  PUSHER_PORT: optional,
  PUSHER_USE_TLS: optional.transform((value) => (value === undefined ? undefined : value === "true")),
  PUSHER_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(3_000),
  // How long an event must be quiet before a cut write of it is repaired, and before a publish in
  // doubt is re-sent: longer than a function lives (maxDuration, 10 s). Only tests lower it (to
  // see a repair without waiting); on Vercel anything under 30 s is refused.
  RETRY_AFTER_MS: z.coerce.number().int().min(500).max(600_000).default(30_000),
  // Rate limits, sized so that a whole venue behind one NAT'd IP (hundreds of phones) never meets
  // them while one client guessing or stuffing passwords does. Windows are fixed in
  // src/limits/rate-limit.ts: logins per IP, signups, guest joins per minute;
  // logins per (email, IP) and event misses per 10 minutes; logins per email per hour.
  RATE_LIMIT_LOGIN_PER_IP: z.coerce.number().int().min(1).default(600),
  RATE_LIMIT_LOGIN_PER_EMAIL_IP: z.coerce.number().int().min(1).default(10),
  RATE_LIMIT_LOGIN_PER_EMAIL: z.coerce.number().int().min(1).default(100),
  RATE_LIMIT_SIGNUP_PER_IP: z.coerce.number().int().min(1).default(120),
  RATE_LIMIT_GUEST_JOIN_PER_IP: z.coerce.number().int().min(1).default(1_000),
  // Days after all of a guest's events ended before the cron deletes the guest account (docs/security.md).
  GUEST_RETENTION_DAYS: z.coerce.number().int().min(1).max(3_650).default(30),
  RATE_LIMIT_EVENT_MISSES_PER_IP: z.coerce.number().int().min(1).default(100),
  // Attempts to change a registered account's email, per hour: per account, and per IP.
  RATE_LIMIT_EMAIL_CHANGES_PER_USER: z.coerce.number().int().min(1).default(5),
  RATE_LIMIT_EMAIL_CHANGES_PER_IP: z.coerce.number().int().min(1).default(30),
  // Addresses of proxies in front of the API whose X-Forwarded-For is believed (comma-separated).
  TRUSTED_PROXY_IPS: z
    .string()
    .default("")
    .transform((value) =>
      value
        .split(",")
        .map((address) =>
          address
            .trim()
            .toLowerCase()
            .replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, "$1"),
        )
        .filter(Boolean),
    ),
  // Believe X-Real-IP from a trusted proxy only when that proxy overwrites it (nginx's
  // `proxy_set_header X-Real-IP $remote_addr`); otherwise a client's own value passes through.
  TRUST_X_REAL_IP: optional.transform((value) => value === "true" || value === "1"),
  // Set by the Vercel platform itself ("1"); its edge sets the forwarding headers.
  VERCEL: optional.transform((value) => value !== undefined && value !== "0"),
  // Digits in a new event's join code: the Shatter app's QR scanner reads only 4-digit codes.
  JOIN_CODE_DIGITS: z.coerce.number().int().min(4).max(8).default(8),
  // Vercel sends it as a bearer token to cron functions; without it they refuse every caller.
  CRON_SECRET: optional.refine(
    (value) => value === undefined || value.length >= 32,
    "CRON_SECRET must be at least 32 characters",
  ),
  // The least severe log line written: every request logs one (info; a 5xx is an error).
  LOG_LEVEL: z.enum(["info", "warn", "error"]).default("info"),
  CORS_ORIGINS: z
    .string()
    .default("")
    .transform((value) =>
      value
        .split(",")
        .map((origin) => origin.trim())
        .filter(Boolean),
    ),
});

export type Env = z.infer<typeof envSchema>;

// Checked after the fields parse: a deployment signing with the secret printed in this repository
// would let anyone mint tokens.
const deployedEnvSchema = envSchema.superRefine((env, context) => {
  if (env.VERCEL && [env.JWT_SECRET, env.JWT_SECRET_PREVIOUS].includes(DEV_JWT_SECRET)) {
    context.addIssue({ code: "custom", path: ["JWT_SECRET"], message: "the dev-only JWT_SECRET is refused on Vercel" });
  }
  if (env.VERCEL && env.PASSWORD_SCRYPT_LOG_N < 17) {
    context.addIssue({ code: "custom", path: ["PASSWORD_SCRYPT_LOG_N"], message: "must be at least 17 on Vercel" });
  }
  if (env.VERCEL && env.RETRY_AFTER_MS < 30_000) {
    context.addIssue({ code: "custom", path: ["RETRY_AFTER_MS"], message: "must be at least 30000 on Vercel" });
  }
});

/** The parsed environment, or an error whose message names every bad variable (what the functions log). */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = deployedEnvSchema.safeParse(source);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`Invalid environment: ${problems.join("; ")}`);
  }
  return result.data;
}
