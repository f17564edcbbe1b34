import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import ssh2 from "ssh2";
import { ed25519Pair } from "./keygen.ts";

/** The SSH server's identity: its private key (OpenSSH format) and the fingerprint clients are shown. */
export interface HostKey {
  privateKey: string;
  /** `SHA256:…`, as `ssh-keygen -lf` and an ssh client's first-connection question print it. */
  fingerprint: string;
  file: string;
}

export const HOST_KEY_FILE = "ssh_host_ed25519_key";

/** `SHA256:` and the unpadded base64 of the key blob's sha256: OpenSSH's fingerprint. */
export function fingerprintOf(publicBlob: Buffer): string {
  return `SHA256:${createHash("sha256").update(publicBlob).digest("base64").replace(/=+$/, "")}`;
}

/**
 * The host key is made on first run (ed25519, node:crypto by way of ssh2, OpenSSH's file format so
 * `ssh-keygen -lf` reads it) and kept in the data folder, mode 0600, so clients recognise the
 * server after a restart. A key file others may read is refused, as OpenSSH refuses one: it may
 * already be copied, and quietly tightening it would hide that; the message says what to do.
 */
export function loadOrCreateHostKey(dataDir: string): { ok: true; value: HostKey } | { ok: false; error: string } {
  const file = path.join(dataDir, HOST_KEY_FILE);
  let text: string;
  try {
    const mode = fs.statSync(file).mode & 0o777;
    if (mode & 0o077) {
      return {
        ok: false,
        error: `SSH host key ${file} can be read by other users (mode ${mode.toString(8)}); run chmod 600 on it, or delete it to make a new one (clients will then warn that the host key changed)`,
      };
    }
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    text = ed25519Pair().private;
    fs.writeFileSync(file, text, { mode: 0o600, flag: "wx" });
  }
  const key = ssh2.utils.parseKey(text);
  if (key instanceof Error || !key.isPrivateKey()) {
    return { ok: false, error: `SSH host key ${file} is not an unencrypted private key; delete it to make a new one` };
  }
  return { ok: true, value: { privateKey: text, fingerprint: fingerprintOf(key.getPublicSSH()), file } };
}
