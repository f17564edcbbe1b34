import { createPublicKey } from "node:crypto";
import { err, ok, type Result } from "@mesh/schema";
import ssh2 from "ssh2";
import { fingerprintOf } from "./host-key.ts";

/** A public key as the SSH door keeps it: its type, its SSH blob (base64) and fingerprint. */
export interface PublicKeyFacts {
  algo: string;
  publicKey: string;
  fingerprint: string;
}

/** The key types the door takes; DSA and short RSA keys are too weak to sign in with. */
const ALGORITHMS = new Set(["ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "ssh-rsa"]);
const MIN_RSA_BITS = 2048;
/** One line of an `id_*.pub` file: type, base64 blob, an optional comment. */
const ONE_KEY_LINE = /^([a-z0-9@.-]{1,64}) ([A-Za-z0-9+/]+={0,2})(?: [^\r\n]*)?$/;

/**
 * Parse what someone pastes as their public key (`ssh-ed25519 AAAA… comment`): exactly one
 * OpenSSH public key line of an accepted type. A private key, several keys, options in front of
 * the key (authorized_keys style) or anything unparsable is bad input.
 */
export function parsePublicKey(text: string): Result<PublicKeyFacts> {
  const trimmed = text.trim();
  if (trimmed.includes("PRIVATE KEY")) return err("bad_input", "that is a private key: paste the public one (the .pub file) and keep the private key to yourself");
  const match = ONE_KEY_LINE.exec(trimmed);
  if (!match) return err("bad_input", "not a public key line like 'ssh-ed25519 AAAA… comment' (one key, no options)");
  const [, type = ""] = match;
  if (!ALGORITHMS.has(type)) return err("bad_input", `key type '${type}' is not accepted; use ssh-ed25519, ecdsa-sha2-nistp256/384/521 or ssh-rsa (${MIN_RSA_BITS} bits or more)`);
  const key = ssh2.utils.parseKey(trimmed);
  if (key instanceof Error || key.isPrivateKey() || key.type !== type) return err("bad_input", "that public key does not parse; paste the whole .pub line");
  if (type === "ssh-rsa") {
    const bits = createPublicKey(key.getPublicPEM()).asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < MIN_RSA_BITS) return err("bad_input", `an RSA key of ${bits} bits is too weak; use ${MIN_RSA_BITS} bits or more, or ed25519`);
  }
  const blob = key.getPublicSSH();
  return ok({ algo: key.type, publicKey: blob.toString("base64"), fingerprint: fingerprintOf(blob) });
}
