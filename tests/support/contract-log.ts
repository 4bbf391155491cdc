import { join } from "node:path";

/** Each test file appends "<responses checked> <file>" here; the global teardown sums it up. */
export const CONTRACT_LOG = join(__dirname, "..", "..", "test-artifacts", "contract-checks.log");
