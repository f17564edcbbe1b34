import type { Mesh } from "@babylonjs/core/Meshes/mesh";
import "@babylonjs/core/Meshes/thinInstanceMesh";

/**
 * One mesh drawn many times (thin instances): a matrix and a colour per instance in typed arrays,
 * rewritten in place each frame. The buffers grow (doubling) only when a room gets busier.
 */
export class InstancedMesh {
  private matrices: Float32Array;
  private colors: Float32Array;
  private capacity: number;
  count = 0;

  constructor(
    readonly mesh: Mesh,
    capacity = 64,
  ) {
    this.capacity = capacity;
    this.matrices = new Float32Array(capacity * 16);
    this.colors = new Float32Array(capacity * 4);
    this.attach();
  }

  /** Start writing a frame. */
  begin(): void {
    this.count = 0;
  }

  /** One instance: yawed by `heading` (0 faces +z), scaled uniformly, coloured. */
  put(x: number, y: number, z: number, heading: number, scale: number, r: number, g: number, b: number, a: number): void {
    if (this.count >= this.capacity) this.grow();
    const m = this.matrices;
    const o = this.count * 16;
    const c = Math.cos(heading) * scale;
    const s = Math.sin(heading) * scale;
    // Babylon's row-vector layout: RotationY(heading) × Scaling(scale), translation in the last row.
    m[o] = c;
    m[o + 1] = 0;
    m[o + 2] = -s;
    m[o + 3] = 0;
    m[o + 4] = 0;
    m[o + 5] = scale;
    m[o + 6] = 0;
    m[o + 7] = 0;
    m[o + 8] = s;
    m[o + 9] = 0;
    m[o + 10] = c;
    m[o + 11] = 0;
    m[o + 12] = x;
    m[o + 13] = y;
    m[o + 14] = z;
    m[o + 15] = 1;
    const k = this.count * 4;
    this.colors[k] = r;
    this.colors[k + 1] = g;
    this.colors[k + 2] = b;
    this.colors[k + 3] = a;
    this.count++;
  }

  /** Done writing: upload and draw exactly `count` instances. */
  end(): void {
    this.mesh.thinInstanceCount = this.count;
    this.mesh.thinInstanceBufferUpdated("matrix");
    this.mesh.thinInstanceBufferUpdated("color");
    // Thin instances have no bounds of their own worth computing per frame: never cull the mesh.
    this.mesh.isVisible = this.count > 0;
  }

  private grow(): void {
    this.capacity *= 2;
    const matrices = new Float32Array(this.capacity * 16);
    matrices.set(this.matrices);
    const colors = new Float32Array(this.capacity * 4);
    colors.set(this.colors);
    this.matrices = matrices;
    this.colors = colors;
    this.attach();
  }

  private attach(): void {
    this.mesh.thinInstanceSetBuffer("matrix", this.matrices, 16, false);
    this.mesh.thinInstanceSetBuffer("color", this.colors, 4, false);
    this.mesh.alwaysSelectAsActiveMesh = true;
  }
}
