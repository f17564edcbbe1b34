import "./style.css";
import { byId, enterRoom, RoomUnavailable, showFatal, signIn } from "@mesh/client-kit";
import { App } from "./app.ts";
import { FlatRenderer } from "./flat/renderer.ts";
import { installHook } from "./hook.ts";
import { SceneRenderer } from "./scene/renderer.ts";
import { hasWebGL, initialMode, type ViewMode } from "./view-mode.ts";

/** The /3d page: sign in, enter the room from the address, and run the client. */
async function start(): Promise<void> {
  const hook = installHook();
  const container = byId("app");
  // Read before signIn, which rewrites the address to drop the token.
  const webgl = hasWebGL();
  const mode: ViewMode = initialMode(location.hash, webgl, matchMedia("(prefers-reduced-motion: reduce)").matches);
  try {
    const { session, roomId } = await signIn();
    const { room, info } = await enterRoom(session, roomId, undefined, "3d");
    new App(
      container,
      session,
      room,
      info,
      mode,
      (chosen, canvas, model, pulses) =>
        chosen === "3d" && webgl ? new SceneRenderer(canvas, model, pulses) : new FlatRenderer(canvas, model, pulses),
      hook,
    );
  } catch (error) {
    if (error instanceof RoomUnavailable) showFatal(container, error.message);
    else showFatal(container, `The Mesh could not start: ${error instanceof Error ? error.message : String(error)}`);
  }
}

void start();
