import type { MeshRoom } from "@mesh/bots";
import { build, type Histogram } from "hdr-histogram-js";
import { round } from "../stats.ts";

/** Latencies in whole microseconds, read back in milliseconds. */
export const latencyHistogram = (): Histogram =>
  build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 });

export const recordMs = (histogram: Histogram, ms: number): void => histogram.recordValue(Math.max(1, Math.round(ms * 1000)));

export const percentileMs = (histogram: Histogram, p: number): number => round(histogram.getValueAtPercentile(p) / 1000);

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A gap between probes that spans a whole 50 ms tick, so probes land at every phase of
 * the server's clock instead of locking onto one (which would fake a steady wait).
 */
export const probeGap = (rand: () => number): Promise<void> => sleep(60 + rand() * 50);

/**
 * Starts `act` and resolves with the ms until `seen` first holds on an event `listen` reports,
 * or undefined after `timeoutMs`.
 */
export const timeUntil = (
  listen: (check: () => void) => () => void,
  seen: () => boolean,
  act: () => void,
  timeoutMs: number,
): Promise<number | undefined> =>
  new Promise((resolve) => {
    const start = performance.now();
    const finish = (value: number | undefined) => {
      clearTimeout(timer);
      off();
      resolve(value);
    };
    const off = listen(() => {
      if (seen()) finish(performance.now() - start);
    });
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    act();
  });

const near = (a: number, b: number) => Math.abs(a - b) < 1e-3;

/** A moves to (x, z); ms until B's mirrored state shows A there. */
export const moveSeen = (a: MeshRoom, b: MeshRoom, x: number, z: number, timeoutMs = 2000): Promise<number | undefined> =>
  timeUntil(
    (check) => b.onChange(check),
    () => {
      const seen = b.participant(a.participantId);
      return seen !== undefined && near(seen.x, x) && near(seen.z, z);
    },
    () => a.moveTo(x, z),
    timeoutMs,
  );

/** A says `text`; ms until B's onMessage delivers it. */
export const messageSeen = (a: MeshRoom, b: MeshRoom, text: string, timeoutMs = 2000): Promise<number | undefined> => {
  const nonce = globalThis.crypto.randomUUID();
  let delivered = false;
  return timeUntil(
    (check) =>
      b.onMessage((message) => {
        delivered ||= message.nonce === nonce && message.authorId === a.participantId;
        check();
      }),
    () => delivered,
    () => a.send(text, { nonce }),
    timeoutMs,
  );
};
