import { Graphics, GraphicsContext, Rectangle, type Renderer, type Texture } from "pixi.js";
import { PALETTE } from "./palette.ts";

/** A unit's radius in its own drawing (px at scale 1); the scene scales shapes with the zoom. */
export const UNIT_R = 10;

/**
 * The shapes every unit shares (one geometry each, baked into textures for the units' Sprites): bodies are
 * white so a tint gives each its owner's colour; rings and status marks keep their own colours.
 */
export interface UnitShapes {
  human: GraphicsContext;
  bot: GraphicsContext;
  self: GraphicsContext;
  mine: GraphicsContext;
  selected: GraphicsContext;
  pending: GraphicsContext;
  active: GraphicsContext;
  done: GraphicsContext;
  failed: GraphicsContext;
  marker: GraphicsContext;
}

export function createShapes(): UnitShapes {
  const r = UNIT_R;
  const notch = (g: GraphicsContext) => g.poly([-r * 0.38, -r * 0.2, 0, -r * 0.95, r * 0.38, -r * 0.2]).fill({ color: PALETTE.ink, alpha: 0.85 });
  // Humans are round, bots are diamonds: told apart by shape at any zoom and for colour-blind eyes.
  const human = notch(new GraphicsContext().circle(0, 0, r).fill({ color: 0xffffff }).stroke({ width: 2, color: PALETTE.ink, alpha: 0.9 }));
  const bot = notch(
    new GraphicsContext()
      .poly([0, -r * 1.2, r * 1.05, 0, 0, r * 1.2, -r * 1.05, 0])
      .fill({ color: 0xffffff })
      .stroke({ width: 2, color: PALETTE.ink, alpha: 0.9, join: "round" }),
  );
  const self = new GraphicsContext()
    .circle(0, 0, r * 1.55)
    .stroke({ width: 5, color: PALETTE.self, alpha: 0.2 })
    .circle(0, 0, r * 1.55)
    .stroke({ width: 2, color: PALETTE.self, alpha: 0.9 });
  const mine = new GraphicsContext().circle(0, 0, r * 1.5).stroke({ width: 1.5, color: PALETTE.mine, alpha: 0.75 });
  const selected = new GraphicsContext().circle(0, 0, r * 1.85).stroke({ width: 2.5, color: PALETTE.selected, alpha: 0.95 });
  // Four ticks round the selection ring, the RTS way.
  for (let k = 0; k < 4; k++) {
    const a = (k * Math.PI) / 2 + Math.PI / 4;
    selected.moveTo(Math.cos(a) * r * 1.85, Math.sin(a) * r * 1.85).lineTo(Math.cos(a) * r * 2.35, Math.sin(a) * r * 2.35);
  }
  selected.stroke({ width: 2.5, color: PALETTE.selected, alpha: 0.95 });
  const s = r * 0.55;
  const pending = new GraphicsContext()
    .circle(0, 0, s)
    .fill({ color: PALETTE.ink })
    .stroke({ width: 2, color: PALETTE.pending })
    .circle(-s * 0.45, 0, 1.3)
    .circle(0, 0, 1.3)
    .circle(s * 0.45, 0, 1.3)
    .fill({ color: PALETTE.pending });
  const active = new GraphicsContext()
    .circle(0, 0, s)
    .fill({ color: PALETTE.ink })
    .stroke({ width: 2, color: PALETTE.active })
    .poly([-s * 0.3, -s * 0.45, s * 0.5, 0, -s * 0.3, s * 0.45])
    .fill({ color: PALETTE.active });
  const done = new GraphicsContext()
    .circle(0, 0, s)
    .fill({ color: PALETTE.done })
    .moveTo(-s * 0.45, 0)
    .lineTo(-s * 0.1, s * 0.38)
    .lineTo(s * 0.5, -s * 0.35)
    .stroke({ width: 2, color: PALETTE.ink, cap: "round", join: "round" });
  const failed = new GraphicsContext()
    .circle(0, 0, s)
    .fill({ color: PALETTE.failed })
    .moveTo(-s * 0.4, -s * 0.4)
    .lineTo(s * 0.4, s * 0.4)
    .moveTo(s * 0.4, -s * 0.4)
    .lineTo(-s * 0.4, s * 0.4)
    .stroke({ width: 2, color: PALETTE.ink, cap: "round" });
  const marker = new GraphicsContext()
    .circle(0, 0, 12)
    .stroke({ width: 2, color: PALETTE.selected })
    .moveTo(-6, 0)
    .lineTo(6, 0)
    .moveTo(0, -6)
    .lineTo(0, 6)
    .stroke({ width: 1.5, color: PALETTE.selected });
  return { human, bot, self, mine, selected, pending, active, done, failed, marker };
}

/** The unit shapes as textures: hundreds of Sprites cost Pixi far less per frame than as many Graphics. */
export type UnitTextures = { [K in Exclude<keyof UnitShapes, "marker">]: Texture };

/**
 * Draws each unit shape once into a texture at `scale` (the zoom's unit scale), one texel per screen
 * pixel, so a Sprite at that scale looks as its Graphics did. Frames are square round the origin:
 * every texture's anchor is its centre, as the shape's origin was.
 */
export function bakeShapes(renderer: Renderer, shapes: UnitShapes, scale: number): UnitTextures {
  const bake = (context: GraphicsContext): Texture => {
    const { minX, minY, maxX, maxY } = context.bounds;
    const half = Math.ceil(Math.max(-minX, -minY, maxX, maxY)) + 2;
    const target = new Graphics(context);
    const texture = renderer.generateTexture({ target, frame: new Rectangle(-half, -half, half * 2, half * 2), resolution: renderer.resolution * scale, antialias: true });
    target.destroy();
    return texture;
  };
  return {
    human: bake(shapes.human),
    bot: bake(shapes.bot),
    self: bake(shapes.self),
    mine: bake(shapes.mine),
    selected: bake(shapes.selected),
    pending: bake(shapes.pending),
    active: bake(shapes.active),
    done: bake(shapes.done),
    failed: bake(shapes.failed),
  };
}
