import { DOOR_GAP, type ExitView, exitViews, type RoomInfo, wallSpans } from "@mesh/client-kit";
import { Container, Graphics, Text } from "pixi.js";
import type { Camera } from "./camera.ts";
import { LABEL_FONT, PALETTE } from "./palette.ts";
import { shortLabel } from "./labels.ts";

/** Grid lines every this many metres; every fourth one brighter. */
const GRID_STEP = 2;

/**
 * The room itself: floor, grid, walls with their doorway gaps, and each exit labelled with the
 * room behind it. Redrawn only when the room or the view changes (a few hundred segments).
 */
export class RoomLayer {
  readonly container = new Container();
  private readonly floor = new Graphics();
  private readonly labels = new Container();
  private exits: ExitView[] = [];
  private info: RoomInfo | undefined;
  private drawnFor = -1;

  constructor(private readonly camera: Camera) {
    this.container.addChild(this.floor, this.labels);
  }

  setRoom(info: RoomInfo, roomNames: ReadonlyMap<string, string>): void {
    this.info = info;
    this.exits = exitViews(info.exits, info.width, info.depth);
    for (const old of this.labels.removeChildren()) old.destroy();
    for (const exit of this.exits) {
      const label = new Text({
        text: `${exit.direction.toUpperCase()} · ${shortLabel(roomNames.get(exit.target) ?? exit.target, 22)}`,
        style: { fontFamily: LABEL_FONT, fontSize: 11, fontWeight: "600", fill: exit.pad ? PALETTE.pad : 0xe8d8ff, letterSpacing: 0.5, stroke: { color: PALETTE.ink, width: 3 } },
      });
      label.anchor.set(0.5);
      this.labels.addChild(label);
    }
    this.drawnFor = -1;
  }

  update(): void {
    const { camera, info } = this;
    if (!info || this.drawnFor === camera.version) return;
    this.drawnFor = camera.version;
    const g = this.floor;
    g.clear();
    const left = camera.screenX(0);
    const top = camera.screenY(info.depth);
    const right = camera.screenX(info.width);
    const bottom = camera.screenY(0);
    g.rect(left, top, right - left, bottom - top).fill({ color: PALETTE.floor });
    for (const major of [false, true]) {
      for (let u = GRID_STEP; u < Math.max(info.width, info.depth); u += GRID_STEP) {
        if ((u % (GRID_STEP * 4) === 0) !== major) continue;
        if (u < info.width) g.moveTo(camera.screenX(u), top).lineTo(camera.screenX(u), bottom);
        if (u < info.depth) g.moveTo(left, camera.screenY(u)).lineTo(right, camera.screenY(u));
      }
      g.stroke({ width: 1, color: PALETTE.grid, alpha: major ? 0.28 : 0.1 });
    }
    const along = (dir: string, pick: (e: ExitView) => number) => this.exits.filter((e) => e.direction === dir).map(pick);
    const wall = (length: number, doors: number[], point: (t: number) => [number, number]) => {
      for (const [a, b] of wallSpans(length, doors)) {
        g.moveTo(...point(a)).lineTo(...point(b));
      }
    };
    wall(info.width, along("south", (e) => e.x), (t) => [camera.screenX(t), bottom]);
    wall(info.width, along("north", (e) => e.x), (t) => [camera.screenX(t), top]);
    wall(info.depth, along("west", (e) => e.z), (t) => [left, camera.screenY(t)]);
    wall(info.depth, along("east", (e) => e.z), (t) => [right, camera.screenY(t)]);
    // A wide faint stroke under the bright one: the walls glow like the 3D view's.
    g.stroke({ width: 7, color: PALETTE.wall, alpha: 0.18 });
    wall(info.width, along("south", (e) => e.x), (t) => [camera.screenX(t), bottom]);
    wall(info.width, along("north", (e) => e.x), (t) => [camera.screenX(t), top]);
    wall(info.depth, along("west", (e) => e.z), (t) => [left, camera.screenY(t)]);
    wall(info.depth, along("east", (e) => e.z), (t) => [right, camera.screenY(t)]);
    g.stroke({ width: 2.5, color: PALETTE.wall, alpha: 0.95 });
    const s = camera.scale;
    this.exits.forEach((exit, i) => {
      const x = camera.screenX(exit.x);
      const y = camera.screenY(exit.z);
      const color = exit.pad ? PALETTE.pad : PALETTE.door;
      const gap = DOOR_GAP * s;
      if (exit.pad) g.circle(x, y, Math.max(6, 1.6 * s));
      else if (exit.direction === "north" || exit.direction === "south") g.rect(x - gap / 2, y - 4, gap, 8);
      else g.rect(x - 4, y - gap / 2, 8, gap);
      g.fill({ color, alpha: 0.2 }).stroke({ width: 2, color, alpha: 0.9 });
      const label = this.labels.children[i];
      if (!label) return;
      const inset = 16;
      const dy = exit.direction === "north" ? inset : exit.direction === "south" ? -inset : exit.pad ? -Math.max(6, 1.6 * s) - 10 : 0;
      const dx = exit.direction === "west" ? label.width / 2 + 10 : exit.direction === "east" ? -label.width / 2 - 10 : 0;
      label.position.set(Math.round(x + dx), Math.round(y + dy));
    });
  }
}
