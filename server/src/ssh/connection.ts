import { CloseCode } from "@mesh/schema";
import type { AuthContext, Connection, PseudoTtyInfo, ServerChannel, Session } from "ssh2";
import { openSession } from "../auth/sessions.ts";
import type { Services } from "../realtime/services.ts";
import { passwordAccount, registeredKey, signatureValid } from "./sign-in.ts";
import { MudTerminal, type TerminalSize } from "./terminal.ts";

/** How this connection is reached and timed; shared by every connection of the door. */
export interface ConnectionSettings {
  /** The server's own loopback URL, which the MUD's SDK connects to. */
  meshUrl: string;
  idleMs: number;
  /** Shown in the polite refusals ("ssh -p PORT …"). */
  port: number;
}

/** Password and signed-key tries one connection gets (OpenSSH's MaxAuthTries is 6). */
const MAX_TRIES = 6;
/** Keys a client may ask about without signing (an agent offers them one by one). */
const MAX_KEY_QUERIES = 20;
/** After the MUD ends, how long the client has to close the channel before the connection is cut. */
const HANG_UP_MS = 2000;
const METHODS: AuthContext["method"][] = ["publickey", "password"];

/**
 * One SSH connection: sign-in (password or registered key, the per-address allowance spent on
 * every try, audited like REST), the session it mints, and at most one MUD terminal. When the
 * connection ends, its session is revoked, so the token it minted is useless afterwards.
 */
