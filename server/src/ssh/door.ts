import net, { type AddressInfo } from "node:net";
import ssh2 from "ssh2";
import type { Services } from "../realtime/services.ts";
import { SshConnection } from "./connection.ts";
import type { HostKey } from "./host-key.ts";

export interface SshDoorOptions {
  port: number;
  host: string;
  hostKey: HostKey;
  /** The server's own loopback URL, which each SSH user's MUD connects to through the SDK. */
  meshUrl: string;
  idleMs: number;
  maxConnections: number;
  connectionsPerAddress: number;
  /** How often sessions are checked (a revoked or expired one ends its SSH connection). */
  sweepMs: number;
}

export interface SshDoor {
  port: number;
  fingerprint: string;
  /** Open connections (signed in or not). */
  readonly connections: number;
  /** Tell every user the server is going, hang up and stop listening. */
  close(): Promise<void>;
}

/** A connection must have signed in by then (OpenSSH's LoginGraceTime is 120 s). */
const LOGIN_GRACE_MS = 60_000;
/** How long connections get to hang up politely when the server stops, before their sockets are cut. */
const CLOSE_GRACE_MS = 2000;

/** A start-up problem with the SSH door a user can fix (a port in use), said in one sentence. */
export class SshDoorError extends Error {}

/**
 * The SSH front door: `ssh -p PORT name@host` signs in (password or registered key) and lands in
 * the MUD. Our own TCP listener counts connections per address and in all before ssh2 sees a
 * byte, so a flood of connections costs no key exchanges.
 */
export async function openSshDoor(services: Services, options: SshDoorOptions): Promise<SshDoor> {
  const ssh = new ssh2.Server({ hostKeys: [options.hostKey.privateKey], ident: "TheMesh" });
  const open = new Set<SshConnection>();
  const perAddress = new Map<string, number>();
  const sockets = new Set<net.Socket>();
  const graces = new Map<string, ReturnType<typeof setTimeout>>();
  let whenEmpty: (() => void) | undefined;
  const listener = net.createServer((socket) => {
    const address = socket.remoteAddress ?? "unknown";
    const fromHere = perAddress.get(address) ?? 0;
    if (sockets.size >= options.maxConnections || fromHere >= options.connectionsPerAddress) {
      services.log.warn({ address, open: sockets.size, fromHere }, "ssh: too many connections; refused");
      socket.destroy();
      return;
    }
    perAddress.set(address, fromHere + 1);
    sockets.add(socket);
    // Until it has signed in, a connection has the login grace, whatever it sends or withholds.
    const grace = setTimeout(() => socket.destroy(), LOGIN_GRACE_MS);
    graces.set(`${address}|${socket.remotePort}`, grace);
    socket.once("close", () => {
      clearTimeout(grace);
      graces.delete(`${address}|${socket.remotePort}`);
      sockets.delete(socket);
      const left = (perAddress.get(address) ?? 1) - 1;
      if (left > 0) perAddress.set(address, left);
      else perAddress.delete(address);
    });
    ssh.injectSocket(socket);
  });
  const settings = { meshUrl: options.meshUrl, idleMs: options.idleMs, port: 0 };
  ssh.on("connection", (client, info) => {
    const connection = new SshConnection(services, client, info.ip, settings, {
      signedIn: () => clearTimeout(graces.get(`${info.ip}|${info.port}`)),
      closed: () => {
        open.delete(connection);
        if (open.size === 0) whenEmpty?.();
      },
    });
    open.add(connection);
  });

  await new Promise<void>((resolve, reject) => {
    listener.once("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EADDRINUSE") reject(new SshDoorError(`SSH port ${options.port} is already in use; stop the other program or set MESH_SSH_PORT`));
      else if (error.code === "EACCES") reject(new SshDoorError(`no permission to listen on SSH port ${options.port}; use a port above 1024`));
      else reject(error);
    });
    listener.listen(options.port, options.host, () => resolve());
  });
  listener.on("error", (error) => services.log.error({ err: error }, "ssh listener error"));
  const port = (listener.address() as AddressInfo).port;
  settings.port = port;

  // A session revoked elsewhere (logout, account deleted, expiry) ends its SSH connection too; the
  // MUD's socket is closed by the same revocation, this catches a connection signed in without one.
  const sweep = setInterval(() => {
    const now = Date.now();
    for (const connection of open) {
      const signedIn = connection.signedInAs;
      if (signedIn && !services.db.sessions.isActive(signedIn.sid, now)) connection.end("You were signed out (your session was revoked or has expired).");
    }
  }, options.sweepMs);
  sweep.unref();

  let closing: Promise<void> | undefined;
  return {
    port,
    fingerprint: options.hostKey.fingerprint,
    get connections() {
      return open.size;
    },
    close() {
      closing ??= (async () => {
        clearInterval(sweep);
        const stopped = new Promise<void>((resolve) => listener.close(() => resolve()));
        // Every connection says goodbye and revokes its session before the database closes.
        const emptied = new Promise<void>((resolve) => {
          whenEmpty = resolve;
          if (open.size === 0) resolve();
        });
        for (const connection of open) connection.end("The Mesh is shutting down. Come back in a moment.");
        const late = setTimeout(() => {
          for (const socket of sockets) socket.destroy();
        }, CLOSE_GRACE_MS);
        await Promise.all([stopped, emptied]);
        clearTimeout(late);
      })();
      return closing;
    },
  };
}
