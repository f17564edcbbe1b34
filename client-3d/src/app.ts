import type { MeshRoom } from "@mesh/bots";
import { type ChatPanel, type ClientSession, connectionBanner, createChatPanel, enterRoom, h, type RoomInfo, RoomUnavailable, showFatal } from "@mesh/client-kit";
import { emoteOf, type ExitDirection, type MessageData, oppositeExit } from "@mesh/schema";
import type { MeshSceneHook } from "./hook.ts";
import { Input } from "./input.ts";
import { createLayout, type Layout } from "./layout.ts";
import { AvatarModel } from "@mesh/client-kit";
import { BubbleBoard } from "./model/bubbles.ts";
import { Freshness } from "./model/freshness.ts";
import { ExitTrigger } from "./model/exit-trigger.ts";
import { PulseRing } from "./model/pulses.ts";
import { Overlay } from "./overlay.ts";
import type { Renderer } from "./renderer.ts";
import { Stats } from "./stats.ts";
import { rememberInHash, type ViewMode } from "./view-mode.ts";

/** Mean of the update cost over this many frames (few: a software-rendered test browser draws a handful a second). */
const UPDATE_WINDOW = 10;

/**
 * The running client: one room at a time, the shared model (avatars, bubbles, pulses, exits),
 * one renderer (3D or 2D, switchable), the overlay, input and the chat panel. The frame pipeline
 * is in `frame()`, in the order each step needs the previous one.
 */
export class App {
  private readonly layout: Layout;
  private readonly banner = connectionBanner();
  private readonly model: AvatarModel;
  private readonly bubbles = new BubbleBoard();
  private readonly pulses = new PulseRing();
  private readonly overlay: Overlay;
  private readonly input: Input;
  private readonly stats: Stats;
  private readonly chat: ChatPanel;
  private renderer: Renderer;
  private trigger: ExitTrigger;
  private detach: Array<() => void> = [];
  private changing = false;
  private last = performance.now();
  private updateSum = 0;
  private updateCount = 0;
  private readonly self = new Float32Array(3);
  private readonly roomNames = new Map<string, string>();
  private readonly ownerNames = new Map<string, string>();
  private readonly freshness = new Freshness();
  /** Set once the page has given up (a room change failed): the frame loop ends. */
  private stopped = false;

  constructor(
    private readonly container: HTMLElement,
    private readonly session: ClientSession,
    private room: MeshRoom,
    private info: RoomInfo,
    mode: ViewMode,
    private readonly makeRenderer: (mode: ViewMode, canvas: HTMLCanvasElement, model: AvatarModel, pulses: PulseRing) => Renderer,
    private readonly hook: MeshSceneHook,
  ) {
    this.model = new AvatarModel(room.participantId);
    this.layout = createLayout(this.banner.element, session.me.name);
    container.replaceChildren(this.layout.root);
    this.renderer = this.createRenderer(mode);
    this.overlay = new Overlay(this.model, this.bubbles, this.renderer, (id) => this.ownerName(id));
    this.layout.stage.append(this.overlay.element);
    this.input = new Input({
      selfPosition: (out) => this.selfPosition(out),
      viewYaw: () => this.renderer.viewYaw(),
      pickFloor: (x, y, out) => this.renderer.pickFloor(x, y, out),
      walkTo: (x, z) => this.walkTo(x, z),
      focusChat: () => this.chat.focusComposer(),
    });
    this.input.watchCanvas(this.renderer.canvas);
    this.stats = new Stats(this.layout.stats, () => this.renderer.mode.toUpperCase());
    this.chat = createChatPanel(session, room, info);
    this.layout.side.append(this.chat.element);
    this.layout.viewToggle.addEventListener("click", () => this.switchMode(this.renderer.mode === "3d" ? "2d" : "3d"));
    this.trigger = new ExitTrigger(info.exits, info.width, info.depth);
    this.attach();
    this.installHook();
    requestAnimationFrame((t) => this.frame(t));
  }

  /** The per-frame pipeline: interpolate → exits → input → scene update → labels, then draw. */
  private frame(now: number): void {
    if (this.stopped) return;
    requestAnimationFrame((t) => this.frame(t));
    const dt = Math.min(100, now - this.last);
    this.last = now;
    const started = performance.now();
    // Positions first: everything after reads the drawn (interpolated) or latest positions.
    this.model.interpolate(now);
    this.bubbles.expire(now);
    if (!this.changing && this.selfPosition(this.self)) {
      const exit = this.trigger.update(this.self[0], this.self[1]);
      if (exit) void this.walkThrough(exit);
    }
    this.input.update(now);
    this.renderer.update(now, dt);
    this.overlay.update(now);
    const spent = performance.now() - started;
    this.updateSum += spent;
    if (++this.updateCount >= UPDATE_WINDOW) {
      this.hook.updateMs = this.updateSum / this.updateCount;
      this.updateSum = 0;
      this.updateCount = 0;
    }
    this.renderer.render();
    this.hook.frames++;
    this.stats.frame(now, this.hook.updateMs);
    this.hook.fps = this.stats.fps;
    this.hook.avatarCount = this.model.count;
  }

  /** Listens to the current room: participants into the model, messages into bubbles and pulses. */
  private attach(): void {
    const { room, info } = this;
    this.model.selfId = room.participantId;
    this.layout.showRoom(info);
    this.renderer.setRoom(info);
    this.overlay.setRoom(info, this.roomNames);
    this.stats.follow(room);
    rememberInHash(info.id, this.renderer.mode);
    this.detach = [
      room.watchParticipants({ added: (p) => this.model.add(p), changed: (p) => this.model.change(p), removed: (p) => this.model.remove(p) }),
      room.onMessage((m) => this.heard(m)),
      this.banner.follow(room),
    ];
    this.hook.roomId = info.id;
    this.hook.selfId = room.participantId;
    void this.lookUpNames(info);
  }

