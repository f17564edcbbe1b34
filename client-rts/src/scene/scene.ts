import type { AvatarModel, RoomInfo } from "@mesh/client-kit";
import { Application, Graphics } from "pixi.js";
import { Camera } from "./camera.ts";
import { unitAt, unitsInBox } from "./hit.ts";
import { MoveMarkers } from "./markers.ts";
import type { OrderBoard } from "./orders.ts";
import { PALETTE } from "./palette.ts";
import { RoomLayer } from "./room-layer.ts";
import { createShapes } from "./shapes.ts";
import { type UnitLooks, UnitLayer } from "./units.ts";

/**
 * The Pixi stage of the command view: the room, the units and their orders, move markers and the
 * selection box, all in screen space through one Camera. `update` lays out (our cost, measured);
 * `render` is Pixi's draw. Pixi's ticker is off: the app's frame loop drives both.
 */
export class RtsScene {
  readonly camera = new Camera();
  readonly units: UnitLayer;
  readonly markers: MoveMarkers;
  private readonly room: RoomLayer;
  private readonly box = new Graphics();
  private readonly resizer: ResizeObserver;

  private constructor(
    private readonly app: Application,
    private readonly host: HTMLElement,
    private readonly model: AvatarModel,
    orders: OrderBoard,
    looks: UnitLooks,
  ) {
    const shapes = createShapes();
    this.room = new RoomLayer(this.camera);
    this.units = new UnitLayer(model, orders, this.camera, shapes, looks, app.renderer);
    this.markers = new MoveMarkers(this.camera, shapes.marker);
    app.stage.addChild(this.room.container, this.markers.container, this.units.container, this.box);
    this.resizer = new ResizeObserver(() => this.resize());
    this.resizer.observe(host);
    this.resize();
  }

  /** Starts Pixi on a canvas of its own inside `host` (WebGL, else WebGPU, else Canvas 2D). */
  static async create(host: HTMLElement, model: AvatarModel, orders: OrderBoard, looks: UnitLooks): Promise<RtsScene> {
    const app = new Application();
    await app.init({
      background: PALETTE.background,
      antialias: true,
      autoDensity: true,
      resolution: window.devicePixelRatio || 1,
      autoStart: false,
      sharedTicker: false,
      width: Math.max(1, host.clientWidth),
      height: Math.max(1, host.clientHeight),
      preference: "webgl",
    });
    app.ticker.stop();
    host.prepend(app.canvas);
    return new RtsScene(app, host, model, orders, looks);
  }

  get canvas(): HTMLCanvasElement {
    return this.app.canvas;
  }

  /** Which renderer Pixi chose (webgl, webgpu or canvas). */
  get rendererName(): string {
    return this.app.renderer.name;
  }

  setRoom(info: RoomInfo, roomNames: ReadonlyMap<string, string>): void {
    this.camera.setRoom(info.width, info.depth);
    this.room.setRoom(info, roomNames);
  }

  /** Exit labels name the rooms behind them once the names are known. */
  renameExits(info: RoomInfo, roomNames: ReadonlyMap<string, string>): void {
    this.room.setRoom(info, roomNames);
  }

  update(now: number): void {
    this.room.update();
    this.units.update(now);
    this.markers.update(now);
  }

  render(): void {
    this.app.render();
  }

  /** The unit under a screen point (canvas px), or -1. */
  unitAt(x: number, y: number): number {
    return unitAt(this.units.screen, this.model.dense, this.model.count, x, y, this.units.unitRadius * 1.4 + 3);
  }

  unitsInBox(ax: number, ay: number, bx: number, by: number): number[] {
    return unitsInBox(this.units.screen, this.model.dense, this.model.count, ax, ay, bx, by);
  }

  /** The box being dragged (canvas px), or none. */
  drawBox(box: readonly [number, number, number, number] | undefined): void {
    this.box.clear();
    if (!box) return;
    const [ax, ay, bx, by] = box;
    this.box
      .rect(Math.min(ax, bx), Math.min(ay, by), Math.abs(bx - ax), Math.abs(by - ay))
      .fill({ color: PALETTE.box, alpha: 0.08 })
      .stroke({ width: 1, color: PALETTE.box, alpha: 0.9 });
  }

  destroy(): void {
    this.resizer.disconnect();
    this.app.destroy(true, { children: true });
  }

  private resize(): void {
    const w = Math.max(1, this.host.clientWidth);
    const h = Math.max(1, this.host.clientHeight);
    if (!this.camera.resize(w, h)) return;
    this.app.renderer.resize(w, h);
    // The first real size (the canvas was made before layout): fit the room to it.
    if (!this.sized) {
      this.sized = true;
      this.camera.fit();
    }
  }
  private sized = false;
}
