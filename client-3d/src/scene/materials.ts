import { Color3 } from "@babylonjs/core/Maths/math.color";
import { StandardMaterial } from "@babylonjs/core/Materials/standardMaterial";
import type { Scene } from "@babylonjs/core/scene";

/** The theme's colours (client-kit/theme.css) as Babylon colours, so 3D and page agree. */
export const PALETTE = {
  human: Color3.FromHexString("#38e1ff"),
  bot: Color3.FromHexString("#ff9f38"),
  self: Color3.FromHexString("#ffe14d"),
  accent: Color3.FromHexString("#38e1ff"),
  accent2: Color3.FromHexString("#b46bff"),
  ok: Color3.FromHexString("#3dffa2"),
  wall: Color3.FromHexString("#0b1430"),
} as const;

/** A material that only shines (no lighting): edges, pads, pulses. The glow layer picks up its emissive colour. */
export function glowMaterial(name: string, color: Color3, scene: Scene, alpha = 1): StandardMaterial {
  const material = new StandardMaterial(name, scene);
  material.disableLighting = true;
  material.emissiveColor = color;
  material.diffuseColor = Color3.Black();
  material.specularColor = Color3.Black();
  material.alpha = alpha;
  return material;
}