export class SshConnection {
  private tries = 0;
  private keyQueries = 0;
  private sid: string | undefined;
  private token: string | undefined;
  private userId = "";
  private hasSession = false;
  private terminal: MudTerminal | undefined;
  private closed = false;
  /** Signed in without a shell yet: the idle limit (the door holds the login grace, the terminal its own idle limit). */
  private waiting: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly services: Services,
    private readonly client: Connection,
    private readonly address: string,
    private readonly settings: ConnectionSettings,
    private readonly hooks: { signedIn(): void; closed(): void },
  ) {
    client.on("authentication", (ctx) => {
      // A throw here (the database refusing a write) must refuse this try, not take the process down.
      this.authenticate(ctx).catch((error: unknown) => {
        services.log.error({ err: error, address }, "ssh: sign-in failed unexpectedly");
        if (!this.closed) ctx.reject();
      });
    });
    client.on("ready", () => {
      hooks.signedIn();
      this.waiting = this.hangUpAfter(settings.idleMs);
    });
    client.on("session", (accept, reject) => {
      // One session per connection: one MUD, one socket to the rooms.
      if (this.hasSession || this.closed) return reject();
      this.hasSession = true;
      this.serve(accept());
    });
    client.on("error", (error) => this.services.log.debug({ err: error, address }, "ssh connection error"));
    client.on("close", () => this.closedByClient());
  }

  /** Whether the session this connection minted is still good (false once revoked, expired or its account deleted). */
  get signedInAs(): { sid: string; userId: string } | undefined {
    return this.sid ? { sid: this.sid, userId: this.userId } : undefined;
  }

  /** Say `why` to a running terminal and hang up once its channel is closed (so the client gets its exit status); or hang up now. */
  end(why?: string): void {
    if (this.terminal) this.terminal.close(why);
    else this.client.end();
  }

  private hangUpAfter(ms: number): ReturnType<typeof setTimeout> {
    const timer = setTimeout(() => this.end(), ms);
    timer.unref();
    return timer;
  }

  private async authenticate(ctx: AuthContext): Promise<void> {
    if (this.closed || this.sid) return ctx.reject();
    const { log, db } = this.services;
    switch (ctx.method) {
      case "password": {
        if (!this.spendTry()) return this.refuseForGood(ctx);
        const account = await passwordAccount(db, ctx.username, ctx.password);
        if (!account) return this.failed(ctx, "password");
        return this.admit(ctx, account.id, "password");
      }
      case "publickey": {
        const match = registeredKey(db, ctx.username, ctx.key.algo, ctx.key.data);
        if (!ctx.signature || !ctx.blob) {
          // "Would this key do?": no secret is tried yet, but a client may not ask forever.
          if (++this.keyQueries > MAX_KEY_QUERIES) return this.refuseForGood(ctx);
          return match ? ctx.accept() : ctx.reject(METHODS);
        }
        if (!this.spendTry()) return this.refuseForGood(ctx);
        if (!match || !signatureValid(match.key, ctx.blob, ctx.signature, ctx.hashAlgo)) return this.failed(ctx, "publickey");
        db.sshKeys.markUsed(match.key.id, Date.now());
        return this.admit(ctx, match.participant.id, "publickey", match.key.fingerprint);
      }
      default:
        log.debug({ method: ctx.method }, "ssh: sign-in method not offered");
        return ctx.reject(METHODS);
    }
  }

  /** One try from this connection and from its address (the allowance REST login spends too). */
  private spendTry(): boolean {
    return ++this.tries <= MAX_TRIES && this.services.limits.auth.bucket(this.address).spend(1);
  }

  /** No methods left: the client stops asking, and the connection ends. */
  private refuseForGood(ctx: AuthContext): void {
    this.services.log.warn({ address: this.address, tries: this.tries }, "ssh: too many sign-in attempts; connection closed");
    ctx.reject([]);
    this.client.end();
  }

  private failed(ctx: AuthContext, method: "password" | "publickey"): void {
    const account = ctx.username.length <= 64 ? this.services.db.users.findByUsername(ctx.username) : undefined;
    this.services.audit({
      actorId: account?.id ?? "",
      action: "login.failed",
      target: ctx.username.slice(0, 64),
      detail: { ip: this.address, via: "ssh", method },
    });
    if (!this.closed) ctx.reject(METHODS);
  }

  private async admit(ctx: AuthContext, userId: string, method: "password" | "publickey", key?: string): Promise<void> {
    if (this.closed) return;
    const opened = await openSession(this.services.db, this.services.tokens, userId);
    if (this.closed) {
      this.services.db.sessions.revoke(opened.sid);
      return;
    }
    this.sid = opened.sid;
    this.token = opened.token;
    this.userId = userId;
    this.services.audit({
      actorId: userId,
      action: "login",
      target: userId,
      detail: { ip: this.address, via: "ssh", method, ...(key ? { key } : {}) },
    });
    ctx.accept();
  }

  /** The session channel: a pty, then a shell runs the MUD; exec and shells without a terminal are refused politely. */
  private serve(session: Session): void {
    let size: TerminalSize | undefined;
    let color = true;
    session.on("pty", (accept, _reject, info: PseudoTtyInfo) => {
      size = { cols: info.cols || 80, rows: info.rows || 24 };
      color = info.term !== "dumb";
      accept?.();
    });
    session.on("window-change", (accept, _reject, info) => {
      size = { cols: info.cols || 80, rows: info.rows || 24 };
      this.terminal?.resize(size);
      accept?.();
    });
    session.on("exec", (accept) => {
      this.refuse(accept(), "The Mesh over SSH is a terminal, not a command runner: connect with no command.");
    });
    session.on("shell", (accept) => {
      const channel = accept();
      if (!size || !this.token) return this.refuse(channel, "The Mesh over SSH needs a terminal: connect without -T (or with -t).");
      clearTimeout(this.waiting);
      this.terminal = new MudTerminal(channel, {
        url: this.settings.meshUrl,
        token: this.token,
        size,
        color,
        idleMs: this.settings.idleMs,
        // Hang up once the client has closed the channel (it has its exit status then); a client that will not, soon after.
        onFinish: () => this.hangUpAfter(HANG_UP_MS),
      });
      channel.once("close", () => this.client.end());
      this.terminal.start().catch((error: unknown) => {
        this.services.log.error({ err: error }, "ssh: the MUD failed to start");
        this.terminal?.close("Something went wrong on the server; please try again.");
      });
    });
  }

  private refuse(channel: ServerChannel, message: string): void {
    channel.stderr.write(`${message} For example: ssh -p ${this.settings.port} name@host\r\n`);
    channel.exit(1);
    channel.end();
  }

  private closedByClient(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.waiting);
    this.terminal?.close();
    // The token this connection minted dies with it, and so does any socket still using it.
    if (this.sid) {
      this.services.db.sessions.revoke(this.sid);
      this.services.connections.closeSession(this.sid, CloseCode.SessionRevoked, "ssh connection ended");
    }
    this.hooks.closed();
  }
}
