import type { MeshRoom } from "@mesh/bots";
import { AvatarModel, type ClientSession, connectionBanner, enterRoom, h, type RoomInfo, RoomUnavailable, showFatal } from "@mesh/client-kit";
import type { Participant } from "@mesh/schema";
import { fillHook, type MeshRtsHook } from "./hook.ts";
import { createLayout, type Layout } from "./layout.ts";
import { createPanels, type Panels } from "./panels/index.ts";
import { Inspector } from "./scene/inspect.ts";
import { SceneInput } from "./scene/input.ts";
import { Minimap } from "./scene/minimap.ts";
import { OrderBoard } from "./scene/orders.ts";
import { RtsScene } from "./scene/scene.ts";
import { Commander } from "./state/commander.ts";
import { OrderMode } from "./state/order-mode.ts";
import { Selection } from "./state/selection.ts";

/** Mean of the update cost over this many frames (few: a software-rendered test browser draws a handful a second). */
const UPDATE_WINDOW = 10;
/** The minimap's column at the stage's right (px): a fitted room keeps clear of it where it can. */
const MINIMAP_COLUMN = 196;

/**
 * The running command view: one room at a time, the shared avatar model and the order board fed
 * by the room's participant watcher, the Pixi scene, input, minimap, the commander panels and the
 * test hook. The frame pipeline is in `frame()`.
 */
export class App {
  readonly model: AvatarModel;
  readonly orders: OrderBoard;
  readonly selection: Selection;
  readonly mode = new OrderMode();
  readonly commander: Commander;
  private readonly minimap: Minimap;
  private readonly inspector: Inspector;
  private readonly input: SceneInput;
  private readonly panels: Panels;
  private readonly selCount = h("p", { class: "rts-selcount", "aria-hidden": "true" });
  private detach: Array<() => void> = [];
  private changing = false;
  private stopped = false;
  private updateSum = 0;
  private updateCount = 0;
  private frames = 0;
  private fpsSince = performance.now();
  private readonly roomNames = new Map<string, string>();
  private readonly ownerNames = new Map<string, string>();

  static async start(container: HTMLElement, session: ClientSession, room: MeshRoom, info: RoomInfo, hook: MeshRtsHook): Promise<App> {
    const banner = connectionBanner();
    const layout = createLayout(banner.element, session.me.name);
    container.replaceChildren(layout.root);
    const model = new AvatarModel(room.participantId);
    const orders = new OrderBoard();
    const holder: { app?: App } = {};
    const scene = await RtsScene.create(layout.stage, model, orders, {
      selfId: room.participantId,
      isMine: (slot) => holder.app?.isMine(slot) ?? false,
      isSelected: (slot) => holder.app?.selection.has(model.ids[slot]) ?? false,
    });
    holder.app = new App(container, layout, banner, session, room, info, scene, model, orders, hook);
    return holder.app;
  }

  private constructor(
    private readonly container: HTMLElement,
    private readonly layout: Layout,
    private readonly banner: ReturnType<typeof connectionBanner>,
    private readonly session: ClientSession,
    private room: MeshRoom,
    private info: RoomInfo,
    private readonly scene: RtsScene,
    model: AvatarModel,
    orders: OrderBoard,
    private readonly hook: MeshRtsHook,
  ) {
    this.model = model;
    this.orders = orders;
    this.selection = new Selection((id) => this.selectable(id));
    this.commander = new Commander(room);
    this.minimap = new Minimap(model, scene.camera, (slot) => this.isMine(slot));
    scene.camera.reserveRight = MINIMAP_COLUMN;
    this.layout.corner.append(this.selCount, this.minimap.element);
    this.inspector = new Inspector(this.layout.inspect, model, orders, (id) => this.nameOf(id));
    const canvas = scene.canvas;
    canvas.tabIndex = 0;
    canvas.setAttribute("role", "application");
    this.input = new SceneInput({
      scene,
      model,
      selection: this.selection,
      mode: this.mode,
      commander: this.commander,
      selectable: (id) => this.selectable(id),
      bounds: () => ({ width: this.info.width, depth: this.info.depth }),
      inspect: (slot, x, y) => this.inspector.show(slot, x, y),
    });
    model.listen({
      added: (slot) => scene.units.added(slot),
      removed: (slot) => scene.units.removed(slot),
      relabelled: (slot) => scene.units.relabel(slot),
    });
    this.selection.onChange(() => {
      scene.units.refreshLooks();
      this.describe();
    });
    this.mode.onChange((mode) => {
      this.layout.stage.dataset.mode = mode;
      this.layout.hint.hidden = mode === "none";
      this.layout.hint.textContent =
        mode === "move" ? "Move: click the floor where to go (Esc cancels)" : mode === "follow" ? "Follow: click the one to follow (Esc cancels)" : "";
    });
    this.panels = createPanels({
      session,
      room,
      info,
      selection: this.selection,
      commander: this.commander,
      mode: this.mode,
      nameOf: (id) => this.nameOf(id),
      jump: (roomId) => void this.jump(roomId),
    });
    this.layout.side.append(this.panels.element);
    this.attach();
    fillHook(hook, this);
    requestAnimationFrame((t) => this.frame(t));
  }

  get roomInfo(): RoomInfo {
    return this.info;
  }

  get sceneView(): RtsScene {
    return this.scene;
  }

