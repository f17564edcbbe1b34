import { h, type RoomInfo } from "@mesh/client-kit";
import type { AvatarModel } from "@mesh/client-kit";
import { type BubbleBox, stackBubbles } from "./model/bubble-stack.ts";
import { type Bubble, BubbleBoard } from "./model/bubbles.ts";
import { exitViews } from "@mesh/client-kit";
import type { Renderer } from "./renderer.ts";

/** Heights (world units): a name tag above an avatar's feet; a doorway label inside its arch (above it would leave the view first). */
const TAG_Y = 2.6;
const EXIT_Y = 1.7;
/** A bubble sits this many pixels above its speaker's tag point (a tag is ~20 px tall). */
const BUBBLE_LIFT_PX = 26;
const ARROWS: Record<string, string> = { north: "↑", south: "↓", east: "→", west: "←", up: "⤒", down: "⤓" };

/**
 * Text over the view as plain DOM (name tags, speech bubbles, doorway labels), positioned each
 * frame from projected world points. Text only ever goes in as text nodes, and CSS clamps its size,
 * so no name or message can run script or break the layout. Both renderers share it.
 */
export class Overlay {
  readonly element = h("div", { class: "m3-overlay" });
  private tags: HTMLElement[] = [];
  /** Last written pixel position per slot, so an avatar standing still costs no style writes. */
  private lastX = new Int32Array(64);
  private lastY = new Int32Array(64);
  private readonly bubbleEls = new Map<string, HTMLElement>();
  /** Boxes for this frame's visible bubbles (reused from frame to frame), and each bubble's measured size. */
  private readonly stack: Array<BubbleBox & { el: HTMLElement }> = [];
  private readonly sizes = new WeakMap<HTMLElement, { width: number; height: number }>();
  private exits: Array<{ el: HTMLElement; x: number; z: number; y: number }> = [];
  private readonly point = new Float64Array(2);
  private offs: Array<() => void> = [];

  constructor(
    private readonly model: AvatarModel,
    private readonly bubbles: BubbleBoard,
    private renderer: Renderer,
    private readonly ownerName: (ownerId: string) => string,
  ) {
    this.offs.push(
      model.listen({
        added: (slot) => this.addTag(slot),
        removed: (slot) => {
          this.tags[slot]?.remove();
          this.lastX[slot] = -1;
        },
        relabelled: (slot) => this.fillTag(slot),
      }),
      bubbles.listen((bubble, gone) => this.onBubble(bubble, gone)),
    );
  }

  setRenderer(renderer: Renderer): void {
    this.renderer = renderer;
    this.lastX.fill(-99999);
  }

  setRoom(info: RoomInfo, roomNames: ReadonlyMap<string, string>): void {
    for (const exit of this.exits) exit.el.remove();
    this.exits = exitViews(info.exits, info.width, info.depth).map((exit) => {
      const el = h(
        "div",
        { class: "m3-exit", "data-dir": exit.direction },
        h("span", { class: "m3-exit-dir" }, `${ARROWS[exit.direction]} ${exit.direction}`),
        h("span", { class: "m3-exit-name", dir: "auto" }, roomNames.get(exit.target) ?? exit.target),
      );
      this.element.append(el);
      return { el, x: exit.x, z: exit.z, y: exit.pad ? 1.2 : EXIT_Y };
    });
  }

