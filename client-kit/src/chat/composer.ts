import { counterpartOf, type ParticipantView, threadOf } from "@mesh/bots";
import { type AttachmentData, MAX_TEXT_LENGTH, type MessageData } from "@mesh/schema";
import { h } from "../dom.ts";
import { restErrorText, sendErrorText } from "../errors.ts";
import type { ChatContext } from "./context.ts";
import { sizeLabel, snippet } from "./format.ts";
import type { TypingSender } from "./typing.ts";

/** The counter shows from here on, so it is there before the limit, not only past it. */
const COUNT_FROM = MAX_TEXT_LENGTH - 1000;
/** A send with no outcome this long is given up (the SDK resends after a reconnect until then). */
const SEND_WAIT_MS = 60_000;

type Mode = { kind: "new" } | { kind: "reply"; to: MessageData } | { kind: "edit"; message: MessageData };

export interface ComposerDeps {
  ctx: ChatContext;
  typing: TypingSender;
  onError(text: string): void;
  /** A send went out (the log scrolls to it when it comes back). */
  onSent(): void;
}

/**
 * Writing: Enter sends, Shift+Enter is a new line, Escape leaves reply or edit mode. A message goes
 * to the room, into a thread (reply), or to one person (the "To" choice, or `/dm name text`).
 * The box empties at once; a send that fails puts its text back, so nothing typed is lost.
 */
export class Composer {
  readonly element: HTMLElement;
  private readonly box: HTMLTextAreaElement;
  private readonly to: HTMLSelectElement;
  private readonly counter: HTMLElement;
  private readonly send: HTMLButtonElement;
  private readonly attach: HTMLButtonElement;
  private readonly fileInput: HTMLInputElement;
  private readonly files: HTMLElement;
  private readonly modeBar: HTMLElement;
  private readonly modeText: HTMLElement;
  private readonly readOnly: HTMLElement;
  private mode: Mode = { kind: "new" };
  private pending: AttachmentData[] = [];
  private uploads = 0;