  private heard(message: MessageData): void {
    if (message.deleted || !this.freshness.isFresh(message.ts)) return;
    const from = this.model.slotOf(message.authorId);
    if (from === undefined) return;
    const now = performance.now();
    const emote = emoteOf(message.text);
    this.bubbles.say(message.authorId, emote === undefined ? message.text : `* ${emote}`, now);
    const { drawn } = this.model;
    for (let i = 0; i < this.model.count; i++) {
      const to = this.model.dense[i];
      if (to === from || (message.to && this.model.ids[to] !== message.to)) continue;
      this.pulses.emit(drawn[from * 3], drawn[from * 3 + 1], drawn[to * 3], drawn[to * 3 + 1], now);
    }
  }

  /** Walked into a doorway: leave, join the room beyond at its matching doorway, and start afresh there. */
  private async walkThrough(exit: ExitDirection): Promise<void> {
    const target = this.info.exits[exit];
    if (!target || this.changing) return;
    this.changing = true;
    for (const off of this.detach) off();
    await this.room.leave().catch(() => undefined);
    this.model.reset();
    this.bubbles.clear();
    this.pulses.clear();
    try {
      const next = await enterRoom(this.session, target, oppositeExit(exit), "3d");
      this.room = next.room;
      this.info = next.info;
      this.trigger = new ExitTrigger(next.info.exits, next.info.width, next.info.depth);
      this.attach();
      this.chat.setRoom(next.room, next.info);
    } catch (error) {
      const text = error instanceof RoomUnavailable ? error.message : `Could not go ${exit}: ${error instanceof Error ? error.message : String(error)}`;
      this.hook.ready = false;
      // The page is a message now: stop drawing, listening and holding the GPU behind it.
      this.stopped = true;
      this.input.destroy();
      this.chat.destroy();
      this.renderer.dispose();
      showFatal(this.container, text);
      return;
    } finally {
      this.changing = false;
    }
  }

  private switchMode(mode: ViewMode): void {
    if (mode === this.renderer.mode) return;
    this.renderer.dispose();
    this.renderer = this.createRenderer(mode);
    this.renderer.setRoom(this.info);
    this.overlay.setRenderer(this.renderer);
    this.input.watchCanvas(this.renderer.canvas);
    rememberInHash(this.info.id, this.renderer.mode);
  }

  private createRenderer(mode: ViewMode): Renderer {
    const canvas = h("canvas", { class: "m3-canvas", "aria-label": "The room. Click the floor to walk there." });
    this.layout.mountCanvas(canvas);
    let renderer: Renderer;
    try {
      renderer = this.makeRenderer(mode, canvas, this.model, this.pulses);
    } catch (error) {
      if (mode === "2d") throw error;
      // WebGL said yes but the engine could not start on it: the flat view still works.
      console.warn(`the 3D view could not start (${error instanceof Error ? error.message : String(error)}); showing the 2D view`);
      return this.createRenderer("2d");
    }
    this.hook.mode = renderer.mode;
    this.layout.viewToggle.textContent = renderer.mode === "3d" ? "2D view" : "3D view";
    this.layout.viewToggle.setAttribute("aria-pressed", String(renderer.mode === "2d"));
    return renderer;
  }

  private selfPosition(out: Float32Array): boolean {
    const slot = this.model.slotOf(this.model.selfId);
    return slot !== undefined && this.model.latest(slot, out);
  }

  private walkTo(x: number, z: number): void {
    if (this.changing) return;
    this.room.moveTo(Math.min(this.info.width, Math.max(0, x)), Math.min(this.info.depth, Math.max(0, z)));
  }

  private ownerName(id: string): string {
    const slot = this.model.slotOf(id);
    return (slot !== undefined ? this.model.names[slot] : this.ownerNames.get(id)) ?? "someone";
  }

  /** Exit labels say the next room's name; bot tags say their owner's: both from REST, once per room. */
  private async lookUpNames(info: RoomInfo): Promise<void> {
    const [rooms, people] = await Promise.allSettled([this.session.client.rest.rooms(), this.session.client.rest.participants()]);
    if (rooms.status === "fulfilled") for (const r of rooms.value.rooms) this.roomNames.set(r.id, r.name);
    if (people.status === "fulfilled") for (const p of people.value) this.ownerNames.set(p.id, p.name);
    if (this.info !== info) return;
    this.overlay.setRoom(info, this.roomNames);
    this.overlay.refreshTags();
  }

  private installHook(): void {
    const hook = this.hook;
    const point = new Float64Array(2);
    const toPage = (x: number, y: number, z: number): { x: number; y: number } | undefined => {
      if (!this.renderer.project(x, y, z, point)) return undefined;
      const rect = this.renderer.canvas.getBoundingClientRect();
      return { x: rect.left + point[0], y: rect.top + point[1] };
    };
    hook.avatar = (id) => {
      const slot = this.model.slotOf(id);
      if (slot === undefined) return undefined;
      const x = this.model.drawn[slot * 3];
      const z = this.model.drawn[slot * 3 + 1];
      const screen = toPage(x, 0, z) ?? { x: Number.NaN, y: Number.NaN };
      return { x, z, screenX: screen.x, screenY: screen.y, name: this.model.names[slot], kind: this.model.isBot(slot) ? "bot" : "human" };
    };
    hook.bubbles = () => this.bubbles.texts();
    hook.screenOf = (x, z) => toPage(x, 0, z);
    hook.ready = true;
  }
}
