import { stdin, stdout } from "node:process";

/**
 * Ask for a secret on a terminal without echoing it: raw mode, Backspace works, Enter ends,
 * Ctrl-C or Ctrl-D gives up (the process exits with 130, as a shell would after Ctrl-C).
 */
export function readSecret(prompt: string): Promise<string> {
  return new Promise((resolve) => {
    stdout.write(prompt);
    let secret = "";
    const wasRaw = stdin.isRaw;
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding("utf8");
    const finish = () => {
      stdin.off("data", onData);
      stdin.setRawMode(wasRaw);
      stdin.pause();
      stdout.write("\n");
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === "\r" || char === "\n") {
          finish();
          resolve(secret);
          return;
        }
        if (char === "\u0003" || char === "\u0004") {
          finish();
          process.exit(130);
        }
        if (char === "\u007f" || char === "\b") secret = [...secret].slice(0, -1).join("");
        else if (char >= " ") secret += char;
      }
    };
    stdin.on("data", onData);
  });
}
