import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/**
 * The JWT signing secret is generated on first run and kept in the data folder (mode 0600),
 * so tokens survive restarts and no two installs share a key.
 */
export function loadOrCreateSecret(dataDir: string, name = "jwt.key"): Uint8Array {
  const file = path.join(dataDir, name);
  try {
    const hex = fs.readFileSync(file, "utf8").trim();
    if (/^[0-9a-f]{64}$/.test(hex)) return Buffer.from(hex, "hex");
    throw new Error(`${file} is not a 32-byte hex key; delete it to generate a new one (this logs everyone out)`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const secret = randomBytes(32);
  fs.writeFileSync(file, `${secret.toString("hex")}\n`, { mode: 0o600, flag: "wx" });
  return secret;
}
