/** One benchmark result: a JSON object printed as one line of stdout (JSONL). */
export type BenchLine = { bench: string } & Record<string, string | number | boolean>;

export const emit = (line: BenchLine): void => {
  process.stdout.write(`${JSON.stringify(line)}\n`);
};

/** Progress goes to stderr so stdout stays machine-readable. */
export const progress = (message: string): void => {
  process.stderr.write(`[bench] ${message}\n`);
};
