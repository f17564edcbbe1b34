// Pixi builds its shader uploads with `new Function` unless this is loaded: the page's CSP forbids eval.
import "pixi.js/unsafe-eval";
import "./style.css";
import { byId, enterRoom, RoomUnavailable, showFatal, signIn } from "@mesh/client-kit";
import { App } from "./app.ts";
import { installHook } from "./hook.ts";

/** The /rts page: sign in, enter the room from the address, and run the command view. */
async function start(): Promise<void> {
  const hook = installHook();
  const container = byId("app");
  try {
    const { session, roomId } = await signIn();
    const { room, info } = await enterRoom(session, roomId, undefined, "rts");
    await App.start(container, session, room, info, hook);
  } catch (error) {
    if (error instanceof RoomUnavailable) showFatal(container, error.message);
    else showFatal(container, `The Mesh could not start: ${error instanceof Error ? error.message : String(error)}`);
  }
}

void start();
