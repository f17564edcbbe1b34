/**
 * mesh-term: The Mesh as a MUD in your own terminal. Signs in (password prompted without echo,
 * or a token), enters a room and hands every typed line to the shared MUD session.
 */
import { stdin, stdout } from "node:process";
import { createInterface, type Interface } from "node:readline";
import { parseArgs } from "node:util";
import { MeshRest, MeshRestError } from "@mesh/bots";
import { inert, type Line, MudSession, renderLine, type SessionEnd } from "../index.ts";
import { readSecret } from "./secret.ts";

export const HELP = `Usage: mesh-term [options]

The Mesh as a MUD: the same rooms, people, bots and conversation as text.

Options:
  --url <url>       the server (default: $MESH_URL or http://localhost:4000)
  --user <name>     sign in as this account; the password is asked without echo
                    (when standard input is not a terminal, its first line is the password)
  --token <jwt>     sign in with a session token instead (default: $MESH_TOKEN)
  --room <id>       the room to arrive in (default: lobby)
  --retries <n>     attempts to resume a dropped connection before giving up (default 15, about a minute)
  --plain           for screen readers and logs: no colour, no cursor movement, one event per line
  --no-color        no colour (also when $NO_COLOR is set or output is not a terminal)
  -h, --help        show this

Inside, type help for the commands (look, go, say, tell, who, …); quit or Ctrl-D leaves.

Exit codes: 0 you quit; 1 an unexpected error; 2 bad options; 3 sign-in refused
(wrong password, expired or revoked token); 4 the server cannot be reached or went away.`;

const EXIT = { quit: 0, error: 1, usage: 2, "signed-out": 3, refused: 1, lost: 4 } as const;

interface CliOptions {
  url: string;
  user?: string;
  token?: string;
  room?: string;
  retries?: number;
  plain: boolean;
  color: boolean;
}

function options(argv: string[]): CliOptions | string {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    return (error as Error).message;
  }
  const { values } = parsed;
  if (values.help) return "help";
  const url = values.url ?? process.env.MESH_URL ?? "http://localhost:4000";
  try {
    const parsedUrl = new URL(url);
    if (parsedUrl.protocol !== "http:" && parsedUrl.protocol !== "https:") return `--url must be http(s)://…, not ${url}`;
  } catch {
    return `--url is not a URL: ${url}`;
  }
  const token = values.token ?? (values.user ? undefined : process.env.MESH_TOKEN);
  if (!values.user && !token) return "say who you are: --user <name> (password asked) or --token <jwt> / MESH_TOKEN";
  const retries = values.retries === undefined ? undefined : Number(values.retries);
  if (retries !== undefined && (!Number.isInteger(retries) || retries < 0 || retries > 1000)) return `--retries takes a whole number from 0 to 1000, not ${values.retries}`;
  const plain = values.plain ?? false;
  const color = !plain && !values["no-color"] && stdout.isTTY === true && !process.env.NO_COLOR;
  return { url: url.replace(/\/+$/, ""), user: values.user, token, room: values.room, retries, plain, color };
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      url: { type: "string" },
      user: { type: "string", short: "u" },
      token: { type: "string" },
      room: { type: "string" },
      retries: { type: "string" },
      plain: { type: "boolean" },
      "no-color": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
    allowPositionals: false,
  });
}

/** A token: the given one, or a sign-in with the user's password. */
async function signIn(opts: CliOptions, lines: AsyncIterator<string> | undefined): Promise<string | SessionEnd> {
  if (opts.token) return opts.token;
  const password = stdin.isTTY ? await readSecret(`Password for ${opts.user}: `) : ((await lines?.next())?.value ?? "");
  try {
    return (await new MeshRest(opts.url, "").login(opts.user as string, password)).token;
  } catch (error) {
    if (error instanceof MeshRestError && error.code === "network") return { reason: `Cannot reach the server at ${opts.url}.`, why: "lost" };
    if (error instanceof MeshRestError && (error.status === 401 || error.status === 400)) return { reason: `Sign-in refused: ${error.message}.`, why: "signed-out" };
    if (error instanceof MeshRestError && error.status === 429) return { reason: `Sign-in refused: ${error.message}`, why: "signed-out" };
    return { reason: `Sign-in failed: ${(error as Error).message}`, why: "refused" };
  }
}

/**
 * The Colyseus client announces each reconnection attempt with console.info, which would land in
 * the middle of the user's screen; the session says "reconnecting…" itself. Kept for debugging
 * with MESH_TERM_DEBUG=1 (on standard error).
 */
