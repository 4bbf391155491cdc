import { type Env, parseEnv } from "./env-schema";

// The one place that reads process.env: everything else imports `env`.
export const env: Env = parseEnv(process.env);
