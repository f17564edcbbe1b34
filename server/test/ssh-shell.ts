import { Client, type ClientChannel, type ConnectConfig } from "ssh2";

/** What a test signs in with: a password or a private key (OpenSSH format). */
export type SshCredentials = { username: string } & ({ password: string } | { privateKey: string });

/** An interactive SSH session with a pty, as a terminal user has one, through the ssh2 client. */
export interface SshShell {
  /** Everything the server wrote to the terminal so far (stdout and stderr). */
  output(): string;
  /** Type: `\r` is Enter, as a terminal sends it. */
  type(text: string): void;
  /** Resolve once the output (from `from` on) matches; fail with what arrived after `timeoutMs`. */
  until(pattern: string | RegExp, timeoutMs?: number, from?: number): Promise<void>;
  resize(cols: number, rows: number): void;
  /** The exit status the server sent, once the channel is closed (undefined: none). */
  exited: Promise<number | undefined>;
  /** The raw host key the server presented. */
  hostKey: Buffer;
  end(): void;
}

function connectConfig(port: number, credentials: SshCredentials, onHostKey: (key: Buffer) => void): ConnectConfig {
  return {
    host: "127.0.0.1",
    port,
    readyTimeout: 10_000,
    ...credentials,
    // Only the offered credential: no agent, no keyboard-interactive.
    tryKeyboard: false,
    hostVerifier: (key: Buffer) => {
      onHostKey(key);
      return true;
    },
  };
}

/** Sign in and open a shell with a pty; rejects with the client's error if sign-in fails. */
export function sshShell(port: number, credentials: SshCredentials, size = { cols: 100, rows: 30 }): Promise<SshShell> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    let hostKey: Buffer = Buffer.alloc(0);
    client.on("error", reject);
    client.on("ready", () => {
      client.shell({ term: "xterm-256color", cols: size.cols, rows: size.rows }, (error, channel: ClientChannel) => {
        if (error) return reject(error);
        resolve(shellOf(client, channel, hostKey));
      });
    });
    client.connect(connectConfig(port, credentials, (key) => (hostKey = key)));
  });
}

function shellOf(client: Client, channel: ClientChannel, hostKey: Buffer): SshShell {
  let text = "";
  let exitCode: number | undefined;
  const waiters = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    text += chunk.toString("utf8");
    for (const wake of waiters) wake();
  };
  channel.on("data", onData);
  channel.stderr.on("data", onData);
  channel.on("exit", (code: number | null) => {
    exitCode = code ?? undefined;
  });
  const exited = new Promise<number | undefined>((resolve) =>
    channel.on("close", () => {
      client.end();
      resolve(exitCode);
    }),
  );
  return {
    output: () => text,
    type: (typed) => channel.write(typed),
    until(pattern, timeoutMs = 5000, from = 0) {
      const matches = () => (typeof pattern === "string" ? text.indexOf(pattern, from) >= 0 : pattern.test(text.slice(from)));
      if (matches()) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(wake);
          reject(new Error(`timed out waiting for ${String(pattern)} in the SSH output:\n${JSON.stringify(text.slice(from).slice(-2000))}`));
        }, timeoutMs);
        const wake = () => {
          if (!matches()) return;
          clearTimeout(timer);
          waiters.delete(wake);
          resolve();
        };
        waiters.add(wake);
      });
    },
    resize: (cols, rows) => channel.setWindow(rows, cols, 0, 0),
    exited,
    hostKey,
    end: () => client.end(),
  };
}

/** Try to sign in; resolves with the client's error (the test expects a refusal), or fails if it got in. */
export function sshRefusal(port: number, credentials: SshCredentials): Promise<Error> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    client.on("error", resolve);
    client.on("ready", () => {
      client.end();
      reject(new Error(`signed in as ${credentials.username}, expected a refusal`));
    });
    client.connect(connectConfig(port, credentials, () => {}));
  });
}