function quietLibraries(): void {
  const toStderr = (...args: unknown[]) => process.stderr.write(`${args.map(String).join(" ")}\n`);
  const debug = Boolean(process.env.MESH_TERM_DEBUG);
  console.info = debug ? toStderr : () => {};
  console.log = debug ? toStderr : () => {};
  console.debug = debug ? toStderr : () => {};
}

export async function main(argv: string[]): Promise<number> {
  quietLibraries();
  const opts = options(argv);
  if (opts === "help") {
    stdout.write(`${HELP}\n`);
    return 0;
  }
  if (typeof opts === "string") {
    process.stderr.write(`mesh-term: ${opts}\n\n${HELP}\n`);
    return EXIT.usage;
  }
  const terminal = stdin.isTTY === true && !opts.plain;
  // Piped input: one reader from the start, so its first line (the password) and the commands
  // after it are read in order. A terminal: the password is read raw first, the editor after.
  let piped = stdin.isTTY ? undefined : createInterface({ input: stdin, terminal: false });
  let pipedLines = piped?.[Symbol.asyncIterator]();
  const token = await signIn(opts, pipedLines);
  if (typeof token !== "string") {
    // The reason may carry the server's own words: inert, like everything remote.
    process.stderr.write(`mesh-term: ${inert(token.reason)}\n`);
    piped?.close();
    return EXIT[token.why];
  }
  if (!terminal && !piped) {
    // Plain mode on a terminal: lines as typed, with no editor drawing on the screen.
    piped = createInterface({ input: stdin, terminal: false });
    pipedLines = piped[Symbol.asyncIterator]();
  }

  let rl: Interface | undefined;
  let finished: (code: number) => void = () => {};
  const done = new Promise<number>((resolve) => {
    finished = resolve;
  });
  const style = { color: opts.color };
  const show = (printed: Line) => {
    const text = renderLine(printed, style);
    if (rl) {
      // Keep what the user is typing: clear the input line, print, then draw prompt and input again.
      stdout.write("\r\u001b[2K");
      stdout.write(`${text}\n`);
      rl.prompt(true);
    } else stdout.write(`${text}\n`);
  };
  const session = new MudSession({
    url: opts.url,
    token,
    client: "cli",
    room: opts.room,
    retries: opts.retries,
    print: show,
    onPrompt: (prompt) => rl?.setPrompt(prompt),
    onEnd: (end) => {
      if (end.why !== "quit") process.stderr.write(`mesh-term: ${inert(end.reason)}\n`);
      finished(EXIT[end.why]);
    },
  });

  await session.start();
  if (pipedLines) void readPiped(session, pipedLines);
  else rl = editLines(session);
  for (const signal of ["SIGTERM", "SIGHUP"] as const) {
    process.once(signal, () => {
      void session.close().then(() => finished(0));
    });
  }
  const code = await done;
  rl?.close();
  piped?.close();
  return code;
}

/** Lines from a pipe: one after another, in order; the end of input is quit. */
async function readPiped(session: MudSession, lines: AsyncIterator<string>): Promise<void> {
  for (;;) {
    const next = await lines.next();
    if (next.done) break;
    await session.handle(next.value);
  }
  await session.handle("quit");
}

/** A terminal: readline's editor with history and Tab completion; Ctrl-C clears, Ctrl-D leaves. */
function editLines(session: MudSession): Interface {
  const rl = createInterface({
    input: stdin,
    output: stdout,
    terminal: true,
    historySize: 500,
    removeHistoryDuplicates: true,
    // One candidate is taken with a space after it, ready for the next word.
    completer: (typed: string) => {
      const [candidates, word] = session.complete(typed);
      return [candidates.length === 1 ? [`${candidates[0]} `] : candidates, word];
    },
    prompt: session.prompt,
  });
  rl.prompt();
  let queue = Promise.resolve();
  rl.on("line", (input) => {
    // One line at a time, in order, even when a paste delivers many at once.
    queue = queue.then(async () => {
      await session.handle(input);
      rl.prompt();
    });
  });
  rl.on("SIGINT", () => {
    if (rl.line.length > 0) {
      stdout.write("^C\n");
      rl.write(null, { ctrl: true, name: "u" });
      rl.prompt();
    } else void queue.then(() => session.handle("quit"));
  });
  rl.on("close", () => void queue.then(() => session.handle("quit")));
  return rl;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`mesh-term: ${(error as Error).stack ?? error}\n`);
    process.exit(1);
  },
);
