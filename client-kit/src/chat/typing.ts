import type { MeshRoom } from "@mesh/bots";
import type { Participant } from "@mesh/schema";
import { h } from "../dom.ts";
import { nameList } from "./format.ts";

/** Our own "typing" flag goes out at most this often while keys are pressed… */
const RESEND_MS = 3000;
/** …and is taken back after this long without a key. */
const IDLE_MS = 4000;

/**
 * Who else is typing, from the SDK's per-participant callbacks: the text changes only when
 * someone starts or stops, not on each of the room's 20 patches a second.
 */
export function typingIndicator(): { element: HTMLElement; follow(room: MeshRoom, myId: string): () => void } {
  const element = h("div", { class: "chat-typing", "aria-live": "polite" });
  return {
    element,
    follow(room, myId) {
      const typing = new Map<string, string>();
      const show = () => {
        const names = [...typing.values()].sort();
        element.textContent = names.length === 0 ? "" : `${nameList(names)} ${names.length === 1 ? "is" : "are"} typing…`;
      };
      const seen = (p: Readonly<Participant>) => {
        const was = typing.has(p.id);
        if (p.typing && p.id !== myId) typing.set(p.id, p.name);
        else typing.delete(p.id);
        if (was !== typing.has(p.id)) show();
      };
      show();
      const off = room.watchParticipants({
        added: seen,
        changed: seen,
        removed: (p) => {
          if (typing.delete(p.id)) show();
        },
      });
      return () => {
        off();
        element.textContent = "";
      };
    },
  };
}

/** Sends `typing(true)` while someone composes (throttled) and `typing(false)` when they stop, send or leave the box. */
export class TypingSender {
  private on = false;
  private lastSent = 0;
  private idle: ReturnType<typeof setTimeout> | undefined;

  constructor(private room: () => MeshRoom | undefined) {}

  keyPressed(hasText: boolean): void {
    if (!hasText) {
      this.stop();
      return;
    }
    const now = Date.now();
    const room = this.room();
    // A muted participant's typing is refused: saying nothing spares them a refusal every few seconds.
    if (room?.participant(room.participantId)?.muted) return;
    if (!this.on || now - this.lastSent > RESEND_MS) {
      room?.typing(true);
      this.on = true;
      this.lastSent = now;
    }
    clearTimeout(this.idle);
    this.idle = setTimeout(() => this.stop(), IDLE_MS);
  }

  stop(): void {
    clearTimeout(this.idle);
    if (!this.on) return;
    this.on = false;
    this.room()?.typing(false);
  }

  /** The room changed: the old one forgets us anyway, so nothing is sent. */
  reset(): void {
    clearTimeout(this.idle);
    this.on = false;
  }
}
