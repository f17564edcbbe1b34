import { config } from "zod";

/**
 * Zod compiles object validators with `new Function` when it can, and probes once whether it
 * may. The pages' CSP forbids eval, so the probe itself is refused (and reported as a violation).
 * In the browser we ask for the plain validators instead, before any schema is built: this module
 * is imported first by every page entry.
 */
config({ jitless: true });
