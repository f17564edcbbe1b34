import type { AvatarModel } from "@mesh/client-kit";
import { Container, Graphics, type Renderer, Sprite, Text, TextStyle, type Texture } from "pixi.js";
import type { Camera } from "./camera.ts";
import { clamp } from "./camera.ts";
import { colorKey, ownerColor } from "./colors.ts";
import { shortLabel } from "./labels.ts";
import { inFlight, markerShown, type OrderBoard, OrderCode } from "./orders.ts";
import { LABEL_FONT, PALETTE } from "./palette.ts";
import { bakeShapes, UNIT_R, type UnitShapes, type UnitTextures } from "./shapes.ts";

/** Names show when units are at least this big on screen (px radius), or when few are in the room. */
const NAMES_FROM_RADIUS = 8;
const NAMES_ALWAYS_BELOW = 40;
/** More units than this draw smaller when zoomed out. */
const CROWD = 120;

/** One unit's display objects, made once per slot and reused by whoever takes the slot next. */
interface UnitView {
  root: Container;
  shape: Container;
  body: Sprite;
  ring: Sprite;
  select: Sprite;
  status: Sprite;
  name: Text;
  note: Text | undefined;
  noteShown: string;
}

/** What a unit's look depends on beyond the model: who is me, what is mine, what is selected. */
export interface UnitLooks {
  selfId: string;
  isMine(slot: number): boolean;
  isSelected(slot: number): boolean;
}

/**
 * Every participant as a unit: body (shape by kind, tint by owner), rings (self, mine, selected),
 * status mark, name and an order's note, plus one Graphics of order lines. Per frame it only moves
 * what exists; labels change only when their text does.
 */
export class UnitLayer {
  readonly container = new Container();
  private readonly lines = new Graphics();
  private readonly units = new Container();
  private readonly views: UnitView[] = [];
  /** Per slot, the unit's screen position this frame (x, y): hit testing and the hook read it. */
  screen = new Float32Array(128);
  private readonly nameStyle = new TextStyle({ fontFamily: LABEL_FONT, fontSize: 11, fill: PALETTE.text, stroke: { color: PALETTE.ink, width: 3 } });
  private readonly noteStyle = new TextStyle({ fontFamily: LABEL_FONT, fontSize: 10, fontStyle: "italic", fill: PALETTE.pending, stroke: { color: PALETTE.ink, width: 3 } });
  private scaledFor = -1;
  private crowded = false;
  private radius = UNIT_R;
  private looksVersion = 0;
  private looksDrawn = -1;
  /** The shapes as textures, baked for the unit scale in `bakedFor`. */
  private textures: UnitTextures;
  private bakedFor = 1;

  constructor(
    private readonly model: AvatarModel,
    private readonly orders: OrderBoard,
    private readonly camera: Camera,
    private readonly shapes: UnitShapes,
    private readonly looks: UnitLooks,
    private readonly renderer: Renderer,
  ) {
    this.textures = bakeShapes(renderer, shapes, this.bakedFor);
    this.container.addChild(this.lines, this.units);
  }

  /** The drawn radius of a unit now (px): hit testing uses it. */
  get unitRadius(): number {
    return this.radius;
  }

  added(slot: number): void {
    const view = this.views[slot] ?? this.create(slot);
    view.root.visible = true;
    this.relabel(slot);
    this.restyle(slot);
    this.refreshLooks();
  }

  removed(slot: number): void {
    const view = this.views[slot];
    if (!view) return;
    view.root.visible = false;
    if (view.note) view.note.visible = false;
  }

  /** Name, kind, owner or presence changed. */
  relabel(slot: number): void {
    const view = this.views[slot];
    if (!view) return;
    const name = shortLabel(this.model.names[slot] ?? "", 20);
    if (view.name.text !== name) view.name.text = name;
    view.body.texture = this.model.isBot(slot) ? this.textures.bot : this.textures.human;
    view.body.tint = ownerColor(colorKey(this.model.ids[slot], this.model.ownerIds[slot] ?? ""));
    view.root.alpha = this.model.away[slot] ? 0.45 : 1;
  }

  /** Selection or ownership changed: rings are re-set on the next frame. */
  refreshLooks(): void {
    this.looksVersion++;
  }

  update(now: number): void {
    const { model, camera, orders } = this;
    if (this.screen.length < model.drawn.length) this.screen = new Float32Array((model.drawn.length / 3) * 2);
    // A crowd gets smaller units at the fitted zoom, so hundreds still read as separate marks.
    const crowded = model.count > CROWD;
    const rescale = this.scaledFor !== camera.version || this.crowded !== crowded;
    if (rescale) {
      this.scaledFor = camera.version;
      this.crowded = crowded;
      this.radius = clamp(camera.scale * 0.55, crowded ? 6 : 9, 18);
    }
    const showNames = this.radius >= NAMES_FROM_RADIUS || model.count < NAMES_ALWAYS_BELOW;
    const relook = this.looksDrawn !== this.looksVersion;
    this.looksDrawn = this.looksVersion;
    const scale = this.radius / UNIT_R;
    if (scale !== this.bakedFor) this.rebake(scale);
    const { drawn, dense, count } = model;
    for (let i = 0; i < count; i++) {
      const slot = dense[i];
      const view = this.views[slot];
      if (!view) continue;
      const x = camera.screenX(drawn[slot * 3]);
      const y = camera.screenY(drawn[slot * 3 + 1]);
      this.screen[slot * 2] = x;
      this.screen[slot * 2 + 1] = y;
      view.root.position.set(x, y);
      // Heading 0 faces +z, up the screen; Pixi turns clockwise, as the heading does.
      view.body.rotation = drawn[slot * 3 + 2];
      if (rescale) {
        view.shape.scale.set(scale);
        view.name.y = this.radius * 1.3 + 2;
        if (view.note) view.note.y = this.radius * 1.3 + 15;
      }
      if (view.name.visible !== showNames) view.name.visible = showNames;
      if (relook) this.restyle(slot);
      const code = orders.codes[slot] as OrderCode;
      const shown = code !== OrderCode.none && markerShown(code, orders.since[slot], now);
      view.status.visible = shown;
      if (shown) view.status.texture = this.statusTexture(code);
      this.syncNote(view, slot, shown, showNames);
    }
    this.drawLines();
  }

