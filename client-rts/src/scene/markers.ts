import { Container, Graphics, type GraphicsContext } from "pixi.js";
import type { Camera } from "./camera.ts";

const MARKERS = 6;
const LIFE_MS = 900;

/** Where a move order was given: a ring that shrinks and fades at the point (a few, reused). */
export class MoveMarkers {
  readonly container = new Container();
  private readonly marks: Graphics[] = [];
  private readonly at = new Float64Array(MARKERS * 3);
  private next = 0;

  constructor(
    private readonly camera: Camera,
    shape: GraphicsContext,
  ) {
    for (let i = 0; i < MARKERS; i++) {
      const g = new Graphics(shape);
      g.visible = false;
      this.marks.push(g);
      this.container.addChild(g);
    }
  }

  show(x: number, z: number, now: number): void {
    const i = this.next;
    this.next = (this.next + 1) % MARKERS;
    this.at[i * 3] = x;
    this.at[i * 3 + 1] = z;
    this.at[i * 3 + 2] = now;
  }

  update(now: number): void {
    for (let i = 0; i < MARKERS; i++) {
      const age = now - this.at[i * 3 + 2];
      const g = this.marks[i];
      const live = this.at[i * 3 + 2] > 0 && age >= 0 && age < LIFE_MS;
      g.visible = live;
      if (!live) continue;
      const f = age / LIFE_MS;
      g.position.set(this.camera.screenX(this.at[i * 3]), this.camera.screenY(this.at[i * 3 + 1]));
      g.scale.set(1.3 - f * 0.7);
      g.alpha = 1 - f;
    }
  }
}
