import { describe, expect, it } from "vitest";
import { lerpAngle, SampleRing } from "./interpolation.ts";

const out = new Float32Array(3);

describe("SampleRing", () => {
  it("interpolates between the two patches around the render time", () => {
    const ring = new SampleRing(4);
    ring.push(0, 1000, 0, 0, 0);
    ring.push(0, 1050, 1, 2, 0);
    ring.push(0, 1100, 2, 4, 0);
    ring.sample(0, 1075, out, 0);
    expect(out[0]).toBeCloseTo(1.5);
    expect(out[1]).toBeCloseTo(3);
  });

  it("holds the newest position after it and the oldest before it", () => {
    const ring = new SampleRing(4);
    ring.push(1, 1000, 5, 5, 0);
    ring.push(1, 1050, 6, 5, 0);
    ring.sample(1, 5000, out, 0);
    expect(out[0]).toBeCloseTo(6);
    ring.sample(1, 0, out, 0);
    expect(out[0]).toBeCloseTo(5);
  });

  it("eases in from rest: a patch after a long still spell starts from one tick earlier, not from the old time", () => {
    const ring = new SampleRing(4);
    ring.push(0, 0, 0, 0, 0);
    ring.push(0, 10_000, 0.2, 0, 0);
    // Halfway through the last tick, halfway along; without the rest sample it would be at ~0.2 already.
    ring.sample(0, 9975, out, 0);
    expect(out[0]).toBeCloseTo(0.1);
  });

  it("ignores patches that did not move (a typing change) and keeps only the last 8 samples", () => {
    const ring = new SampleRing(2);
    ring.push(0, 0, 1, 1, 0);
    ring.push(0, 50, 1, 1, 0);
    ring.latest(0, out, 0);
    expect(out[0]).toBe(1);
    for (let i = 1; i <= 20; i++) ring.push(0, i * 50, i, 0, 0);
    ring.latest(0, out, 0);
    expect(out[0]).toBe(20);
    ring.sample(0, 0, out, 0); // long before the oldest kept sample: the oldest one (13)
    expect(out[0]).toBe(13);
  });

  it("grows to any slot and clears a slot for reuse", () => {
    const ring = new SampleRing(2);
    ring.push(40, 0, 3, 4, 0);
    expect(ring.sample(40, 0, out, 0)).toBe(true);
    expect(out[1]).toBe(4);
    ring.clear(40);
    expect(ring.sample(40, 0, out, 0)).toBe(false);
  });

  it("turns the short way round", () => {
    expect(lerpAngle(3, -3, 0.5)).toBeCloseTo(Math.PI, 1);
    expect(lerpAngle(0.1, -0.1, 0.5)).toBeCloseTo(0);
  });
});
