import { hash, verify } from "@node-rs/argon2";

// argon2id with the library's OWASP-recommended defaults (19 MiB, t=2, p=1); salted per hash.
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

/** Spent on unknown usernames so response time does not reveal which accounts exist. */
export const DUMMY_HASH = hashPassword("not-a-real-password");
