import type { GlowLayer } from "@babylonjs/core/Layers/glowLayer";
import { Color3 } from "@babylonjs/core/Maths/math.color";
import { StandardMaterial } from "@babylonjs/core/Materials/standardMaterial";
import { CreateIcoSphere } from "@babylonjs/core/Meshes/Builders/icoSphereBuilder";
import type { Scene } from "@babylonjs/core/scene";
import { MAX_PULSES, type PulseRing } from "../model/pulses.ts";
import { InstancedMesh } from "./instances.ts";

/** Beads per pulse: a bright head and a fading tail behind it. */
const TRAIL = 5;
const TRAIL_STEP = 0.045;

/** Data flowing between participants: each pulse a small comet arcing from speaker to listener. */
export class PulseMeshes {
  private readonly beads: InstancedMesh;

  constructor(
    scene: Scene,
    glow: GlowLayer,
    private readonly pulses: PulseRing,
  ) {
    const material = new StandardMaterial("pulse", scene);
    material.disableLighting = true;
    material.emissiveColor = Color3.White();
    material.diffuseColor = Color3.Black();
    material.specularColor = Color3.Black();
    const mesh = CreateIcoSphere("pulses", { radius: 0.16, subdivisions: 1 }, scene);
    mesh.material = material;
    mesh.isPickable = false;
    this.beads = new InstancedMesh(mesh, 64);
    glow.referenceMeshToUseItsOwnMaterial(mesh);
  }

  update(now: number): void {
    const { pulses } = this;
    this.beads.begin();
    for (let i = 0; i < MAX_PULSES; i++) {
      const head = pulses.progress(i, now);
      if (head < 0) continue;
      const o = i * 4;
      for (let k = 0; k < TRAIL; k++) {
        const f = head - k * TRAIL_STEP;
        if (f < 0) break;
        const x = pulses.ends[o] + (pulses.ends[o + 2] - pulses.ends[o]) * f;
        const z = pulses.ends[o + 1] + (pulses.ends[o + 3] - pulses.ends[o + 1]) * f;
        const y = 1.3 + Math.sin(Math.PI * f) * 1.6;
        const fade = 1 - k / TRAIL;
        // Cyan at the speaker turning violet at the listener: which way the data flows.
        this.beads.put(x, y, z, 0, fade * (k === 0 ? 1.2 : 0.8), 0.22 + 0.5 * f, 0.88 - 0.46 * f, 1, 1);
      }
    }
    this.beads.end();
  }
}
