import type { Client } from "@colyseus/core";

interface Entry {
  client: Client;
  userId: string;
  sessionId: string;
}

/** Every live socket, by session and by participant: logout, kick and role changes reach them here. */
export class Connections {
  private readonly entries = new Set<Entry>();

  add(client: Client, userId: string, sessionId: string): void {
    this.entries.add({ client, userId, sessionId });
  }

  remove(client: Client): void {
    for (const entry of this.entries) if (entry.client === client) this.entries.delete(entry);
  }

  /** Close every socket of a session (logout); returns how many were closed. */
  closeSession(sessionId: string, code: number, reason: string): number {
    return this.close((e) => e.sessionId === sessionId, code, reason);
  }

  closeUser(userId: string, code: number, reason: string): number {
    return this.close((e) => e.userId === userId, code, reason);
  }

  get size(): number {
    return this.entries.size;
  }

  private close(match: (entry: Entry) => boolean, code: number, reason: string): number {
    let closed = 0;
    for (const entry of [...this.entries]) {
      if (!match(entry)) continue;
      this.entries.delete(entry);
      entry.client.leave(code, reason);
      closed++;
    }
    return closed;
  }
}
