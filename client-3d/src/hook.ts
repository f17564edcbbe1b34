/** One avatar as the test hook reports it: world position, page position (client px), name and kind. */
export interface AvatarReport {
  x: number;
  z: number;
  screenX: number;
  screenY: number;
  name: string;
  kind: "human" | "bot";
}

/** `window.meshScene`: a small, read-only view of the client for browser tests and for curious people. */
export interface MeshSceneHook {
  ready: boolean;
  mode: "3d" | "2d";
  roomId: string;
  frames: number;
  fps: number;
  /** Mean CPU ms of our per-frame update (interpolation, instance buffers, labels), apart from Babylon's render. */
  updateMs: number;
  avatarCount: number;
  selfId: string;
  avatar(id: string): AvatarReport | undefined;
  bubbles(): string[];
  /** Where a floor point (world x, z) is on the page (client px), to click it. */
  screenOf(x: number, z: number): { x: number; y: number } | undefined;
}

/** Installs the hook at once (not ready), so a test can wait on `meshScene.ready` from the first moment. */
export function installHook(): MeshSceneHook {
  const hook: MeshSceneHook = {
    ready: false,
    mode: "3d",
    roomId: "",
    frames: 0,
    fps: 0,
    updateMs: 0,
    avatarCount: 0,
    selfId: "",
    avatar: () => undefined,
    bubbles: () => [],
    screenOf: () => undefined,
  };
  // Set through a cast, not a global declaration, so tools that read the hook declare it their own way.
  (window as unknown as { meshScene: MeshSceneHook }).meshScene = hook;
  return hook;
}