  constructor(private readonly deps: ComposerDeps) {
    this.box = h("textarea", { id: "chat-input", class: "chat-input", rows: 2, placeholder: "Message — Enter to send, Shift+Enter for a new line", "aria-describedby": "chat-count" });
    this.to = h("select", { id: "chat-to", class: "chat-to" });
    this.counter = h("span", { id: "chat-count", class: "chat-count", "aria-live": "polite" });
    this.send = h("button", { type: "submit", class: "primary chat-send" }, "Send");
    this.attach = h("button", { type: "button", class: "chat-attach", title: "Attach files" }, "Attach");
    this.fileInput = h("input", { type: "file", multiple: true, class: "visually-hidden", tabindex: "-1", "aria-hidden": "true" });
    this.files = h("ul", { class: "chat-pending", "aria-label": "Files to send" });
    this.modeText = h("span", { class: "mode-text", dir: "auto" });
    const cancel = h("button", { type: "button", class: "mode-cancel", "aria-label": "Cancel reply or edit" }, "Cancel");
    this.modeBar = h("div", { class: "chat-mode", hidden: true }, this.modeText, cancel);
    this.readOnly = h("p", { class: "chat-readonly", hidden: true });
    const form = h(
      "form",
      { class: "chat-composer", "aria-label": "Write a message" },
      this.modeBar,
      this.files,
      h("label", { for: "chat-input", class: "visually-hidden" }, "Message"),
      this.box,
      h("div", { class: "chat-row" }, h("label", { for: "chat-to", class: "chat-to-label" }, "To"), this.to, this.attach, this.fileInput, this.counter, this.send),
    );
    this.element = h("div", { class: "chat-compose" }, this.readOnly, form);

    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.submit();
    });
    this.box.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.submit();
      } else if (event.key === "Escape" && this.mode.kind !== "new") {
        event.preventDefault();
        event.stopPropagation();
        this.cancel();
      }
    });
    this.box.addEventListener("input", () => {
      this.count();
      if (this.mode.kind !== "edit") this.deps.typing.keyPressed(this.box.value.trim().length > 0);
    });
    this.box.addEventListener("blur", () => this.deps.typing.stop());
    cancel.addEventListener("click", () => {
      this.cancel();
      this.box.focus();
    });
    this.attach.addEventListener("click", () => this.fileInput.click());
    this.fileInput.addEventListener("change", () => {
      for (const file of Array.from(this.fileInput.files ?? [])) void this.upload(file);
      this.fileInput.value = "";
    });
    this.reset();
  }

  focus(): void {
    this.box.focus();
  }

  /** The room changed (or the panel started): who may be written to, what this role may do. */
  reset(): void {
    const { ctx } = this.deps;
    this.cancel();
    this.pending = [];
    this.renderFiles();
    this.box.value = "";
    this.count();
    this.box.placeholder = `Message ${ctx.roomName} — Enter to send, Shift+Enter for a new line`;
    const canSend = ctx.can("send_messages");
    this.box.disabled = !canSend;
    this.send.disabled = !canSend;
    this.readOnly.hidden = canSend;
    this.readOnly.textContent = canSend ? "" : `Your role (${ctx.me.role}) may read this room but not write in it.`;
    this.attach.hidden = !ctx.can("upload_files");
    this.to.disabled = !ctx.can("send_dms");
    this.setParticipants(ctx.room.participants());
  }

  /** Everyone else in the room, for the "To" choice; the current choice stays while they are here. */
  setParticipants(participants: ParticipantView[]): void {
    const chosen = this.to.value;
    const others = participants.filter((p) => p.id !== this.deps.ctx.me.id).sort((a, b) => a.name.localeCompare(b.name));
    this.to.replaceChildren(
      h("option", { value: "" }, "Everyone"),
      ...others.map((p) => h("option", { value: p.id }, `${p.name}${p.kind === "bot" ? " (bot)" : ""} — direct`)),
    );
    this.to.value = others.some((p) => p.id === chosen) ? chosen : "";
  }

  replyTo(message: MessageData): void {
    this.mode = { kind: "reply", to: message };
    this.showMode(`Replying to ${message.authorName}${message.to ? " (direct)" : ""}: ${snippet(message.text, 60)}`);
    this.box.focus();
  }

  edit(message: MessageData): void {
    this.mode = { kind: "edit", message };
    this.showMode(`Editing ${message.authorId === this.deps.ctx.me.id ? "your message" : `${message.authorName}'s message`} — Escape to cancel`);
    this.box.value = message.text;
    this.count();
    this.box.focus();
  }

  cancel(): void {
    if (this.mode.kind === "edit") this.box.value = "";
    this.mode = { kind: "new" };
    this.modeBar.hidden = true;
    this.element.classList.remove("editing", "replying");
    this.count();
  }

  private showMode(text: string): void {
    this.modeText.textContent = text;
    this.modeBar.hidden = false;
    this.element.classList.toggle("editing", this.mode.kind === "edit");
    this.element.classList.toggle("replying", this.mode.kind === "reply");
  }

  private count(): void {
    const length = [...this.box.value].length;
    const over = length - MAX_TEXT_LENGTH;
    this.counter.textContent = length >= COUNT_FROM ? (over > 0 ? `${over.toLocaleString()} over the limit` : `${length.toLocaleString()} / ${MAX_TEXT_LENGTH.toLocaleString()}`) : "";
    this.counter.classList.toggle("over", over > 0);
    this.send.disabled = this.box.disabled || over > 0;
  }

  private submit(): void {
    const { ctx } = this.deps;
    const raw = this.box.value;
    if ([...raw].length > MAX_TEXT_LENGTH) {
      this.deps.onError(`That message is too long: at most ${MAX_TEXT_LENGTH.toLocaleString()} characters.`);
      return;
    }
    if (this.uploads > 0) {
      this.deps.onError("Wait for the files to finish uploading.");
      return;
    }
    if (this.mode.kind === "edit") {
      if (!raw.trim()) {
        this.deps.onError("A message cannot be empty: use Delete to remove it.");
        return;
      }
      ctx.room.edit(this.mode.message.id, raw);
      this.box.value = "";
      this.cancel();
      return;
    }
    let text = raw;
    let to = this.to.value || undefined;
    const dm = /^\/dm\s+(\S+)\s+([\s\S]*)$/i.exec(raw);
    if (dm) {
      const name = dm[1].replace(/^@/, "").toLowerCase();
      const target = ctx.room.participants().find((p) => p.name.toLowerCase() === name && p.id !== ctx.me.id);
      if (!target) {
        this.deps.onError(`No one called ${dm[1]} is in this room to message directly.`);
        return;
      }
      to = target.id;
      text = dm[2];
    } else if (/^\/dm\b/i.test(raw)) {
      this.deps.onError("Write /dm, a name, then the message: /dm ana see you at six.");
      return;
    }
    const files = this.pending;
    if (!text.trim() && files.length === 0) return;
    if (!text.trim()) text = files.map((f) => f.name).join(", ");
    const attachments = files.length ? { attachments: files.map((f) => f.id) } : {};
    const mode = this.mode;
    let sent: Promise<MessageData>;
    if (mode.kind === "reply" && mode.to.to !== "") {
      sent = ctx.room.sendDirectAndWait(counterpartOf(mode.to, ctx.me.id), text, attachments, SEND_WAIT_MS);
    } else if (mode.kind === "reply") {
      sent = ctx.room.sendAndWait(text, { threadId: threadOf(mode.to), ...attachments }, SEND_WAIT_MS);
    } else if (to) {
      sent = ctx.room.sendDirectAndWait(to, text, attachments, SEND_WAIT_MS);
    } else {
      sent = ctx.room.sendAndWait(text, attachments, SEND_WAIT_MS);
    }
    this.deps.typing.stop();
    this.box.value = "";
    this.pending = [];
    this.renderFiles();
    this.cancel();
    this.deps.onSent();
    const room = ctx.room;
    sent.catch((error: unknown) => {
      if (ctx.room !== room) return;
      // Refusals from the server also reach onError (the panel shows those); say only what it will not.
      const code = (error as { code?: string }).code;
      if (code === "closed" || code === "timeout") this.deps.onError(sendErrorText(error));
      this.restore(raw, files, mode);
    });
  }

  /** A failed send: its text (and files and reply) back in the box, unless something new was typed. */
  private restore(text: string, files: AttachmentData[], mode: Mode): void {
    if (this.box.value.trim()) {
      this.box.value = `${text}\n${this.box.value}`;
    } else {
      this.box.value = text;
      if (mode.kind === "reply") this.replyTo(mode.to);
    }
    this.pending = [...files, ...this.pending];
    this.renderFiles();
    this.count();
  }

  private async upload(file: File): Promise<void> {
    const { ctx } = this.deps;
    this.uploads++;
    const item = h("li", { class: "uploading" }, h("span", { dir: "auto" }, file.name), ` uploading ${sizeLabel(file.size)}…`);
    this.files.append(item);
    try {
      const uploaded = await ctx.rest.upload(ctx.roomId, file.name, file);
      this.pending.push(uploaded);
    } catch (error) {
      this.deps.onError(`Could not upload ${file.name}: ${restErrorText(error)}`);
    } finally {
      this.uploads--;
      item.remove();
      this.renderFiles();
    }
  }

  private renderFiles(): void {
    const uploading = Array.from(this.files.querySelectorAll("li.uploading"));
    this.files.replaceChildren(
      ...this.pending.map((file) => {
        const remove = h("button", { type: "button", class: "file-remove", "aria-label": `Remove ${file.name}` }, "×");
        remove.addEventListener("click", () => {
          this.pending = this.pending.filter((f) => f.id !== file.id);
          this.renderFiles();
          this.box.focus();
        });
        return h("li", {}, h("span", { class: "file-name", dir: "auto" }, file.name), h("span", { class: "file-size" }, sizeLabel(file.size)), remove);
      }),
      ...uploading,
    );
  }
}
