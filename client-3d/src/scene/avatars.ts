import { Color3 } from "@babylonjs/core/Maths/math.color";
import { StandardMaterial } from "@babylonjs/core/Materials/standardMaterial";
import { CreateBox } from "@babylonjs/core/Meshes/Builders/boxBuilder";
import { CreateCylinder } from "@babylonjs/core/Meshes/Builders/cylinderBuilder";
import { CreateIcoSphere } from "@babylonjs/core/Meshes/Builders/icoSphereBuilder";
import { CreatePolyhedron } from "@babylonjs/core/Meshes/Builders/polyhedronBuilder";
import { CreateTorus } from "@babylonjs/core/Meshes/Builders/torusBuilder";
import { Mesh } from "@babylonjs/core/Meshes/mesh";
import type { GlowLayer } from "@babylonjs/core/Layers/glowLayer";
import type { Scene } from "@babylonjs/core/scene";
import type { AvatarModel } from "@mesh/client-kit";
import { InstancedMesh } from "./instances.ts";
import { PALETTE } from "./materials.ts";

/** Avatars a little larger than life against the 1-unit grid, so a person reads at a glance across the room. */
const AVATAR_SCALE = 1.2;

/**
 * Every avatar as thin instances of three meshes: humans (a faceted figure with a visor), bots
 * (a hovering octahedron with an eye), and the glowing ring under everyone. Your own figure is
 * drawn in the highlight colour with a brighter, larger ring.
 */
export class AvatarMeshes {
  private readonly humans: InstancedMesh;
  private readonly bots: InstancedMesh;
  private readonly rings: InstancedMesh;

  constructor(
    scene: Scene,
    glow: GlowLayer,
    private readonly model: AvatarModel,
  ) {
    // Lit (so facets read) and tinted per instance; the glow layer uses the lit colour itself.
    const body = new StandardMaterial("avatar", scene);
    body.diffuseColor = Color3.White();
    body.emissiveColor = new Color3(0.18, 0.18, 0.18);
    body.specularColor = new Color3(0.2, 0.2, 0.2);
    const flat = new StandardMaterial("ring", scene);
    flat.disableLighting = true;
    // Unlit, the emissive colour is all there is: white, tinted per instance.
    flat.emissiveColor = Color3.White();
    flat.diffuseColor = Color3.Black();
    flat.specularColor = Color3.Black();

    this.humans = new InstancedMesh(withMaterial(humanShape(scene), body));
    this.bots = new InstancedMesh(withMaterial(botShape(scene), body));
    this.rings = new InstancedMesh(withMaterial(CreateTorus("rings", { diameter: 1.5, thickness: 0.07, tessellation: 12 }, scene), flat));
    for (const kind of [this.humans, this.bots, this.rings]) glow.referenceMeshToUseItsOwnMaterial(kind.mesh);
  }

  /** Rewrites every instance from the model's drawn positions. */
  update(now: number): void {
    const { model } = this;
    this.humans.begin();
    this.bots.begin();
    this.rings.begin();
    const selfSlot = model.slotOf(model.selfId);
    for (let i = 0; i < model.count; i++) {
      const slot = model.dense[i];
      const x = model.drawn[slot * 3];
      const z = model.drawn[slot * 3 + 1];
      const heading = model.drawn[slot * 3 + 2];
      const self = slot === selfSlot;
      const color = self ? PALETTE.self : model.isBot(slot) ? PALETTE.bot : PALETTE.human;
      // Away or dropped: a dim ghost of themselves, so the room shows who is really here.
      const dim = model.away[slot] ? 0.3 : 1;
      const r = color.r * dim;
      const g = color.g * dim;
      const b = color.b * dim;
      if (model.isBot(slot)) {
        // Bots hover, each on its own phase, so a crowd of them does not bob in lockstep.
        this.bots.put(x, 0.12 * Math.sin(now / 420 + slot * 1.7), z, heading, AVATAR_SCALE, r, g, b, 1);
      } else {
        this.humans.put(x, 0, z, heading, AVATAR_SCALE, r, g, b, 1);
      }
      const pulse = self ? 1 + 0.08 * Math.sin(now / 250) : 1;
      this.rings.put(x, 0.04, z, 0, (self ? 1.25 * pulse : 1) * AVATAR_SCALE, r, g, b, 1);
    }
    this.humans.end();
    this.bots.end();
    this.rings.end();
  }
}

function withMaterial(mesh: Mesh, material: StandardMaterial): Mesh {
  mesh.material = material;
  mesh.isPickable = false;
  return mesh;
}

function humanShape(scene: Scene): Mesh {
  const torso = CreateCylinder("torso", { height: 1.2, diameterTop: 0.5, diameterBottom: 0.9, tessellation: 6 }, scene);
  torso.position.y = 0.6;
  const head = CreateIcoSphere("head", { radius: 0.3, subdivisions: 1, flat: true }, scene);
  head.position.y = 1.55;
  const visor = CreateBox("visor", { width: 0.38, height: 0.1, depth: 0.14 }, scene);
  visor.position.set(0, 1.58, 0.24);
  return merge("humans", [torso, head, visor]);
}

function botShape(scene: Scene): Mesh {
  const core = CreatePolyhedron("core", { type: 1, size: 0.55, flat: true }, scene);
  core.scaling.y = 1.3;
  core.position.y = 1.25;
  const eye = CreateBox("eye", { width: 0.3, height: 0.12, depth: 0.12 }, scene);
  eye.position.set(0, 1.3, 0.42);
  const stem = CreateCylinder("stem", { height: 0.5, diameterTop: 0.05, diameterBottom: 0.3, tessellation: 4 }, scene);
  stem.position.y = 0.25;
  return merge("bots", [core, eye, stem]);
}

function merge(name: string, parts: Mesh[]): Mesh {
  const mesh = Mesh.MergeMeshes(parts, true);
  if (!mesh) throw new Error(`could not build the ${name} mesh`);
  mesh.name = name;
  mesh.convertToFlatShadedMesh();
  return mesh;
}
