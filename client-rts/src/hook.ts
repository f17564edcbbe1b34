import type { AvatarModel, RoomInfo } from "@mesh/client-kit";
import type { OrderBoard } from "./scene/orders.ts";
import { OrderCode } from "./scene/orders.ts";
import type { RtsScene } from "./scene/scene.ts";
import type { Selection } from "./state/selection.ts";

/** One unit as the test hook reports it. */
export interface UnitReport {
  id: string;
  name: string;
  kind: "human" | "bot";
  /** World position as drawn now (interpolated). */
  x: number;
  z: number;
  /** Where it is on the page (client px), to click it. */
  screenX: number;
  screenY: number;
  mine: boolean;
  selected: boolean;
  /** Its current order as the state says: kind and status (pending/active/done/failed/cancelled), or undefined. */
  order?: { kind: string; status: string; x: number; z: number; targetId: string; note: string };
}

/** `window.meshRts`: a small, read-only view of the RTS page for browser tests and the bench. */
export interface MeshRtsHook {
  ready: boolean;
  roomId: string;
  selfId: string;
  frames: number;
  fps: number;
  /** Mean CPU ms of our per-frame update (interpolation, unit sprites, order lines), apart from Pixi's render. */
  updateMs: number;
  unitCount: number;
  unit(id: string): UnitReport | undefined;
  units(): UnitReport[];
  /** Selected ids. */
  selected(): string[];
  /** Where a floor point (world x, z) is on the page (client px), to click or drag there. */
  screenOf(x: number, z: number): { x: number; y: number } | undefined;
}

declare global {
  interface Window {
    meshRts?: MeshRtsHook;
  }
}

/** Installs the hook at once (not ready), so a test can wait on `meshRts.ready` from the first moment. */
export function installHook(): MeshRtsHook {
  const hook: MeshRtsHook = {
    ready: false,
    roomId: "",
    selfId: "",
    frames: 0,
    fps: 0,
    updateMs: 0,
    unitCount: 0,
    unit: () => undefined,
    units: () => [],
    selected: () => [],
    screenOf: () => undefined,
  };
  window.meshRts = hook;
  return hook;
}

/** What the hook reads from the running page. */
export interface HookSource {
  model: AvatarModel;
  orders: OrderBoard;
  selection: Selection;
  sceneView: RtsScene;
  roomInfo: RoomInfo;
  isMine(slot: number): boolean;
}

/** Points the hook's readers at the running page and marks it ready. */
export function fillHook(hook: MeshRtsHook, app: HookSource): void {
  const { model, orders, selection } = app;
  const page = (x: number, y: number) => {
    const rect = app.sceneView.canvas.getBoundingClientRect();
    return { x: rect.left + x, y: rect.top + y };
  };
  const report = (slot: number): UnitReport => {
    const id = model.ids[slot];
    const x = model.drawn[slot * 3];
    const z = model.drawn[slot * 3 + 1];
    const camera = app.sceneView.camera;
    const at = page(camera.screenX(x), camera.screenY(z));
    const code = orders.codes[slot];
    return {
      id,
      name: model.names[slot],
      kind: model.isBot(slot) ? "bot" : "human",
      x,
      z,
      screenX: at.x,
      screenY: at.y,
      mine: app.isMine(slot),
      selected: selection.has(id),
      order:
        code === OrderCode.none
          ? undefined
          : { kind: orders.kinds[slot], status: orders.statuses[slot], x: orders.targets[slot * 2], z: orders.targets[slot * 2 + 1], targetId: orders.targetIds[slot], note: orders.notes[slot] },
    };
  };
  hook.unit = (id) => {
    const slot = model.slotOf(id);
    return slot === undefined ? undefined : report(slot);
  };
  hook.units = () => Array.from(model.dense.subarray(0, model.count), report);
  hook.selected = () => selection.list();
  hook.screenOf = (x, z) => {
    const camera = app.sceneView.camera;
    return page(camera.screenX(x), camera.screenY(z));
  };
  hook.ready = true;
}
