export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Nanoseconds that `fn` takes. */
export const timeNs = (fn: () => void): number => {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start);
};

/** Round to a few significant digits so the JSONL stays readable. */
export const round = (v: number, digits = 4): number => Number(v.toPrecision(digits));

/** Seeded pseudo-random numbers so every run drives the same inputs. */
export const lcg = (seed: number): (() => number) => {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
};
