import type { AvatarModel } from "@mesh/client-kit";
import type { Commander } from "../state/commander.ts";
import type { OrderMode } from "../state/order-mode.ts";
import type { Selection } from "../state/selection.ts";
import { clamp } from "./camera.ts";
import { isDrag } from "./hit.ts";
import { isTyping, sceneKey } from "./keys.ts";
import type { RtsScene } from "./scene.ts";

/** What the input turns clicks into, besides selection and orders. */
export interface InputHost {
  scene: RtsScene;
  model: AvatarModel;
  selection: Selection;
  mode: OrderMode;
  commander: Commander;
  /** Whether a unit may be selected by this page (the rule Selection was made with). */
  selectable(id: string): boolean;
  /** The room's floor size, to keep move orders on it. */
  bounds(): { width: number; depth: number };
  /** A click on a unit that is not yours (or on nothing: -1) shows or hides its details. */
  inspect(slot: number, x: number, y: number): void;
}

/** Wheel notches zoom by this factor each. */
const ZOOM_STEP = 1.15;

/**
 * Mouse and keys on the scene: left click selects (shift toggles), left drag box-selects, right
 * click orders (floor → move, unit → follow), middle drag pans, the wheel zooms to the cursor.
 * A pending order mode (the order bar's Move / Follow) takes the next left click instead.
 */
export class SceneInput {
  private press: { button: number; x: number; y: number; lastX: number; lastY: number; shift: boolean; dragging: boolean } | undefined;
  private readonly off: Array<() => void> = [];

  constructor(private readonly host: InputHost) {
    const canvas = host.scene.canvas;
    const on = <K extends keyof HTMLElementEventMap>(target: HTMLElement | Document, type: K, fn: (e: HTMLElementEventMap[K]) => void, opts?: AddEventListenerOptions) => {
      target.addEventListener(type, fn as EventListener, opts);
      this.off.push(() => target.removeEventListener(type, fn as EventListener));
    };
    on(canvas, "pointerdown", (e) => this.down(e));
    on(canvas, "pointermove", (e) => this.move(e));
    on(canvas, "pointerup", (e) => this.up(e));
    on(canvas, "pointercancel", () => this.cancel());
    on(canvas, "contextmenu", (e) => e.preventDefault());
    on(canvas, "wheel", (e) => this.wheel(e), { passive: false });
    on(document, "keydown", (e) => this.key(e));
  }

  destroy(): void {
    for (const off of this.off) off();
  }

  private local(e: MouseEvent): [number, number] {
    const rect = this.host.scene.canvas.getBoundingClientRect();
    return [e.clientX - rect.left, e.clientY - rect.top];
  }

  private down(e: PointerEvent): void {
    const [x, y] = this.local(e);
    this.host.scene.canvas.focus({ preventScroll: true });
    this.host.scene.canvas.setPointerCapture(e.pointerId);
    // Middle button: no auto-scroll, it pans.
    if (e.button === 1) e.preventDefault();
    this.press = { button: e.button, x, y, lastX: x, lastY: y, shift: e.shiftKey, dragging: false };
  }

  private move(e: PointerEvent): void {
    const press = this.press;
    const [x, y] = this.local(e);
    if (!press) {
      this.hover(x, y);
      return;
    }
    if (!press.dragging && isDrag(press.x, press.y, x, y)) press.dragging = true;
    if (press.button === 1 && press.dragging) this.host.scene.camera.pan(x - press.lastX, y - press.lastY);
    if (press.button === 0 && press.dragging && this.host.mode.value === "none") this.host.scene.drawBox([press.x, press.y, x, y]);
    press.lastX = x;
    press.lastY = y;
  }

  /** A pointer over a unit says it can be clicked (yours to select, others' to inspect). */
  private hover(x: number, y: number): void {
    const canvas = this.host.scene.canvas;
    const cursor = this.host.mode.value === "none" && this.host.scene.unitAt(x, y) >= 0 ? "pointer" : "";
    if (canvas.style.cursor !== cursor) canvas.style.cursor = cursor;
  }

  private cancel(): void {
    this.press = undefined;
    this.host.scene.drawBox(undefined);
  }

  private up(e: PointerEvent): void {
    const press = this.press;
    this.press = undefined;
    if (!press || press.button !== e.button) return;
    const [x, y] = this.local(e);
    const { scene, selection, mode } = this.host;
    if (press.button === 0) {
      scene.drawBox(undefined);
      if (mode.value !== "none") {
        this.order(mode.value, x, y);
        mode.set("none");
      } else if (press.dragging) {
        const ids = scene.unitsInBox(press.x, press.y, x, y).map((slot) => this.host.model.ids[slot]);
        selection.select(ids, press.shift);
        this.host.inspect(-1, 0, 0);
      } else this.click(x, y, press.shift);
    } else if (press.button === 2 && !press.dragging) {
      const slot = scene.unitAt(x, y);
      this.order(slot >= 0 ? "follow" : "move", x, y);
    }
  }

  /** A plain left click: your unit → select (shift toggles); another's → inspect; the floor → clear. */
  private click(x: number, y: number, shift: boolean): void {
    const { scene, selection, model } = this.host;
    const slot = scene.unitAt(x, y);
    if (slot < 0) {
      this.host.inspect(-1, 0, 0);
      if (!shift) selection.clear();
      return;
    }
    const id = model.ids[slot];
    // Not yours: show who it is, and keep the selection (look without losing your group).
    if (!this.host.selectable(id)) {
      this.host.inspect(slot, x, y);
      return;
    }
    this.host.inspect(-1, 0, 0);
    if (shift) selection.toggle(id);
    else selection.select([id]);
  }

  /** An order for the selection at a screen point: move there, or follow the unit there. */
  private order(kind: "move" | "follow", x: number, y: number): void {
    const { scene, selection, commander, model } = this.host;
    const ids = selection.list();
    if (ids.length === 0) return;
    if (kind === "follow") {
      const slot = scene.unitAt(x, y);
      if (slot >= 0) commander.follow(ids, model.ids[slot]);
      return;
    }
    const { width, depth } = this.host.bounds();
    const wx = clamp(scene.camera.worldX(x), 0, width);
    const wz = clamp(scene.camera.worldZ(y), 0, depth);
    if (commander.move(ids, wx, wz)) scene.markers.show(wx, wz, performance.now());
  }

  private wheel(e: WheelEvent): void {
    e.preventDefault();
    const [x, y] = this.local(e);
    const notches = e.deltaMode === 1 ? e.deltaY / 3 : e.deltaY / 100;
    this.host.scene.camera.zoomAt(x, y, ZOOM_STEP ** -clamp(notches, -4, 4));
  }

  private key(e: KeyboardEvent): void {
    if (e.defaultPrevented || isTyping(e.target)) return;
    const action = sceneKey(e);
    if (!action) return;
    const { selection, mode, scene, model } = this.host;
    switch (action.kind) {
      case "set-group":
        selection.setGroup(action.group);
        break;
      case "recall-group":
        selection.recall(action.group, (id) => model.slotOf(id) !== undefined);
        break;
      case "escape":
        if (mode.value !== "none") mode.set("none");
        else {
          selection.clear();
          this.host.inspect(-1, 0, 0);
        }
        break;
      case "home":
        scene.camera.fit();
        break;
      case "pan":
        scene.camera.pan(action.dx, action.dy);
        break;
    }
    e.preventDefault();
  }
}
