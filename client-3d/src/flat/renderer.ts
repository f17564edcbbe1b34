import type { RoomInfo } from "@mesh/client-kit";
import type { AvatarModel } from "@mesh/client-kit";
import { DOOR_GAP, exitViews, wallSpans } from "@mesh/client-kit";
import { MAX_PULSES, type PulseRing } from "../model/pulses.ts";
import type { Renderer } from "../renderer.ts";

const COLORS = { human: "#38e1ff", bot: "#ff9f38", self: "#ffe14d", door: "#b46bff", up: "#3dffa2", grid: "rgba(56,225,255,0.16)", major: "rgba(56,225,255,0.4)" };
const PAD = 28;
/** Labels sit above a shape by this many pixels per world unit of height. */
const LIFT = 7;

/**
 * The top-down Canvas 2D view: for browsers without WebGL, for people who prefer less motion, or
 * by choice. North is up. The floor, walls and doorways are baked once per room and size; each
 * frame draws only avatars and pulses over them.
 */
export class FlatRenderer implements Renderer {
  readonly mode = "2d" as const;
  private readonly ctx: CanvasRenderingContext2D;
  private readonly floor = document.createElement("canvas");
  private info: RoomInfo | undefined;
  private scale = 1;
  private ox = 0;
  private oy = 0;
  private bakedFor = "";
  private now = 0;

  constructor(
    readonly canvas: HTMLCanvasElement,
    private readonly model: AvatarModel,
    private readonly pulses: PulseRing,
  ) {
    const ctx = canvas.getContext("2d");
    if (!ctx) throw new Error("this browser draws neither WebGL nor Canvas 2D");
    this.ctx = ctx;
  }

  setRoom(info: RoomInfo): void {
    this.info = info;
    this.bakedFor = "";
  }

  update(now: number): void {
    this.now = now;
    this.fit();
  }

  render(): void {
    const { ctx, model } = this;
    const dpr = window.devicePixelRatio || 1;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.drawImage(this.floor, 0, 0);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const r = Math.max(7, this.scale * 0.85);
    // Pulses under the avatars: a line of light fading behind a bright head.
    for (let i = 0; i < MAX_PULSES; i++) {
      const f = this.pulses.progress(i, this.now);
      if (f < 0) continue;
      const o = i * 4;
      const [ax, ay] = this.at(this.pulses.ends[o], this.pulses.ends[o + 1]);
      const [bx, by] = this.at(this.pulses.ends[o + 2], this.pulses.ends[o + 3]);
      const tail = Math.max(0, f - 0.25);
      ctx.strokeStyle = "rgba(180,107,255,0.55)";
      ctx.lineWidth = 2;
      ctx.beginPath();
      ctx.moveTo(ax + (bx - ax) * tail, ay + (by - ay) * tail);
      ctx.lineTo(ax + (bx - ax) * f, ay + (by - ay) * f);
      ctx.stroke();
      ctx.fillStyle = "#e8f8ff";
      ctx.beginPath();
      ctx.arc(ax + (bx - ax) * f, ay + (by - ay) * f, 3, 0, Math.PI * 2);
      ctx.fill();
    }
    const selfSlot = model.slotOf(model.selfId);
    for (let i = 0; i < model.count; i++) {
      const slot = model.dense[i];
      const [x, y] = this.at(model.drawn[slot * 3], model.drawn[slot * 3 + 1]);
      const heading = model.drawn[slot * 3 + 2];
      const bot = model.isBot(slot);
      const color = slot === selfSlot ? COLORS.self : bot ? COLORS.bot : COLORS.human;
      ctx.save();
      ctx.globalAlpha = model.away[slot] ? 0.35 : 1;
      ctx.translate(x, y);
      // North is up the screen, so a heading of 0 (+z) points up: rotate by the heading clockwise.
      ctx.rotate(heading);
      ctx.shadowColor = color;
      ctx.shadowBlur = 12;
      ctx.fillStyle = "#060a16";
      ctx.strokeStyle = color;
      ctx.lineWidth = 2.5;
      ctx.beginPath();
      if (bot) {
        ctx.moveTo(0, -r * 1.15);
        ctx.lineTo(r, 0);
        ctx.lineTo(0, r * 1.15);
        ctx.lineTo(-r, 0);
      } else {
        for (let k = 0; k < 6; k++) ctx.lineTo(Math.sin((k * Math.PI) / 3) * r, -Math.cos((k * Math.PI) / 3) * r);
      }
      ctx.closePath();
      ctx.fill();
      ctx.stroke();
      // A notch toward the heading: which way they face.
      ctx.fillStyle = color;
      ctx.beginPath();
      ctx.moveTo(-r * 0.35, -r * 0.45);
      ctx.lineTo(0, -r * 1.05);
      ctx.lineTo(r * 0.35, -r * 0.45);
      ctx.closePath();
      ctx.fill();
      ctx.restore();
      if (slot === selfSlot) {
        ctx.strokeStyle = "rgba(255,225,77,0.6)";
        ctx.lineWidth = 1.5;
        ctx.beginPath();
        ctx.arc(x, y, r * 1.9, 0, Math.PI * 2);
        ctx.stroke();
      }
    }
  }

