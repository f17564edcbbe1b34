import { Color3 } from "@babylonjs/core/Maths/math.color";
import { StandardMaterial } from "@babylonjs/core/Materials/standardMaterial";
import { DynamicTexture } from "@babylonjs/core/Materials/Textures/dynamicTexture";
import { CreateBox } from "@babylonjs/core/Meshes/Builders/boxBuilder";
import { CreateDisc } from "@babylonjs/core/Meshes/Builders/discBuilder";
import { CreateGround } from "@babylonjs/core/Meshes/Builders/groundBuilder";
import { CreateTorus } from "@babylonjs/core/Meshes/Builders/torusBuilder";
import type { Mesh } from "@babylonjs/core/Meshes/mesh";
import { TransformNode } from "@babylonjs/core/Meshes/transformNode";
import type { Scene } from "@babylonjs/core/scene";
import type { RoomInfo } from "@mesh/client-kit";
import { DOOR_GAP, exitViews, wallSpans } from "@mesh/client-kit";
import { glowMaterial, PALETTE } from "./materials.ts";

const WALL_HEIGHT = 1.1;
const WALL_THICKNESS = 0.25;
const DOOR_HEIGHT = 3.2;
/** Grid lines every this many units, brighter every MAJOR. */
const GRID_STEP = 2;
const MAJOR = 4;

/** The room's floor, walls and doorways under one node, so leaving the room disposes it in one call. */
export function buildRoom(scene: Scene, info: RoomInfo): TransformNode {
  const root = new TransformNode("room", scene);
  const { width, depth } = info;

  const floor = CreateGround("floor", { width, height: depth }, scene);
  floor.position.set(width / 2, 0, depth / 2);
  floor.material = gridMaterial(scene, width, depth);
  floor.isPickable = false;
  floor.parent = root;

  const wall = new StandardMaterial("wall", scene);
  wall.diffuseColor = PALETTE.wall;
  wall.emissiveColor = new Color3(0.02, 0.05, 0.12);
  wall.specularColor = Color3.Black();
  wall.alpha = 0.78;
  const edge = glowMaterial("edge", PALETTE.accent, scene);
  const door = glowMaterial("door", PALETTE.accent2, scene);

  const exits = exitViews(info.exits, width, depth);
  const doorsOn = (dir: string, along: (e: { x: number; z: number }) => number) => exits.filter((e) => e.direction === dir).map(along);
  // Each side: its start point, its direction along the wall, its length, and the doors in it.
  const sides = [
    { x: 0, z: 0, dx: 1, dz: 0, length: width, doors: doorsOn("south", (e) => e.x) },
    { x: 0, z: depth, dx: 1, dz: 0, length: width, doors: doorsOn("north", (e) => e.x) },
    { x: 0, z: 0, dx: 0, dz: 1, length: depth, doors: doorsOn("west", (e) => e.z) },
    { x: width, z: 0, dx: 0, dz: 1, length: depth, doors: doorsOn("east", (e) => e.z) },
  ];
  for (const side of sides) {
    for (const [a, b] of wallSpans(side.length, side.doors)) {
      const mid = (a + b) / 2;
      const length = b - a + (side.dx ? WALL_THICKNESS : 0);
      const size = side.dx ? { width: length, depth: WALL_THICKNESS } : { width: WALL_THICKNESS, depth: length };
      const cx = side.x + side.dx * mid;
      const cz = side.z + side.dz * mid;
      const body = CreateBox("wall", { ...size, height: WALL_HEIGHT }, scene);
      body.position.set(cx, WALL_HEIGHT / 2, cz);
      body.material = wall;
      const top = CreateBox("edge", { width: size.width + 0.02, depth: size.depth + 0.02, height: 0.07 }, scene);
      top.position.set(cx, WALL_HEIGHT, cz);
      top.material = edge;
      const foot = CreateBox("foot", { width: size.width + 0.02, depth: size.depth + 0.02, height: 0.04 }, scene);
      foot.position.set(cx, 0.02, cz);
      foot.material = edge;
      for (const mesh of [body, top, foot]) lock(mesh, root);
    }
    for (const at of side.doors) {
      const cx = side.x + side.dx * at;
      const cz = side.z + side.dz * at;
      // Two posts and a lintel: an arch you can see from across the room.
      for (const offset of [-DOOR_GAP / 2, DOOR_GAP / 2]) {
        const post = CreateBox("post", { width: 0.22, depth: 0.22, height: DOOR_HEIGHT }, scene);
        post.position.set(cx + side.dx * offset, DOOR_HEIGHT / 2, cz + side.dz * offset);
        post.material = door;
        lock(post, root);
      }
      const lintel = CreateBox("lintel", side.dx ? { width: DOOR_GAP + 0.22, depth: 0.22, height: 0.22 } : { width: 0.22, depth: DOOR_GAP + 0.22, height: 0.22 }, scene);
      lintel.position.set(cx, DOOR_HEIGHT, cz);
      lintel.material = door;
      const threshold = CreateBox("threshold", side.dx ? { width: DOOR_GAP, depth: 0.6, height: 0.02 } : { width: 0.6, depth: DOOR_GAP, height: 0.02 }, scene);
      threshold.position.set(cx, 0.01, cz);
      threshold.material = glowMaterial("threshold", PALETTE.accent2, scene, 0.6);
      lock(lintel, root);
      lock(threshold, root);
    }
  }
  for (const exit of exits.filter((e) => e.pad)) {
    const color = exit.direction === "up" ? PALETTE.ok : PALETTE.accent2;
    const pad = CreateDisc("pad", { radius: 1.6, tessellation: 6 }, scene);
    pad.rotation.x = Math.PI / 2;
    pad.position.set(exit.x, 0.02, exit.z);
    pad.material = glowMaterial("pad", color.scale(0.45), scene, 0.85);
    const ring = CreateTorus("ring", { diameter: 3.4, thickness: 0.1, tessellation: 6 }, scene);
    ring.position.set(exit.x, 0.06, exit.z);
    ring.material = glowMaterial("ring", color, scene);
    lock(pad, root);
    lock(ring, root);
  }
  return root;
}

