/** Which renderer to start with: 2D when asked (#view=2d), when WebGL is missing, or when the person prefers less motion. */
export type ViewMode = "3d" | "2d";

export function hasWebGL(): boolean {
  try {
    const canvas = document.createElement("canvas");
    return (canvas.getContext("webgl2") ?? canvas.getContext("webgl")) !== null;
  } catch {
    return false;
  }
}

export function initialMode(hash: string, webgl: boolean, reducedMotion: boolean): ViewMode {
  const asked = new URLSearchParams(hash.replace(/^#/, "")).get("view");
  if (!webgl) return "2d";
  if (asked === "2d" || asked === "3d") return asked;
  return reducedMotion ? "2d" : "3d";
}

/** Keeps the room and view in the address (never the token), so a reload comes back to the same place. */
export function rememberInHash(roomId: string, mode: ViewMode): void {
  const params = new URLSearchParams(location.hash.replace(/^#/, ""));
  params.delete("token");
  params.set("room", roomId);
  params.set("view", mode);
  history.replaceState(history.state, "", `${location.pathname}${location.search}#${params.toString()}`);
}
