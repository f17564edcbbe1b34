import { type AvatarModel, exitViews, h, type RoomInfo } from "@mesh/client-kit";
import type { Camera } from "./camera.ts";
import { colorKey, cssColor, ownerColor } from "./colors.ts";

/** The minimap's longest side (CSS px). */
const SIZE = 176;
/** Redrawn this often (ms): an overview need not move at 60 fps. */
const EVERY_MS = 120;

/**
 * The whole room in a corner: walls, exits, every unit as a dot in its owner's colour, and the
 * view's rectangle. Click or drag on it to centre the view there. A small Canvas 2D of its own.
 */
export class Minimap {
  readonly element: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D | null;
  private info: RoomInfo | undefined;
  private scale = 1;
  private last = 0;
  private readonly view = new Float64Array(4);
  private readonly colors = new Map<string, string>();

  constructor(
    private readonly model: AvatarModel,
    private readonly camera: Camera,
    private readonly isMine: (slot: number) => boolean,
  ) {
    this.element = h("canvas", { class: "rts-minimap", "aria-hidden": "true", title: "Minimap: click to look there" });
    this.ctx = this.element.getContext("2d");
    const centre = (e: PointerEvent) => {
      if (!this.info) return;
      const rect = this.element.getBoundingClientRect();
      this.camera.centre((e.clientX - rect.left) / this.scale, this.info.depth - (e.clientY - rect.top) / this.scale);
    };
    this.element.addEventListener("pointerdown", (e) => {
      if (e.button !== 0) return;
      this.element.setPointerCapture(e.pointerId);
      centre(e);
    });
    this.element.addEventListener("pointermove", (e) => {
      if (this.element.hasPointerCapture(e.pointerId)) centre(e);
    });
    this.element.addEventListener("contextmenu", (e) => e.preventDefault());
  }

  setRoom(info: RoomInfo): void {
    this.info = info;
    this.scale = SIZE / Math.max(info.width, info.depth);
    const dpr = window.devicePixelRatio || 1;
    const w = Math.round(info.width * this.scale);
    const d = Math.round(info.depth * this.scale);
    this.element.width = Math.round(w * dpr);
    this.element.height = Math.round(d * dpr);
    this.element.style.width = `${w}px`;
    this.element.style.height = `${d}px`;
    this.last = 0;
  }

  update(now: number): void {
    const { ctx, info, model } = this;
    if (!ctx || !info || now - this.last < EVERY_MS) return;
    this.last = now;
    const s = this.scale;
    const dpr = window.devicePixelRatio || 1;
    const w = info.width * s;
    const d = info.depth * s;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = "#081126";
    ctx.fillRect(0, 0, w, d);
    ctx.strokeStyle = "rgba(56,225,255,0.8)";
    ctx.lineWidth = 1.5;
    ctx.strokeRect(0.75, 0.75, w - 1.5, d - 1.5);
    ctx.fillStyle = "#b46bff";
    for (const exit of exitViews(info.exits, info.width, info.depth)) ctx.fillRect(exit.x * s - 3, (info.depth - exit.z) * s - 3, 6, 6);
    for (let i = 0; i < model.count; i++) {
      const slot = model.dense[i];
      const x = model.drawn[slot * 3] * s;
      const y = (info.depth - model.drawn[slot * 3 + 1]) * s;
      ctx.fillStyle = this.colorOf(slot);
      const r = this.isMine(slot) || model.ids[slot] === model.selfId ? 2.5 : 1.6;
      ctx.fillRect(x - r, y - r, r * 2, r * 2);
    }
    const v = this.camera.viewRect(this.view);
    ctx.strokeStyle = "#ffe14d";
    ctx.lineWidth = 1;
    ctx.strokeRect(v[0] * s, (info.depth - v[3]) * s, (v[2] - v[0]) * s, (v[3] - v[1]) * s);
  }

  private colorOf(slot: number): string {
    const key = colorKey(this.model.ids[slot], this.model.ownerIds[slot] ?? "");
    let color = this.colors.get(key);
    if (!color) {
      color = cssColor(ownerColor(key));
      this.colors.set(key, color);
    }
    return color;
  }
}
