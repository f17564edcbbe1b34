import type { Client } from "@colyseus/core";

interface Entry {
  client: Client;
  userId: string;
  sessionId: string;
}

/** Every live socket, by session and by participant: logout, expiry and role changes reach them here. */
export class Connections {
  private readonly entries = new Map<Client, Entry>();

  add(client: Client, userId: string, sessionId: string): void {
    this.entries.set(client, { client, userId, sessionId });
  }

  remove(client: Client): void {
    this.entries.delete(client);
  }

  /** Close every socket of a session (logout); returns how many were closed. */
  closeSession(sessionId: string, code: number, reason: string): number {
    return this.close((e) => e.sessionId === sessionId, code, reason);
  }

  closeUser(userId: string, code: number, reason: string): number {
    return this.close((e) => e.userId === userId, code, reason);
  }

  /** Close the sockets whose session is no longer active (expired or revoked elsewhere). */
  closeInactive(isActive: (sessionId: string) => boolean, code: number, reason: string): number {
    const checked = new Map<string, boolean>();
    return this.close((e) => {
      let active = checked.get(e.sessionId);
      if (active === undefined) {
        active = isActive(e.sessionId);
        checked.set(e.sessionId, active);
      }
      return !active;
    }, code, reason);
  }

  get size(): number {
    return this.entries.size;
  }

  private close(match: (entry: Entry) => boolean, code: number, reason: string): number {
    let closed = 0;
    for (const entry of [...this.entries.values()]) {
      if (!match(entry)) continue;
      this.entries.delete(entry.client);
      entry.client.leave(code, reason);
      closed++;
    }
    return closed;
  }
}
