/** `window.meshTerm`: a small view of the terminal page for browser tests (they mostly type with the real keyboard). */
export interface MeshTermHook {
  /** The session is in its first room and the prompt is drawn. */
  ready: boolean;
  roomId: string;
  /** Why the session ended, once it has. */
  ended: string;
  /** The terminal's text, one entry per logical line (rows the terminal wrapped are joined), scrollback included. */
  lines(): string[];
  /** Feed text to the line editor as if typed ("\r" submits). */
  type(text: string): void;
}

/** Installs the hook at once (not ready), so a test can wait on `meshTerm.ready` from the first moment. */
export function installHook(): MeshTermHook {
  const hook: MeshTermHook = { ready: false, roomId: "", ended: "", lines: () => [], type: () => undefined };
  (window as unknown as { meshTerm: MeshTermHook }).meshTerm = hook;
  return hook;
}