  project(x: number, y: number, z: number, out: Float64Array): boolean {
    const [sx, sy] = this.at(x, z);
    out[0] = sx;
    out[1] = sy - y * LIFT;
    return true;
  }

  pickFloor(clientX: number, clientY: number, out: Float64Array): boolean {
    if (!this.info) return false;
    const rect = this.canvas.getBoundingClientRect();
    out[0] = (clientX - rect.left - this.ox) / this.scale;
    out[1] = this.info.depth - (clientY - rect.top - this.oy) / this.scale;
    return true;
  }

  viewYaw(): number {
    return 0;
  }

  dispose(): void {}

  /** World (x, z) to CSS pixels: north up. Returns a shared pair (read it at once). */
  private readonly point = [0, 0];
  private at(x: number, z: number): number[] {
    this.point[0] = this.ox + x * this.scale;
    this.point[1] = this.oy + ((this.info?.depth ?? 0) - z) * this.scale;
    return this.point;
  }

  /** Fits the room to the canvas and re-bakes the floor when the size or room changed. */
  private fit(): void {
    const { canvas, info } = this;
    if (!info) return;
    const dpr = window.devicePixelRatio || 1;
    const w = canvas.clientWidth;
    const h = canvas.clientHeight;
    const key = `${info.id}:${w}x${h}@${dpr}`;
    if (key === this.bakedFor) return;
    this.bakedFor = key;
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
    this.scale = Math.max(1, Math.min((w - PAD * 2) / info.width, (h - PAD * 2) / info.depth));
    this.ox = (w - info.width * this.scale) / 2;
    this.oy = (h - info.depth * this.scale) / 2;
    this.bake(w, h, dpr, info);
  }

  private bake(w: number, h: number, dpr: number, info: RoomInfo): void {
    const { floor } = this;
    floor.width = Math.round(w * dpr);
    floor.height = Math.round(h * dpr);
    const ctx = floor.getContext("2d");
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = "#03060f";
    ctx.fillRect(0, 0, w, h);
    const s = this.scale;
    const [x0, y0] = this.at(0, info.depth);
    const fw = info.width * s;
    const fd = info.depth * s;
    const glow = ctx.createRadialGradient(x0 + fw / 2, y0 + fd / 2, 0, x0 + fw / 2, y0 + fd / 2, Math.max(fw, fd) * 0.7);
    glow.addColorStop(0, "#0a1430");
    glow.addColorStop(1, "#050914");
    ctx.fillStyle = glow;
    ctx.fillRect(x0, y0, fw, fd);
    for (let u = 0; u <= Math.max(info.width, info.depth); u += 2) {
      ctx.strokeStyle = u % 8 === 0 ? COLORS.major : COLORS.grid;
      ctx.lineWidth = 1;
      ctx.beginPath();
      if (u <= info.width) {
        ctx.moveTo(x0 + u * s, y0);
        ctx.lineTo(x0 + u * s, y0 + fd);
      }
      if (u <= info.depth) {
        ctx.moveTo(x0, y0 + fd - u * s);
        ctx.lineTo(x0 + fw, y0 + fd - u * s);
      }
      ctx.stroke();
    }
    const exits = exitViews(info.exits, info.width, info.depth);
    ctx.shadowColor = "#38e1ff";
    ctx.shadowBlur = 10;
    ctx.strokeStyle = "#38e1ff";
    ctx.lineWidth = 3;
    const wall = (dir: string, length: number, from: (t: number) => [number, number], along: (e: { x: number; z: number }) => number) => {
      for (const [a, b] of wallSpans(
        length,
        exits.filter((e) => e.direction === dir).map(along),
      )) {
        ctx.beginPath();
        ctx.moveTo(...from(a));
        ctx.lineTo(...from(b));
        ctx.stroke();
      }
    };
    const pt = (x: number, z: number): [number, number] => {
      const p = this.at(x, z);
      return [p[0], p[1]];
    };
    wall("south", info.width, (t) => pt(t, 0), (e) => e.x);
    wall("north", info.width, (t) => pt(t, info.depth), (e) => e.x);
    wall("west", info.depth, (t) => pt(0, t), (e) => e.z);
    wall("east", info.depth, (t) => pt(info.width, t), (e) => e.z);
    for (const exit of exits) {
      const color = exit.direction === "up" ? COLORS.up : COLORS.door;
      ctx.shadowColor = color;
      ctx.strokeStyle = color;
      ctx.fillStyle = `${color}33`;
      const [cx, cy] = pt(exit.x, exit.z);
      ctx.beginPath();
      if (exit.pad) ctx.arc(cx, cy, 1.6 * s, 0, Math.PI * 2);
      else if (exit.direction === "north" || exit.direction === "south") ctx.rect(cx - (DOOR_GAP / 2) * s, cy - 4, DOOR_GAP * s, 8);
      else ctx.rect(cx - 4, cy - (DOOR_GAP / 2) * s, 8, DOOR_GAP * s);
      ctx.fill();
      ctx.stroke();
    }
  }
}
