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
