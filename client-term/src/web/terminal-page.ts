import type { ClientSession } from "@mesh/client-kit";
import { type Line, renderLine } from "../mud/text.ts";
import type { MudSession } from "../session/mud-session.ts";
import type { MeshTermHook } from "./hook.ts";
import { createLayout, type Layout } from "./layout.ts";
import { TermScreen } from "./term-screen.ts";

/** Remembered per browser: colour or plain text (with xterm's screen-reader mode). */
const PLAIN_KEY = "mesh.term.plain";

/**
 * The page around one MUD session: the top bar, the terminal, the plain-text toggle and the
 * test hook. Lines the session prints are rendered (made inert, coloured unless plain) and
 * shown above the prompt; lines the user enters go to the session.
 */
export class TerminalPage {
  private readonly layout: Layout;
  private readonly screen: TermScreen;
  private mud: MudSession | undefined;
  private plain: boolean;

  constructor(
    container: HTMLElement,
    private readonly session: ClientSession,
    private readonly hook: MeshTermHook,
  ) {
    this.layout = createLayout(session.me.name);
    container.replaceChildren(this.layout.root);
    this.screen = new TermScreen(this.layout.screen, {
      onLine: (line) => void this.mud?.handle(line),
      complete: (before) => this.mud?.complete(before) ?? [[], ""],
    });
    this.plain = localStorage.getItem(PLAIN_KEY) === "1";
    this.applyPlain();
    this.layout.plainToggle.addEventListener("click", () => {
      this.plain = !this.plain;
      localStorage.setItem(PLAIN_KEY, this.plain ? "1" : "0");
      this.applyPlain();
      this.screen.focus();
    });
    hook.lines = () => this.screen.lines();
    hook.type = (text) => this.screen.type(text);
    this.screen.focus();
  }

  run(mud: MudSession): void {
    this.mud = mud;
  }

  print(line: Line): void {
    this.screen.print(renderLine(line, { color: !this.plain }));
  }

  promptChanged(prompt: string): void {
    this.screen.setPrompt(prompt);
    // The prompt is "<room id>> "; the top bar names the room the way the other clients do.
    const roomId = prompt.replace(/>\s*$/, "");
    this.hook.roomId = roomId;
    this.layout.showRoom(roomId, "");
    this.session.client.rest.room(roomId).then(
      (info) => {
        if (this.hook.roomId === roomId) this.layout.showRoom(info.name, info.topic);
      },
      () => undefined,
    );
  }

  started(): void {
    if (this.hook.ended) return;
    this.hook.ready = true;
  }

  ended(reason: string): void {
    this.hook.ended = reason;
    this.hook.ready = false;
    this.screen.close();
    this.layout.showEnded(reason);
  }

  private applyPlain(): void {
    this.layout.plainToggle.setAttribute("aria-pressed", String(this.plain));
    this.screen.setScreenReaderMode(this.plain);
  }
}
