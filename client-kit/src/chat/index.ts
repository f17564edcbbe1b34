import type { MeshRoom } from "@mesh/bots";
import type { MessageData } from "@mesh/schema";
import { h } from "../dom.ts";
import { roomErrorText } from "../errors.ts";
import type { ClientSession, RoomInfo } from "../shell.ts";
import { alertLine } from "./alerts.ts";
import { AttachmentLoader } from "./attachments.ts";
import { Composer } from "./composer.ts";
import type { ChatContext } from "./context.ts";
import { MessageList } from "./message-list.ts";
import { ReadMarker } from "./read-marker.ts";
import { emojiPicker } from "./reactions.ts";
import { searchBox } from "./search.ts";
import { TypingSender, typingIndicator } from "./typing.ts";
import "./chat.css";

/** The chat panel every client shows beside its view of the room. */
export interface ChatPanel {
  /** The panel's root element, to place in the page. */
  readonly element: HTMLElement;
  /** Show another room's conversation (after walking through an exit). */
  setRoom(room: MeshRoom, info: RoomInfo): void;
  /** Put the keyboard focus in the composer. */
  focusComposer(): void;
  destroy(): void;
}

/**
 * The conversation of the room you are in: the log (history on demand), a composer for room
 * messages, thread replies and DMs, reactions, edits, files, search, who is typing, and every
 * refusal in words. One room at a time; `setRoom` moves it along when you walk through an exit.
 */
export function createChatPanel(session: ClientSession, room: MeshRoom, info: RoomInfo): ChatPanel {
  const authors = new Map<string, string>();
  const ctx: ChatContext = {
    me: session.me,
    rest: session.client.rest,
    room,
    roomId: info.id,
    roomName: info.name,
    can: (permission) => session.permissions.has(permission),
    nameOf: (id) => (id === session.me.id ? session.me.name : (ctx.room.participant(id)?.name ?? authors.get(id) ?? "someone")),
  };
  const alert = alertLine();
  const loader = new AttachmentLoader(() => ctx.rest);
  const typingSender = new TypingSender(() => ctx.room);
  const typing = typingIndicator();
  const reads = new ReadMarker(() => ctx.rest, info.id);
  const picker = emojiPicker();
  let pickerFor: MessageData | undefined;

  const list = new MessageList({ ctx, loader, onError: alert.show, onAction: act });
  const composer = new Composer({ ctx, typing: typingSender, onError: alert.show, onSent: () => {} });
  const search = searchBox({ ctx, reveal: (id) => list.reveal(id) });
  const title = h("h2", { class: "chat-title", dir: "auto" });
  const element = h(
    "section",
    { class: "mesh-chat", "aria-label": `Chat in ${info.name}` },
    h("header", { class: "chat-head" }, title, search.toggle),
    search.element,
    alert.element,
    list.element,
    typing.element,
    composer.element,
  );

  function act(action: string, message: MessageData, button: HTMLElement): void {
    switch (action) {
      case "reply":
        composer.replyTo(message);
        return;
      case "edit":
        composer.edit(message);
        return;
      case "delete":
        // Two steps, without a dialog: the button asks once, the second press deletes.
        if (button.dataset.armed) {
          ctx.room.delete(message.id);
          return;
        }
        button.dataset.armed = "1";
        button.textContent = "Delete? Press again";
        setTimeout(() => {
          delete button.dataset.armed;
          button.textContent = "Delete";
        }, 4000);
        return;
      case "react":
        openPicker(message, button);
        return;
      case "toggle-reaction": {
        const emoji = button.dataset.emoji ?? "";
        const mine = message.reactions[emoji]?.includes(ctx.me.id);
        if (mine) ctx.room.unreact(message.id, emoji);
        else ctx.room.react(message.id, emoji);
        return;
      }
      case "jump":
        if (!list.reveal(button.dataset.target ?? "")) alert.show("That message is further back: load earlier messages to see it.");
        return;
    }
  }

  function openPicker(message: MessageData, button: HTMLElement): void {
    if (pickerFor?.id === message.id && !picker.hidden) {
      closePicker(true);
      return;
    }
    pickerFor = message;
    button.closest("article")?.append(picker);
    picker.hidden = false;
    picker.querySelector<HTMLElement>("button")?.focus();
  }
  function closePicker(refocus: boolean): void {
    const article = picker.closest("article");
    picker.hidden = true;
    picker.remove();
    if (refocus) article?.querySelector<HTMLElement>('[data-action="react"]')?.focus();
    pickerFor = undefined;
  }
  picker.addEventListener("click", (event) => {
    const emoji = (event.target as Element).closest<HTMLElement>("[data-pick]")?.dataset.pick;
    if (!emoji || !pickerFor) return;
    const mine = pickerFor.reactions[emoji]?.includes(ctx.me.id);
    if (mine) ctx.room.unreact(pickerFor.id, emoji);
    else ctx.room.react(pickerFor.id, emoji);
    closePicker(true);
  });
  picker.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      event.stopPropagation();
      closePicker(true);
    }
  });

  let unbind: () => void = () => {};
  function bind(next: MeshRoom, nextInfo: RoomInfo): void {
    unbind();
    closePicker(false);
    loader.releaseAll();
    typingSender.reset();
    alert.clear();
    search.close();
    ctx.room = next;
    ctx.roomId = nextInfo.id;
    ctx.roomName = nextInfo.name;
    title.textContent = nextInfo.name;
    element.setAttribute("aria-label", `Chat in ${nextInfo.name}`);
    const seed = [...next.messages(), ...next.directMessages()];
    for (const m of seed) authors.set(m.authorId, m.authorName);
    list.reset(seed, `Messages in ${nextInfo.name}`);
    reads.reset(next, nextInfo.id);
    composer.reset();
    const offs = [
      next.onMessage((m) => {
        authors.set(m.authorId, m.authorName);
        list.add(m);
        reads.shown(m.seq, m.to);
      }),
      next.onUpdate((m) => {
        list.update(m);
        if (pickerFor?.id === m.id) pickerFor = m;
      }),
      next.onError((e) => alert.show(roomErrorText(e))),
      next.onPresence(() => composer.setParticipants(next.participants())),
      typing.follow(next, ctx.me.id),
    ];
    unbind = () => {
      for (const off of offs) off();
    };
  }
  list.onBackToLatest(() => list.reset([...ctx.room.messages(), ...ctx.room.directMessages()], `Messages in ${ctx.roomName}`));
  bind(room, info);

  return {
    element,
    setRoom: bind,
    focusComposer: () => composer.focus(),
    destroy() {
      unbind();
      reads.stop();
      typingSender.stop();
      loader.releaseAll();
      element.remove();
    },
  };
}