  /** Moves every label to its avatar's projected point; fades bubbles. */
  update(now: number): void {
    const { model, point } = this;
    for (let i = 0; i < model.count; i++) {
      const slot = model.dense[i];
      const tag = this.tags[slot];
      if (!tag) continue;
      const visible = this.renderer.project(model.drawn[slot * 3], TAG_Y, model.drawn[slot * 3 + 1], point);
      const x = visible ? Math.round(point[0]) : -99999;
      const y = Math.round(point[1]);
      if (x === this.lastX[slot] && y === this.lastY[slot]) continue;
      this.lastX[slot] = x;
      this.lastY[slot] = y;
      place(tag, visible, x, y);
    }
    let shown = 0;
    this.bubbles.forEach((bubble) => {
      const el = this.bubbleEls.get(bubble.speakerId);
      const slot = model.slotOf(bubble.speakerId);
      if (!el) return;
      if (slot === undefined) {
        el.hidden = true;
        return;
      }
      // Anchored where the tag is and lifted above it in pixels, so the two never overlap at any zoom or in 2D.
      const visible = this.renderer.project(model.drawn[slot * 3], TAG_Y, model.drawn[slot * 3 + 1], point);
      el.hidden = false;
      el.style.opacity = String(BubbleBoard.opacity(bubble, now));
      if (!visible) {
        place(el, false, 0, 0);
        return;
      }
      if (shown === this.stack.length) this.stack.push({ el, x: 0, y: 0, width: 0, height: 0 });
      const box = this.stack[shown++];
      box.el = el;
      box.x = Math.round(point[0]);
      box.y = Math.round(point[1]) - BUBBLE_LIFT_PX;
      // Measured once, when the bubble first shows (its text never changes): one layout per message.
      let size = this.sizes.get(el);
      if (!size) {
        size = { width: el.offsetWidth, height: el.offsetHeight };
        this.sizes.set(el, size);
      }
      box.width = size.width;
      box.height = size.height;
    });
    // Speakers standing close: lift bubbles off each other so every one stays readable.
    stackBubbles(this.stack, shown);
    for (let i = 0; i < shown; i++) place(this.stack[i].el, true, this.stack[i].x, this.stack[i].y);
    for (const exit of this.exits) {
      const visible = this.renderer.project(exit.x, exit.y, exit.z, point);
      place(exit.el, visible, Math.round(point[0]), Math.round(point[1]));
    }
  }

  /** Owner names arrived: say them on the bots' tags. */
  refreshTags(): void {
    for (let i = 0; i < this.model.count; i++) this.fillTag(this.model.dense[i]);
  }

  destroy(): void {
    for (const off of this.offs) off();
    this.element.remove();
  }

  private addTag(slot: number): void {
    if (slot >= this.lastX.length) {
      const grow = (old: Int32Array) => {
        const fresh = new Int32Array(Math.max(slot + 1, old.length * 2));
        fresh.set(old);
        return fresh;
      };
      this.lastX = grow(this.lastX);
      this.lastY = grow(this.lastY);
    }
    this.lastX[slot] = -99999;
    const tag = h("div", { class: "m3-tag" });
    this.tags[slot] = tag;
    this.fillTag(slot);
    this.element.append(tag);
  }

  private fillTag(slot: number): void {
    const tag = this.tags[slot];
    if (!tag) return;
    const { model } = this;
    const bot = model.isBot(slot);
    tag.dataset.kind = bot ? "bot" : "human";
    tag.toggleAttribute("data-self", model.ids[slot] === model.selfId);
    tag.toggleAttribute("data-away", model.away[slot] === 1);
    const owner = bot ? this.ownerName(model.ownerIds[slot]) : "";
    tag.replaceChildren(
      h("span", { class: "m3-name", dir: "auto" }, model.names[slot]),
    );
    if (model.typing[slot]) tag.append(h("span", { class: "m3-typing", "aria-label": "typing" }, "…"));
    if (bot) tag.append(h("span", { class: "m3-owner", dir: "auto" }, `bot of ${owner}`));
    // Bots can be focused from the keyboard to read whose they are, as hovering shows.
    if (bot) {
      tag.tabIndex = 0;
      tag.setAttribute("aria-label", `${model.names[slot]}, a bot of ${owner}`);
    } else {
      tag.removeAttribute("tabindex");
      tag.removeAttribute("aria-label");
    }
  }

  private onBubble(bubble: Bubble, gone: boolean): void {
    const existing = this.bubbleEls.get(bubble.speakerId);
    if (gone) {
      if (existing?.dataset.born === String(bubble.born)) {
        existing.remove();
        this.bubbleEls.delete(bubble.speakerId);
      }
      return;
    }
    existing?.remove();
    const el = h("div", { class: "m3-bubble", "data-born": bubble.born, hidden: true }, h("p", { dir: "auto" }, bubble.text));
    this.bubbleEls.set(bubble.speakerId, el);
    this.element.append(el);
  }
}

function place(el: HTMLElement, visible: boolean, x: number, y: number): void {
  el.style.visibility = visible ? "" : "hidden";
  if (visible) el.style.transform = `translate3d(${x}px, ${y}px, 0) translate(-50%, -100%)`;
}
