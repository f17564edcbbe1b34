import { isMoveKey, isTextTarget, keyDirection, screenToWorld } from "./model/keys.ts";

/** What input drives: where you are, which way the view faces, and where to walk. */
export interface InputTarget {
  /** Your latest server position into out (x, z); false before you are in the room. */
  selfPosition(out: Float32Array): boolean;
  viewYaw(): number;
  pickFloor(clientX: number, clientY: number, out: Float64Array): boolean;
  /** Walk toward a floor point (clamped to the room by the caller). */
  walkTo(x: number, z: number): void;
  focusChat(): void;
}

/** While a key is held, aim this far ahead: far enough to keep walking between sends, near enough to stop at once. */
const LOOKAHEAD = 2;
/** Sends per second while a key is held (the server walks at 4 units/s; 10/s keeps the target ahead). */
const SEND_MS = 100;
/** A press that moves less than this (px) is a click, not an orbit drag. */
const CLICK_SLOP = 6;

/**
 * Keyboard and pointer to walking: WASD/arrows (not while typing in a text field), Enter to chat,
 * Escape to leave the composer, and click on the floor to walk there. One path for both renderers.
 */
export class Input {
  private readonly held = new Set<string>();
  private lastSend = 0;
  private walking = false;
  private readonly dir = new Float64Array(2);
  private readonly world = new Float64Array(2);
  private readonly self = new Float32Array(3);
  private readonly pick = new Float64Array(2);
  private down: { x: number; y: number; t: number } | undefined;
  private readonly offs: Array<() => void> = [];
  private readonly canvasOffs: Array<() => void> = [];

  constructor(private readonly target: InputTarget) {
    this.on(window, "keydown", (e) => this.keyDown(e as KeyboardEvent));
    this.on(window, "keyup", (e) => this.held.delete((e as KeyboardEvent).code));
    this.on(window, "blur", () => this.held.clear());
  }

  /** Click-to-move on this canvas (again after the renderer changes). */
  watchCanvas(canvas: HTMLCanvasElement): void {
    // A new view's canvas replaces the old one: let go of the old one's listeners (and so of it).
    for (const off of this.canvasOffs.splice(0)) off();
    const on = (type: string, fn: (e: Event) => void) => this.on(canvas, type, fn, this.canvasOffs);
    canvas.tabIndex = 0;
    on("pointerdown", (e) => {
      const p = e as PointerEvent;
      if (p.button !== 0) return;
      canvas.focus({ preventScroll: true }); // leaves the composer, so keys walk again
      this.down = { x: p.clientX, y: p.clientY, t: performance.now() };
    });
    on("pointerup", (e) => {
      const p = e as PointerEvent;
      const down = this.down;
      this.down = undefined;
      if (!down || p.button !== 0) return;
      if (Math.hypot(p.clientX - down.x, p.clientY - down.y) > CLICK_SLOP || performance.now() - down.t > 700) return;
      if (this.target.pickFloor(p.clientX, p.clientY, this.pick)) this.target.walkTo(this.pick[0], this.pick[1]);
    });
  }

  /** Once a frame: keep the walking target a step ahead while keys are held; stop when released. */
  update(now: number): void {
    keyDirection(this.held, this.dir);
    const moving = this.dir[0] !== 0 || this.dir[1] !== 0;
    if (!moving) {
      if (this.walking && this.target.selfPosition(this.self)) this.target.walkTo(this.self[0], this.self[1]);
      this.walking = false;
      return;
    }
    if (now - this.lastSend < SEND_MS || !this.target.selfPosition(this.self)) return;
    this.lastSend = now;
    this.walking = true;
    screenToWorld(this.dir[0], this.dir[1], this.target.viewYaw(), this.world);
    this.target.walkTo(this.self[0] + this.world[0] * LOOKAHEAD, this.self[1] + this.world[1] * LOOKAHEAD);
  }

  destroy(): void {
    for (const off of this.offs) off();
    for (const off of this.canvasOffs) off();
  }

  private keyDown(e: KeyboardEvent): void {
    if (isTextTarget(e.target)) {
      if (e.key === "Escape") (e.target as HTMLElement).blur();
      return;
    }
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (isMoveKey(e.code)) {
      this.held.add(e.code);
      e.preventDefault(); // arrows would scroll the page
    } else if (e.key === "Enter" && !(e.target instanceof HTMLButtonElement) && !(e.target instanceof HTMLAnchorElement)) {
      e.preventDefault();
      this.target.focusChat();
    }
  }

  private on(target: EventTarget, type: string, fn: (e: Event) => void, offs = this.offs): void {
    target.addEventListener(type, fn);
    offs.push(() => target.removeEventListener(type, fn));
  }
}
