import { byId, enterRoom, RoomUnavailable, showFatal, signIn } from "@mesh/client-kit";
import { installHook } from "./hook.ts";

/** The /rts page: sign in, enter the room from the address, and run the command view. */
async function start(): Promise<void> {
  const hook = installHook();
  const container = byId("app");
  try {
    const { session, roomId } = await signIn();
    const { room } = await enterRoom(session, roomId, undefined, "rts");
    hook.roomId = room.roomId;
    hook.selfId = room.participantId;
    container.textContent = `The command view of ${room.roomId} is being built.`;
  } catch (error) {
    if (error instanceof RoomUnavailable) showFatal(container, error.message);
    else showFatal(container, `The Mesh could not start: ${error instanceof Error ? error.message : String(error)}`);
  }
}

void start();
