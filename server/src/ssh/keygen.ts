import ssh2 from "ssh2";

/** "ssh-ed25519" with its length, then the 32-byte key with its length. */
const ED25519_BLOB_BYTES = 4 + 11 + 4 + 32;

/**
 * A new ed25519 key pair in OpenSSH's formats. ssh2's generator drops a leading zero byte of the
 * public key (about one key in 256), which leaves a 31-byte key no parser accepts, ours and
 * OpenSSH's included: such a pair is made again.
 */
export function ed25519Pair(comment?: string): { private: string; public: string } {
  for (;;) {
    const pair = ssh2.utils.generateKeyPairSync("ed25519", comment === undefined ? undefined : { comment });
    const blob = Buffer.from(pair.public.split(" ")[1] ?? "", "base64");
    if (blob.length === ED25519_BLOB_BYTES) return pair;
  }
}
