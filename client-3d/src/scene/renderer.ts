import "@babylonjs/core/Culling/ray";
import type { TransformNode } from "@babylonjs/core/Meshes/transformNode";
import type { RoomInfo } from "@mesh/client-kit";
import type { AvatarModel } from "@mesh/client-kit";
import type { PulseRing } from "../model/pulses.ts";
import type { Renderer } from "../renderer.ts";
import { AvatarMeshes } from "./avatars.ts";
import { PulseMeshes } from "./pulses.ts";
import { buildRoom } from "./room-mesh.ts";
import { createStage, type Stage } from "./stage.ts";

/** How quickly the camera catches up with you (ms to close ~63% of the gap): smooth, never seasick. */
const FOLLOW_MS = 180;

/** The Babylon scene: floor, walls and doorways per room; avatars and pulses as thin instances. */
export class SceneRenderer implements Renderer {
  readonly mode = "3d" as const;
  private readonly stage: Stage;
  private readonly avatars: AvatarMeshes;
  private readonly pulseMeshes: PulseMeshes;
  private room: TransformNode | undefined;
  private readonly resize: ResizeObserver;
  /** This frame's view × projection, read once: projecting 200 labels must not ask the camera 200 times. */
  private readonly viewProjection = new Float32Array(16);
  /**
   * The canvas's size, read once per frame: reading clientWidth after a label's style was written
   * forces a layout, and doing that per label made 200 avatars cost milliseconds a frame.
   */
  private width = 0;
  private height = 0;

  constructor(
    readonly canvas: HTMLCanvasElement,
    private readonly model: AvatarModel,
    pulses: PulseRing,
  ) {
    this.stage = createStage(canvas);
    this.avatars = new AvatarMeshes(this.stage.scene, this.stage.glow, model);
    this.pulseMeshes = new PulseMeshes(this.stage.scene, this.stage.glow, pulses);
    this.resize = new ResizeObserver(() => this.stage.engine.resize());
    this.resize.observe(canvas);
  }

  setRoom(info: RoomInfo): void {
    this.room?.dispose(false, true);
    this.room = buildRoom(this.stage.scene, info);
    const self = this.model.slotOf(this.model.selfId);
    const { camera } = this.stage;
    if (self !== undefined) camera.target.set(this.model.drawn[self * 3], 0, this.model.drawn[self * 3 + 1]);
    else camera.target.set(info.width / 2, 0, info.depth / 2);
  }

  update(now: number, dtMs: number): void {
    const self = this.model.slotOf(this.model.selfId);
    if (self !== undefined) {
      const { camera } = this.stage;
      const k = 1 - Math.exp(-dtMs / FOLLOW_MS);
      const target = camera.target;
      target.x += (this.model.drawn[self * 3] - target.x) * k;
      target.z += (this.model.drawn[self * 3 + 1] - target.z) * k;
      camera.target = target; // the setter marks the view dirty
    }
    this.viewProjection.set(this.stage.camera.getTransformationMatrix().m);
    this.width = this.canvas.clientWidth;
    this.height = this.canvas.clientHeight;
    this.avatars.update(now);
    this.pulseMeshes.update(now);
  }

  render(): void {
    const { engine, scene } = this.stage;
    engine.beginFrame();
    scene.render();
    engine.endFrame();
  }

  project(x: number, y: number, z: number, out: Float64Array): boolean {
    const m = this.viewProjection;
    const w = x * m[3] + y * m[7] + z * m[11] + m[15];
    if (w <= 0.01) return false;
    const cx = (x * m[0] + y * m[4] + z * m[8] + m[12]) / w;
    const cy = (x * m[1] + y * m[5] + z * m[9] + m[13]) / w;
    out[0] = ((cx + 1) / 2) * this.width;
    out[1] = ((1 - cy) / 2) * this.height;
    return cx > -1.2 && cx < 1.2 && cy > -1.2 && cy < 1.2;
  }

  pickFloor(clientX: number, clientY: number, out: Float64Array): boolean {
    const rect = this.canvas.getBoundingClientRect();
    const { scene, camera } = this.stage;
    const ray = scene.createPickingRay(clientX - rect.left, clientY - rect.top, null, camera);
    if (ray.direction.y >= -1e-6) return false;
    const t = -ray.origin.y / ray.direction.y;
    out[0] = ray.origin.x + ray.direction.x * t;
    out[1] = ray.origin.z + ray.direction.z * t;
    return true;
  }

  viewYaw(): number {
    const alpha = this.stage.camera.alpha;
    return Math.atan2(-Math.cos(alpha), -Math.sin(alpha));
  }

  dispose(): void {
    this.resize.disconnect();
    this.stage.scene.dispose();
    this.stage.engine.dispose();
  }
}
