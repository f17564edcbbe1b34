import { describe, expect, it } from "vitest";
import { type BubbleBox, stackBubbles } from "./bubble-stack.ts";

const clear = (a: BubbleBox, b: BubbleBox) =>
  Math.abs(a.x - b.x) * 2 >= a.width + b.width || a.y <= b.y - b.height || b.y <= a.y - a.height;

describe("stackBubbles", () => {
  it("leaves bubbles that do not touch where they are", () => {
    const boxes = [
      { x: 100, y: 300, width: 120, height: 40 },
      { x: 400, y: 300, width: 120, height: 40 },
    ];
    stackBubbles(boxes);
    expect(boxes.map((b) => b.y)).toEqual([300, 300]);
  });

  it("lifts the farther of two overlapping bubbles above the nearer one", () => {
    const near = { x: 200, y: 320, width: 160, height: 50 };
    const far = { x: 230, y: 300, width: 160, height: 50 };
    stackBubbles([far, near]);
    expect(near.y).toBe(320);
    expect(far.y).toBeLessThanOrEqual(320 - 50);
    expect(clear(near, far)).toBe(true);
  });

  it("untangles a crowd: no two bubbles overlap afterwards", () => {
    const boxes = Array.from({ length: 8 }, (_, i) => ({ x: 300 + (i % 3) * 30, y: 400 - i * 7, width: 150, height: 36 + (i % 2) * 20 }));
    stackBubbles(boxes);
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) expect(clear(boxes[i], boxes[j]), `${i}/${j}`).toBe(true);
  });
});

describe("stackBubbles over the first few of a reused array", () => {
  it("touches only the first `count` boxes", () => {
    const spare = { x: 200, y: 320, width: 160, height: 50 };
    const boxes = [
      { x: 200, y: 300, width: 160, height: 50 },
      { x: 210, y: 310, width: 160, height: 50 },
      spare,
    ];
    stackBubbles(boxes, 2);
    expect(boxes[2]).toBe(spare);
    expect(spare.y).toBe(320);
    expect(clear(boxes[0], boxes[1])).toBe(true);
  });
});
