import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";
import { env } from "../env";

// Passwords are stored as PHC strings that carry their scrypt cost, e.g.
// `$scrypt$ln=17,r=8,p=1$<salt>$<key>` (unpadded base64), so the cost can be raised later: a hash
// made at another cost still verifies and is re-hashed at the current one on the next sign-in.
// OWASP's floor for scrypt is N=2^17, r=8, p=1. Hashes from before this format
// (`scrypt$<salt>$<key>`) were made at Node's defaults, N=2^14, r=8, p=1.

export interface ScryptCost {
  /** log2 of N, the CPU/memory cost. */
  ln: number;
  r: number;
  p: number;
}

const KEY_LENGTH = 32;
const LEGACY_COST: ScryptCost = { ln: 14, r: 8, p: 1 };
const PHC = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;
const LEGACY = /^scrypt\$([A-Za-z0-9+/]+=*)\$([A-Za-z0-9+/]+=*)$/;

/** The cost new hashes are made at: N=2^PASSWORD_SCRYPT_LOG_N (17 unless a test lowers it), r=8, p=1. */
export function currentScryptCost(): ScryptCost {
  return { ln: env.PASSWORD_SCRYPT_LOG_N, r: 8, p: 1 };
}

function deriveKey(password: string, salt: Buffer, keyLength: number, { ln, r, p }: ScryptCost): Promise<Buffer> {
  const N = 2 ** ln;
  // scrypt needs about 128·N·r bytes (128 MiB at N=2^17, r=8); Node refuses more than 32 MiB
  // unless maxmem allows it.
  const maxmem = 256 * N * r * p;
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keyLength, { N, r, p, maxmem }, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

const b64 = (bytes: Buffer) => bytes.toString("base64").replace(/=+$/, "");

export async function hashPassword(password: string, cost = currentScryptCost()): Promise<string> {
  const salt = randomBytes(16);
  const key = await deriveKey(password, salt, KEY_LENGTH, cost);
  return `$scrypt$ln=${cost.ln},r=${cost.r},p=${cost.p}$${b64(salt)}$${b64(key)}`;
}

interface ParsedHash {
  cost: ScryptCost;
  salt: Buffer;
  key: Buffer;
}

function parseHash(stored: string): ParsedHash | null {
  const phc = PHC.exec(stored);
  if (phc) {
    const [, ln, r, p, salt = "", key = ""] = phc;
    const cost = { ln: Number(ln), r: Number(r), p: Number(p) };
    // Bounds on what a stored string may make the server compute.
    if (cost.ln < 10 || cost.ln > 20 || cost.r < 1 || cost.r > 16 || cost.p < 1 || cost.p > 4) return null;
    return { cost, salt: Buffer.from(salt, "base64"), key: Buffer.from(key, "base64") };
  }
  const legacy = LEGACY.exec(stored);
  if (legacy) {
    const [, salt = "", key = ""] = legacy;
    return { cost: LEGACY_COST, salt: Buffer.from(salt, "base64"), key: Buffer.from(key, "base64") };
  }
  return null;
}

// Checked against a throwaway hash when the email is unknown, so both failures cost the same time.
let unknownUserHash: { cost: ScryptCost; hash: ParsedHash } | undefined;
function unknownUserHashFor(cost: ScryptCost): ParsedHash {
  if (unknownUserHash?.cost !== cost) {
    unknownUserHash = { cost, hash: { cost, salt: randomBytes(16), key: randomBytes(KEY_LENGTH) } };
  }
  return unknownUserHash.hash;
}

export async function verifyPassword(password: string, stored: string | undefined): Promise<boolean> {
  const parsed = stored === undefined ? unknownUserHashFor(currentScryptCost()) : parseHash(stored);
  if (!parsed || parsed.key.length < 16) return false;
  const actual = await deriveKey(password, parsed.salt, parsed.key.length, parsed.cost);
  return timingSafeEqual(actual, parsed.key) && stored !== undefined;
}

/** Whether a stored hash was made in the old format or at another cost than new hashes get. */
export function needsRehash(stored: string, cost = currentScryptCost()): boolean {
  const parsed = PHC.test(stored) ? parseHash(stored) : null;
  return !parsed || parsed.cost.ln !== cost.ln || parsed.cost.r !== cost.r || parsed.cost.p !== cost.p;
}
