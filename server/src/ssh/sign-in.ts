import { timingSafeEqual } from "node:crypto";
import type { MeshDatabase, SshKeyRecord } from "@mesh/persistence";
import type { ParticipantData } from "@mesh/schema";
import ssh2 from "ssh2";
import { DUMMY_HASH, verifyPassword } from "../auth/passwords.ts";

/** Longer than any password REST takes (256), and argon2 need not hash a megabyte to say no. */
const MAX_PASSWORD_CHARS = 1024;
/** Usernames are at most 32 characters by schema rule; anything longer is nobody. */
const MAX_USERNAME_CHARS = 64;

function humanNamed(db: Pick<MeshDatabase, "users">, username: string) {
  const account = username.length <= MAX_USERNAME_CHARS ? db.users.findByUsername(username) : undefined;
  // Bots never sign in by password or key: their token is their only credential (as for REST login,
  // where a bot's stored hash matches nothing).
  return account?.kind === "human" ? account : undefined;
}

/**
 * The human account `password` opens, or undefined. argon2 runs either way (against a dummy hash
 * for unknown names and bots), so the time taken does not tell which accounts exist.
 */
export async function passwordAccount(db: Pick<MeshDatabase, "users">, username: string, password: string): Promise<ParticipantData | undefined> {
  const account = humanNamed(db, username);
  const hash = account && password.length <= MAX_PASSWORD_CHARS ? account.passwordHash : await DUMMY_HASH;
  const valid = await verifyPassword(hash, password.slice(0, MAX_PASSWORD_CHARS));
  if (!account || !valid || password.length > MAX_PASSWORD_CHARS) return undefined;
  const { passwordHash: _hidden, ...participant } = account;
  return participant;
}

/** An offered public key that is registered to the named human account: the account and the key. */
export interface KeyMatch {
  participant: ParticipantData;
  key: SshKeyRecord;
}

/** The account's registered key equal to the offered one (type and blob, compared in constant time). */
export function registeredKey(db: Pick<MeshDatabase, "users" | "sshKeys">, username: string, algo: string, blob: Buffer): KeyMatch | undefined {
  const account = humanNamed(db, username);
  if (!account) return undefined;
  let found: SshKeyRecord | undefined;
  for (const key of db.sshKeys.list(account.id)) {
    const stored = Buffer.from(key.publicKey, "base64");
    const same = stored.length === blob.length && timingSafeEqual(stored, blob);
    if (same && key.algo === algo) found = key;
  }
  if (!found) return undefined;
  const { passwordHash: _hidden, ...participant } = account;
  return { participant, key: found };
}

/** The client's signature over this connection's session data, checked with the registered key (never the offered one). */
export function signatureValid(key: SshKeyRecord, blob: Buffer, signature: Buffer, hashAlgo: string | undefined): boolean {
  const parsed = ssh2.utils.parseKey(`${key.algo} ${key.publicKey}`);
  return !(parsed instanceof Error) && parsed.verify(blob, signature, hashAlgo) === true;
}