function lock(mesh: Mesh, root: TransformNode): void {
  mesh.parent = root;
  mesh.isPickable = false;
  mesh.freezeWorldMatrix();
}

/** The floor's grid, drawn once into a texture: thin lines every GRID_STEP, brighter major lines, the glow layer does the rest. */
function gridMaterial(scene: Scene, width: number, depth: number): StandardMaterial {
  const pxPerUnit = Math.max(8, Math.min(24, Math.floor(1024 / Math.max(width, depth))));
  const texture = new DynamicTexture("grid", { width: Math.ceil(width * pxPerUnit), height: Math.ceil(depth * pxPerUnit) }, scene, true);
  const ctx = texture.getContext() as CanvasRenderingContext2D;
  const w = width * pxPerUnit;
  const d = depth * pxPerUnit;
  const bg = ctx.createRadialGradient(w / 2, d / 2, 0, w / 2, d / 2, Math.max(w, d) * 0.7);
  bg.addColorStop(0, "#0a1430");
  bg.addColorStop(1, "#03060f");
  ctx.fillStyle = bg;
  ctx.fillRect(0, 0, w, d);
  for (let i = 0; i * GRID_STEP <= Math.max(width, depth); i++) {
    const major = i % MAJOR === 0;
    ctx.strokeStyle = major ? "rgba(56,225,255,0.85)" : "rgba(56,225,255,0.35)";
    ctx.lineWidth = major ? 2.5 : 1.2;
    const p = i * GRID_STEP * pxPerUnit;
    ctx.beginPath();
    if (p <= w) {
      ctx.moveTo(p, 0);
      ctx.lineTo(p, d);
    }
    if (p <= d) {
      ctx.moveTo(0, p);
      ctx.lineTo(w, p);
    }
    ctx.stroke();
  }
  texture.update();
  texture.anisotropicFilteringLevel = 8;
  const material = new StandardMaterial("floor", scene);
  material.disableLighting = true;
  material.emissiveTexture = texture;
  material.diffuseColor = Color3.Black();
  material.specularColor = Color3.Black();
  return material;
}
