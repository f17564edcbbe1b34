import type { Line } from "../mud/text.ts";

/** Which front end runs the MUD; sent as the join option `client`, shown by `who`. */
export type TermClientKind = "term" | "cli" | "ssh";

/** Why a session ended, for the front end's exit message and code. */
export interface SessionEnd {
  /** One sentence for the user (already plain text; front ends print it as is). */
  reason: string;
  /** quit: the user typed quit; signed-out: token refused/revoked; lost: the server is gone; refused: the first room would not have us. */
  why: "quit" | "signed-out" | "lost" | "refused";
}

export interface MudSessionOptions {
  /** The server's base URL, e.g. http://127.0.0.1:4000 */
  url: string;
  /** A session JWT (the user's). */
  token: string;
  client: TermClientKind;
  /** Where to arrive first (default "lobby"). */
  room?: string;
  /**
   * Every line the session wants shown, as it happens (narration, command results, errors).
   * The front end renders it with `renderLine(line, style)` and keeps its prompt and the
   * half-typed input intact around it.
   */
  print: (line: Line) => void;
  /** The prompt changed (a new room); front ends that show one redraw it. */
  onPrompt?: (prompt: string) => void;
  /** Called once when the session is over; the front end closes (CLI exits with a code, SSH ends the channel). */
  onEnd: (end: SessionEnd) => void;
  /** Attempts to resume a dropped connection before giving up (default: the SDK's 15, about a minute). */
  retries?: number;
  /** Clock, for tests (default Date.now). */
  now?: () => number;
}
