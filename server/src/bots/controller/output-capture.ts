import type { Readable } from "node:stream";
import { cut, type LogRing } from "./log-ring.ts";

/** What one line costs the output allowance besides its bytes, so a flood of empty lines is throttled too. */
const LINE_COST = 64;

/**
 * Splits a stream's chunks into lines for the ring without decoding more than a line's cap: the
 * bytes of an over-long line beyond the cap are only scanned for the next newline, never kept.
 */
export class LineSplitter {
  private parts: Buffer[] = [];
  private partBytes = 0;
  private overlong = false;

  constructor(
    private readonly ring: LogRing,
    private readonly stream: "stdout" | "stderr",
  ) {}

  /** Returns how many lines the chunk completed. */
  write(chunk: Buffer): number {
    let lines = 0;
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(10, start);
      const end = newline === -1 ? chunk.length : newline;
      this.append(chunk, start, end);
      if (newline === -1) break;
      this.flush();
      lines++;
      start = newline + 1;
    }
    return lines;
  }

  /** The stream ended: keep a last line that had no newline. */
  end(): void {
    if (this.partBytes > 0 || this.overlong) this.flush();
  }

  private append(chunk: Buffer, start: number, end: number): void {
    const room = this.ring.limits.maxLineBytes - this.partBytes;
    const take = Math.min(room, end - start);
    if (take < end - start) this.overlong = true;
    if (take <= 0) return;
    this.parts.push(Buffer.from(chunk.subarray(start, start + take))); // a copy: never hold on to the whole chunk
    this.partBytes += take;
  }

  private flush(): void {
    let text = Buffer.concat(this.parts, this.partBytes).toString("utf8");
    if (text.endsWith("\r")) text = text.slice(0, -1);
    this.ring.push(this.stream, this.overlong ? cut(text, this.ring.limits.maxLineBytes, true) : text);
    this.parts = [];
    this.partBytes = 0;
    this.overlong = false;
  }
}

export interface CaptureOptions {
  /** Output bytes per second a bot may produce before its pipes are paused (it then blocks on write). */
  bytesPerS: number;
  /** Told once per throttled stretch, for the ring. */
  onThrottle(): void;
}

/**
 * Feeds a child's stdout and stderr into its ring through one allowance: past it the pipes are
 * paused, so a flooding bot waits on its own writes instead of costing the server's event loop.
 */
export function captureOutput(stdout: Readable, stderr: Readable, ring: LogRing, options: CaptureOptions): { release(): void } {
  const splitters = [new LineSplitter(ring, "stdout"), new LineSplitter(ring, "stderr")];
  const streams = [stdout, stderr];
  let allowance = options.bytesPerS;
  let refilledAt = Date.now();
  let paused: NodeJS.Timeout | undefined;
  let throttled = false;

  const resume = () => {
    paused = undefined;
    for (const stream of streams) stream.resume();
  };
  const spend = (bytes: number) => {
    const now = Date.now();
    allowance = Math.min(options.bytesPerS, allowance + ((now - refilledAt) / 1000) * options.bytesPerS);
    refilledAt = now;
    allowance -= bytes;
    if (allowance >= 0) {
      throttled = false;
      return;
    }
    if (!throttled) options.onThrottle();
    throttled = true;
    if (paused) return;
    for (const stream of streams) stream.pause();
    paused = setTimeout(resume, Math.ceil((-allowance / options.bytesPerS) * 1000));
    paused.unref();
  };
  streams.forEach((stream, i) => {
    const splitter = splitters[i];
    stream.on("data", (chunk: Buffer) => spend(chunk.length + LINE_COST * splitter.write(chunk)));
    stream.on("end", () => splitter.end());
    stream.on("error", () => splitter.end());
  });
  return {
    // The child is gone: what is left in the pipes is at most a pipe's buffer, so let it drain.
    release() {
      if (paused) clearTimeout(paused);
      resume();
    },
  };
}
