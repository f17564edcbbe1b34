import readline from "node:readline";
import type { Duplex } from "node:stream";
import { inert, type Line, MudSession, renderLine, type SessionEnd } from "@mesh/client-term";
import { MAX_TEXT_LENGTH } from "@mesh/schema";
import { capLines } from "./line-cap.ts";

/** What the client's pty request said, and its window changes since. */
export interface TerminalSize {
  cols: number;
  rows: number;
}

/** The SSH channel as a terminal: a stream with the size readline lays out by. */
type Channel = Duplex & { columns?: number; rows?: number; exit(code: number): void };

export interface MudTerminalOptions {
  /** The server's own loopback URL and the session token the SSH login minted. */
  url: string;
  token: string;
  size: TerminalSize;
  color: boolean;
  idleMs: number;
  /** The terminal is over (quit, session end, idle, the client hung up): exit code, 0 for quit. */
  onFinish: (code: number) => void;
}

/** A typed line may be a command word, a name and a whole message, and no longer. */
export const MAX_LINE_CHARS = MAX_TEXT_LENGTH + 256;
/** Lines typed ahead while one is being done (a paste of many lines); more are dropped. */
const MAX_PENDING_LINES = 50;
/** Output the client has not taken yet; past this it is not reading, and the connection ends. */
const MAX_UNSENT_BYTES = 4 * 1024 * 1024;
const HISTORY_SIZE = 200;

/**
 * One SSH user's MUD: a MudSession (the same core as the /term page and the CLI, over the SDK to
 * this server) behind node:readline on the channel. Session lines are written above the prompt
 * without disturbing what the user is typing; every remote text goes through renderLine, which
 * makes control characters inert.
 */
export class MudTerminal {
  private readonly session: MudSession;
  private readonly rl: readline.Interface;
  private idle: ReturnType<typeof setTimeout> | undefined;
  private queue: Promise<void> = Promise.resolve();
  private pending = 0;
  private done = false;

  constructor(
    private readonly channel: Channel,
    private readonly options: MudTerminalOptions,
  ) {
    channel.columns = options.size.cols;
    channel.rows = options.size.rows;
    const input = capLines(MAX_LINE_CHARS, () => this.show(`(That line is longer than ${MAX_LINE_CHARS} characters; the rest of it was dropped.)`));
    channel.pipe(input);
    channel.on("data", () => this.touch());
    this.session = new MudSession({
      url: options.url,
      token: options.token,
      client: "ssh",
      print: (printed: Line) => this.show(renderLine(printed, { color: options.color })),
      onPrompt: (prompt) => this.rl.setPrompt(prompt),
      onEnd: (end) => this.ended(end),
    });
    this.rl = readline.createInterface({
      input,
      output: channel,
      terminal: true,
      historySize: HISTORY_SIZE,
      prompt: this.session.prompt,
      completer: (typed: string) => this.session.complete(typed),
    });
    this.rl.on("line", (typed) => this.enqueue(typed));
    // Ctrl-C clears what is typed, as in a shell; Ctrl-D on an empty line (readline closes) is quit.
    this.rl.on("SIGINT", () => {
      this.rl.write(null, { ctrl: true, name: "e" });
      this.rl.write(null, { ctrl: true, name: "u" });
    });
    this.rl.on("close", () => {
      if (!this.done) this.enqueue("quit");
    });
    channel.on("close", () => this.finish(1));
    channel.on("error", () => this.finish(1));
    this.touch();
  }

  /** Sign in and arrive; a refusal ends the terminal through onEnd. */
  async start(): Promise<void> {
    await this.session.start();
    if (!this.done) this.rl.prompt();
  }

  /** The client's window changed size: readline lays the input out again. */
  resize(size: TerminalSize): void {
    this.channel.columns = size.cols;
    this.channel.rows = size.rows;
    this.channel.emit("resize");
  }

  /** Say `why` (if anything) and close, e.g. when the server shuts down. */
  close(why?: string): void {
    if (this.done) return;
    if (why) this.show(why);
    this.finish(1);
  }

  private enqueue(typed: string): void {
    if (this.done) return;
    if (this.pending >= MAX_PENDING_LINES) {
      this.show("(Too many lines at once; that one was dropped.)");
      return;
    }
    this.pending++;
    this.queue = this.queue.then(async () => {
      try {
        if (!this.done) await this.session.handle(typed);
      } catch {
        // The session answers its own refusals; a throw is a bug, and the next line must still be read.
        this.show("Something went wrong with that command.");
      } finally {
        this.pending--;
        if (!this.done) this.rl.prompt(true);
      }
    });
  }

  private touch(): void {
    if (this.idle) clearTimeout(this.idle);
    this.idle = setTimeout(() => {
      const minutes = Math.round(this.options.idleMs / 60_000);
      this.close(`Nothing typed for ${minutes >= 1 ? `${minutes} minute${minutes === 1 ? "" : "s"}` : `${Math.round(this.options.idleMs / 1000)} seconds`}: closing. Come back any time.`);
    }, this.options.idleMs);
    this.idle.unref();
  }

  /**
   * Write `text` as whole lines above the prompt: wipe the prompt and the half-typed input (which
   * may wrap over several rows), write, then let readline draw them again where they were.
   */
  private show(text: string): void {
    if (this.done) return;
    if (this.channel.writableLength > MAX_UNSENT_BYTES) {
      this.finish(1);
      return;
    }
    const up = this.rl.getCursorPos().rows;
    this.channel.write(`${up > 0 ? `\u001b[${up}A` : ""}\r\u001b[J${text.replace(/\r?\n/g, "\r\n")}\r\n`);
    // readline moves up by the rows it drew last time before redrawing; we already cleared them.
    (this.rl as unknown as { prevRows: number }).prevRows = 0;
    this.rl.prompt(true);
  }

  private ended(end: SessionEnd): void {
    // quit has said its goodbye through print already; a reason may quote the server's words, so inert.
    if (end.why !== "quit") this.show(inert(end.reason));
    this.finish(end.why === "quit" ? 0 : 1);
  }

  private finish(code: number): void {
    if (this.done) return;
    this.done = true;
    if (this.idle) clearTimeout(this.idle);
    this.rl.close();
    void this.session.close();
    if (this.channel.writable) {
      this.channel.write("\r\u001b[K"); // no prompt left behind on the last line
      this.channel.exit(code);
      this.channel.end();
    }
    this.options.onFinish(code);
  }
}