  /** Your own bots: ringed, and selectable. */
  isMine(slot: number): boolean {
    return this.model.isBot(slot) && this.model.ownerIds[slot] === this.session.me.id;
  }

  /**
   * Selectable: a bot here that you own. Others' bots are inspectable, not selectable (the
   * issue's rule), even with manage_all_bots, which reaches only bots whose owner ranks below
   * you: the server would refuse the rest one by one.
   */
  selectable(id: string): boolean {
    const slot = this.model.slotOf(id);
    return slot !== undefined && this.model.isBot(slot) && this.model.ownerIds[slot] === this.session.me.id;
  }

  nameOf(id: string): string | undefined {
    const slot = this.model.slotOf(id);
    return slot !== undefined ? this.model.names[slot] : this.ownerNames.get(id);
  }

  /** The per-frame pipeline: interpolate → scene layout (units, order lines, markers) → minimap, then Pixi draws. */
  private frame(now: number): void {
    if (this.stopped) return;
    requestAnimationFrame((t) => this.frame(t));
    const started = performance.now();
    // Positions first: units, lines and hit testing read the drawn (interpolated) positions.
    this.model.interpolate(now);
    this.scene.update(now);
    this.minimap.update(now);
    const spent = performance.now() - started;
    this.updateSum += spent;
    if (++this.updateCount >= UPDATE_WINDOW) {
      this.hook.updateMs = this.updateSum / this.updateCount;
      this.updateSum = 0;
      this.updateCount = 0;
    }
    this.scene.render();
    this.hook.frames++;
    this.hook.unitCount = this.model.count;
    this.frames++;
    if (now - this.fpsSince >= 500) {
      this.hook.fps = (this.frames * 1000) / (now - this.fpsSince);
      this.frames = 0;
      this.fpsSince = now;
      this.layout.stats.textContent = `${this.scene.rendererName} · ${this.hook.fps.toFixed(0)} fps · update ${this.hook.updateMs.toFixed(2)} ms · ${this.model.count} units · tick ${this.room.tick}`;
    }
  }

  /** Listens to the current room: participants into the model and the order board. */
  private attach(): void {
    const { room, info } = this;
    this.model.selfId = room.participantId;
    this.layout.showRoom(info);
    this.scene.setRoom(info, this.roomNames);
    this.minimap.setRoom(info);
    const read = (p: Readonly<Participant>) => {
      const slot = this.model.slotOf(p.id);
      if (slot !== undefined) this.orders.read(slot, p);
    };
    this.detach = [
      room.watchParticipants({
        added: (p) => {
          this.model.add(p);
          read(p);
          if (p.kind === "bot") this.scene.units.refreshLooks();
        },
        changed: (p) => {
          this.model.change(p);
          read(p);
        },
        removed: (p) => {
          const slot = this.model.slotOf(p.id);
          if (slot !== undefined) this.orders.clear(slot);
          this.model.remove(p);
          this.selection.forget(p.id);
        },
      }),
      this.banner.follow(room),
    ];
    this.hook.roomId = info.id;
    this.hook.selfId = room.participantId;
    this.describe();
    void this.lookUpNames(info);
  }

  /** The canvas's label: the room and how many are selected, for screen readers. */
  private describe(): void {
    const n = this.selection.size;
    this.scene.canvas.setAttribute(
      "aria-label",
      `Command view of ${this.info.name}: ${n === 0 ? "no bots selected" : `${n} bot${n === 1 ? "" : "s"} selected`}. Arrow keys pan, 0 fits the room, 1 to 9 recall a control group, Ctrl with a digit sets one, Escape clears.`,
    );
    this.selCount.replaceChildren(...(n === 0 ? ["No selection"] : [h("strong", {}, String(n)), ` selected`]));
  }

  /** The room graph's jump: leave this room, enter that one, and start afresh there. */
  private async jump(roomId: string): Promise<void> {
    if (this.changing || roomId === this.info.id) return;
    this.changing = true;
    for (const off of this.detach) off();
    await this.room.leave().catch(() => undefined);
    this.model.reset();
    this.selection.clear();
    this.inspector.show(-1, 0, 0);
    this.mode.set("none");
    this.hook.ready = false;
    try {
      const next = await enterRoom(this.session, roomId, undefined, "rts");
      this.room = next.room;
      this.info = next.info;
      this.commander.setRoom(next.room);
      this.attach();
      this.panels.setRoom(next.room, next.info);
      this.hook.ready = true;
    } catch (error) {
      const text = error instanceof RoomUnavailable ? error.message : `Could not go to ${roomId}: ${error instanceof Error ? error.message : String(error)}`;
      // The page is a message now: stop drawing and listening.
      this.stopped = true;
      this.input.destroy();
      this.panels.destroy();
      this.scene.destroy();
      showFatal(this.container, text);
    } finally {
      this.changing = false;
    }
  }

  /** Exit labels say the next room's name; the inspector names bots' owners: both from REST, once per room. */
  private async lookUpNames(info: RoomInfo): Promise<void> {
    const [rooms, people] = await Promise.allSettled([this.session.client.rest.rooms(), this.session.client.rest.participants()]);
    if (rooms.status === "fulfilled") for (const r of rooms.value.rooms) this.roomNames.set(r.id, r.name);
    if (people.status === "fulfilled") for (const p of people.value) this.ownerNames.set(p.id, p.name);
    if (this.info !== info || this.stopped) return;
    this.scene.renameExits(info, this.roomNames);
  }
}
