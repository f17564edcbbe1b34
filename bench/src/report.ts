import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** One benchmark result: a JSON object printed as one line of stdout (JSONL). */
export type BenchLine = { bench: string } & Record<string, string | number | boolean>;

/** Every run also lands in bench/results/latest.jsonl, free of anything npm prints around it. */
export const RESULTS_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "results", "latest.jsonl");
let started = false;

export const emit = (line: BenchLine): void => {
  const text = `${JSON.stringify(line)}\n`;
  process.stdout.write(text);
  if (!started) {
    fs.mkdirSync(path.dirname(RESULTS_FILE), { recursive: true });
    fs.writeFileSync(RESULTS_FILE, "");
    started = true;
  }
  fs.appendFileSync(RESULTS_FILE, text);
};

/** Progress goes to stderr so stdout stays machine-readable. */
export const progress = (message: string): void => {
  process.stderr.write(`[bench] ${message}\n`);
};