  private restyle(slot: number): void {
    const view = this.views[slot];
    if (!view) return;
    const self = this.model.ids[slot] === this.looks.selfId;
    const mine = !self && this.looks.isMine(slot);
    view.ring.visible = self || mine;
    if (self) view.ring.texture = this.textures.self;
    else if (mine) view.ring.texture = this.textures.mine;
    view.select.visible = this.looks.isSelected(slot);
  }

  /** A task's last note (or why an order failed) under the name, while its status mark shows. */
  private syncNote(view: UnitView, slot: number, shown: boolean, showNames: boolean): void {
    const text = shown ? this.orders.notes[slot] : "";
    if (text === view.noteShown && (!view.note || view.note.visible === (text !== "" && showNames))) return;
    view.noteShown = text;
    if (text && !view.note) {
      view.note = new Text({ text: "", style: this.noteStyle, anchor: { x: 0.5, y: 0 } });
      view.note.y = this.radius * 1.3 + 15;
      view.root.addChild(view.note);
    }
    if (!view.note) return;
    const label = shortLabel(text, 36);
    if (view.note.text !== label) view.note.text = label;
    view.note.visible = text !== "" && showNames;
  }

  /** Lines from each unit with an order under way to its target: the point, or the one it follows. */
  private drawLines(): void {
    const { model, orders, lines, camera } = this;
    lines.clear();
    for (const mineOnly of [true, false]) {
      let any = false;
      for (let i = 0; i < model.count; i++) {
        const slot = model.dense[i];
        const code = orders.codes[slot] as OrderCode;
        if (!inFlight(code) || this.looks.isMine(slot) !== mineOnly) continue;
        let tx: number;
        let ty: number;
        if (orders.kinds[slot] === "follow") {
          const leader = model.slotOf(orders.targetIds[slot]);
          if (leader === undefined) continue;
          tx = this.screen[leader * 2];
          ty = this.screen[leader * 2 + 1];
        } else if (orders.kinds[slot] === "move_to") {
          tx = camera.screenX(orders.targets[slot * 2]);
          ty = camera.screenY(orders.targets[slot * 2 + 1]);
          lines.moveTo(tx - 4, ty - 4).lineTo(tx + 4, ty + 4).moveTo(tx + 4, ty - 4).lineTo(tx - 4, ty + 4);
        } else continue;
        lines.moveTo(this.screen[slot * 2], this.screen[slot * 2 + 1]).lineTo(tx, ty);
        any = true;
      }
      if (any) lines.stroke({ width: mineOnly ? 1.5 : 1, color: mineOnly ? PALETTE.selected : PALETTE.active, alpha: mineOnly ? 0.75 : 0.35 });
    }
  }

  /** New zoom, new unit scale: the shapes are baked again so sprites stay one texel per pixel. */
  private rebake(scale: number): void {
    const old = this.textures;
    this.textures = bakeShapes(this.renderer, this.shapes, scale);
    this.bakedFor = scale;
    const next = new Map<Texture, Texture>();
    for (const key of Object.keys(old) as (keyof UnitTextures)[]) next.set(old[key], this.textures[key]);
    for (const view of this.views) {
      if (!view) continue;
      for (const sprite of [view.body, view.ring, view.select, view.status]) sprite.texture = next.get(sprite.texture) ?? sprite.texture;
    }
    for (const texture of next.keys()) texture.destroy(true);
  }

  private statusTexture(code: OrderCode): Texture {
    switch (code) {
      case OrderCode.pending:
        return this.textures.pending;
      case OrderCode.active:
        return this.textures.active;
      case OrderCode.done:
        return this.textures.done;
      default:
        return this.textures.failed;
    }
  }

  private create(slot: number): UnitView {
    const root = new Container();
    const shape = new Container();
    const select = new Sprite({ texture: this.textures.selected, anchor: 0.5 });
    const ring = new Sprite({ texture: this.textures.mine, anchor: 0.5 });
    const body = new Sprite({ texture: this.textures.human, anchor: 0.5 });
    const status = new Sprite({ texture: this.textures.pending, anchor: 0.5 });
    status.position.set(UNIT_R * 1.05, -UNIT_R * 1.05);
    status.visible = false;
    select.visible = false;
    ring.visible = false;
    shape.addChild(select, ring, body, status);
    const name = new Text({ text: "", style: this.nameStyle, anchor: { x: 0.5, y: 0 } });
    root.addChild(shape, name);
    this.units.addChild(root);
    const view: UnitView = { root, shape, body, ring, select, status, name, note: undefined, noteShown: "" };
    this.views[slot] = view;
    this.scaledFor = -1;
    return view;
  }
}
