import "@xterm/xterm/css/xterm.css";
import "./style.css";
import { byId, isRoomId, sendToSignIn, showFatal, signIn } from "@mesh/client-kit";
import { MudSession } from "../session/mud-session.ts";
import { installHook } from "./hook.ts";
import { TerminalPage } from "./terminal-page.ts";

/** The /term page: sign in through the front door, then The Mesh as a MUD in an xterm terminal. */
async function start(): Promise<void> {
  const hook = installHook();
  const container = byId("app");
  try {
    const { session, roomId } = await signIn();
    // The id may come from a link: anything that is not an id is neither joined nor repeated.
    if (!isRoomId(roomId)) return showFatal(container, "The address does not name a room. Room ids are lowercase letters, digits, '_' and '-'.");
    const page = new TerminalPage(container, session, hook);
    const mud = new MudSession({
      url: location.origin,
      token: session.token,
      client: "term",
      room: roomId,
      print: (line) => page.print(line),
      onPrompt: (prompt) => page.promptChanged(prompt),
      onEnd: (end) => {
        if (end.why === "signed-out") sendToSignIn(end.reason);
        page.ended(end.reason);
      },
    });
    page.run(mud);
    await mud.start();
    page.started();
  } catch (error) {
    showFatal(container, `The Mesh could not start: ${error instanceof Error ? error.message : String(error)}`);
  }
}

void start();
