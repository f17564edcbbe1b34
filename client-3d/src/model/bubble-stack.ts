/** Pixels between two bubbles stacked one above the other. */
const GAP = 4;

/** One bubble on screen: centred at x, its bottom edge at y, its size in pixels. */
export interface BubbleBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Lifts bubbles that would cover each other, so every speaker in a crowd stays readable. The
 * bubble lowest on screen (nearest the viewer) keeps its place; each next one goes above any it
 * would overlap. A few bubbles at a time (one per speaker), so the quadratic pass costs nothing.
 */
export function stackBubbles(boxes: BubbleBox[], count = boxes.length): void {
  // Insertion sort of the first `count`, lowest on screen first: no allocation in the frame loop.
  for (let i = 1; i < count; i++) {
    const box = boxes[i];
    let j = i - 1;
    while (j >= 0 && boxes[j].y < box.y) {
      boxes[j + 1] = boxes[j];
      j--;
    }
    boxes[j + 1] = box;
  }
  for (let i = 1; i < count; i++) {
    const box = boxes[i];
    // Each lift can land on another placed bubble: check again until it sits clear (≤ i lifts).
    for (let tries = 0; tries <= i; tries++) {
      let lifted = false;
      for (let j = 0; j < i; j++) {
        const other = boxes[j];
        if (!overlaps(box, other)) continue;
        box.y = other.y - other.height - GAP;
        lifted = true;
      }
      if (!lifted) break;
    }
  }
}

function overlaps(a: BubbleBox, b: BubbleBox): boolean {
  return Math.abs(a.x - b.x) * 2 < a.width + b.width && a.y > b.y - b.height - GAP && b.y > a.y - a.height - GAP;
}
