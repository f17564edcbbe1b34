import type { MessageData } from "@mesh/schema";
import { h } from "../dom.ts";
import { restErrorText } from "../errors.ts";
import type { AttachmentLoader } from "./attachments.ts";
import type { ChatContext } from "./context.ts";
import { messageView } from "./message-view.ts";

/** At most this many messages in the DOM: a long-lived panel stays light. */
export const MAX_SHOWN = 500;
/** How many earlier messages one "Load earlier" fetches. */
const PAGE = 100;
/** Within this many pixels of the bottom counts as "at the bottom" (new messages keep it there). */
const STICK_PX = 48;

export interface MessageListDeps {
  ctx: ChatContext;
  loader: AttachmentLoader;
  onAction(action: string, message: MessageData, button: HTMLElement): void;
  onError(text: string): void;
}

interface Shown {
  data: MessageData;
  element: HTMLElement;
}

/**
 * The conversation: a `role="log"` that grows at the bottom as messages arrive, pages back through
 * history at the top, and re-renders one message when it changes. Order: room messages by seq, DMs
 * where they arrived (by time). Past MAX_SHOWN the far end is dropped from the DOM.
 */
export class MessageList {
  readonly element: HTMLElement;
  readonly log: HTMLElement;
  private readonly shown = new Map<string, Shown>();
  private readonly earlier: HTMLButtonElement;
  private readonly latest: HTMLButtonElement;
  /** The lowest room seq shown; history pages go below it. */
  private firstSeq = Number.POSITIVE_INFINITY;
  private moreEarlier = false;
  private loading = false;
  /** Set when paging back dropped the newest from the DOM: live messages wait for "Back to latest". */
  private detached = false;
  private generation = 0;

  constructor(private readonly deps: MessageListDeps) {
    this.earlier = h("button", { type: "button", class: "load-earlier", hidden: true }, "Load earlier messages");
    this.latest = h("button", { type: "button", class: "back-latest", hidden: true }, "Newer messages hidden: back to the latest");
    this.log = h("div", { class: "chat-log", role: "log", "aria-live": "polite", "aria-relevant": "additions", tabindex: "0" });
    this.element = h("div", { class: "chat-scroll" }, this.earlier, this.log, this.latest);
    this.earlier.addEventListener("click", () => void this.loadEarlier());
    this.element.addEventListener("scroll", () => {
      if (this.element.scrollTop < 40 && this.moreEarlier && !this.loading) void this.loadEarlier();
    });
    this.log.addEventListener("click", (event) => this.clicked(event));
  }

  /** Start over with these messages (a room's window): the newest at the bottom, in view. */
  reset(messages: MessageData[], ariaLabel: string): void {
    this.generation++;
    this.log.setAttribute("aria-label", ariaLabel);
    this.log.replaceChildren();
    this.shown.clear();
    this.detached = false;
    this.latest.hidden = true;
    this.firstSeq = Number.POSITIVE_INFINITY;
    const sorted = [...messages].sort(byTimeThenSeq);
    for (const message of sorted.slice(-MAX_SHOWN)) this.insertAtEnd(message);
    this.moreEarlier = Number.isFinite(this.firstSeq) && this.firstSeq > 1;
    this.updateEarlierButton();
    this.scrollToBottom();
  }

  /** The room told us the earliest seq it knows beyond the window: whether earlier ones exist. */
  setMoreEarlier(more: boolean): void {
    this.moreEarlier = more;
    this.updateEarlierButton();
  }

  get size(): number {
    return this.shown.size;
  }

  find(id: string): MessageData | undefined {
    return this.shown.get(id)?.data;
  }

  /** A new message: at the bottom, keeping the view at the bottom if it was there. */
  add(message: MessageData): void {
    if (this.shown.has(message.id)) {
      this.update(message);
      return;
    }
    if (this.detached) return;
    const stick = this.atBottom();
    this.insertAtEnd(message);
    while (this.shown.size > MAX_SHOWN) this.dropFirst();
    if (stick || message.authorId === this.deps.ctx.me.id) this.scrollToBottom();
  }

  /** A changed message (edit, delete, reaction): re-rendered in place, the keyboard focus kept on the same button. */
  update(message: MessageData): void {
    const shown = this.shown.get(message.id);
    if (!shown) return;
    const focused = document.activeElement instanceof HTMLElement && shown.element.contains(document.activeElement) ? document.activeElement.dataset.focus : undefined;
    const element = this.render(message);
    shown.element.replaceWith(element);
    this.shown.set(message.id, { data: message, element });
    if (focused) (element.querySelector<HTMLElement>(`[data-focus="${CSS.escape(focused)}"]`) ?? element.querySelector<HTMLElement>("button"))?.focus();
  }

  /** Scroll a shown message into view and flash it; false when it is not in the DOM. */
  reveal(id: string): boolean {
    const shown = this.shown.get(id);
    if (!shown) return false;
    shown.element.scrollIntoView({ block: "center" });
    shown.element.classList.remove("flash");
    void shown.element.offsetWidth; // restart the animation
    shown.element.classList.add("flash");
    shown.element.tabIndex = -1;
    shown.element.focus({ preventScroll: true });
    return true;
  }

  /** Fetch the page before the earliest shown room message and put it on top, keeping the view still. */
  async loadEarlier(): Promise<void> {
    if (this.loading || !this.moreEarlier) return;
    this.loading = true;
    this.earlier.disabled = true;
    this.earlier.textContent = "Loading…";
    const generation = this.generation;
    const { rest, roomId } = this.deps.ctx;
    try {
      const before = Number.isFinite(this.firstSeq) ? this.firstSeq : undefined;
      const page = await rest.historyPage(roomId, { before, limit: PAGE });
      if (generation !== this.generation) return;
      const older = page.messages.filter((m) => !this.shown.has(m.id));
      const height = this.element.scrollHeight;
      const top = this.element.scrollTop;
      for (const message of older) {
        const element = this.render(message);
        this.log.insertBefore(element, this.placeFor(message));
        this.shown.set(message.id, { data: message, element });
        this.firstSeq = Math.min(this.firstSeq, message.seq);
      }
      // Keep what the reader was looking at where it was.
      this.element.scrollTop = top + (this.element.scrollHeight - height);
      this.moreEarlier = page.hasMore && older.length > 0;
      while (this.shown.size > MAX_SHOWN) this.dropLast();
    } catch (error) {
      this.deps.onError(`Could not load earlier messages: ${restErrorText(error)}`);
    } finally {
      this.loading = false;
      this.earlier.disabled = false;
      this.updateEarlierButton();
    }
  }

  /** "Back to the latest" after paging far back: start again from what the room holds now. */
  onBackToLatest(handler: () => void): void {
    this.latest.addEventListener("click", handler);
  }

  /** The shown message an older one goes before: the first that is later (by seq between room messages, else by time). */
  private placeFor(message: MessageData): Element | null {
    for (let el = this.log.firstElementChild as HTMLElement | null; el; el = el.nextElementSibling as HTMLElement | null) {
      const shown = el.dataset.id ? this.shown.get(el.dataset.id)?.data : undefined;
      if (shown && byTimeThenSeq(message, shown) < 0) return el;
    }
    return null;
  }

  private insertAtEnd(message: MessageData): void {
    const element = this.render(message);
    this.log.append(element);
    this.shown.set(message.id, { data: message, element });
    if (message.to === "") this.firstSeq = Math.min(this.firstSeq, message.seq);
  }

  private render(message: MessageData): HTMLElement {
    return messageView(message, { ctx: this.deps.ctx, loader: this.deps.loader, find: (id) => this.find(id), onError: this.deps.onError });
  }

  private dropFirst(): void {
    const first = this.log.firstElementChild as HTMLElement | null;
    if (!first) return;
    this.forget(first);
    this.moreEarlier = true;
    const next = this.log.querySelector<HTMLElement>("article.msg:not(.dm)");
    this.firstSeq = next ? Number(next.dataset.seq) : Number.POSITIVE_INFINITY;
    this.updateEarlierButton();
  }

  private dropLast(): void {
    const last = this.log.lastElementChild as HTMLElement | null;
    if (!last) return;
    this.forget(last);
    this.detached = true;
    this.latest.hidden = false;
  }

  private forget(element: HTMLElement): void {
    element.remove();
    if (element.dataset.id) this.shown.delete(element.dataset.id);
  }

  private clicked(event: MouseEvent): void {
    const button = (event.target as Element).closest<HTMLElement>("[data-action]");
    const article = button?.closest<HTMLElement>("article.msg");
    const shown = article?.dataset.id ? this.shown.get(article.dataset.id) : undefined;
    if (!button || !shown) return;
    this.deps.onAction(button.dataset.action ?? "", shown.data, button);
  }

  private atBottom(): boolean {
    const el = this.element;
    return el.scrollHeight - el.scrollTop - el.clientHeight < STICK_PX;
  }

  private scrollToBottom(): void {
    this.element.scrollTop = this.element.scrollHeight;
    // A panel filled before the page places it (the clients build it, then append it) has no
    // height yet: scroll once it is in, or a busy room opens on its oldest messages.
    if (!this.element.isConnected) {
      requestAnimationFrame(() => {
        this.element.scrollTop = this.element.scrollHeight;
      });
    }
  }

  private updateEarlierButton(): void {
    this.earlier.hidden = !this.moreEarlier;
    if (!this.loading) this.earlier.textContent = "Load earlier messages";
  }
}

function byTimeThenSeq(a: MessageData, b: MessageData): number {
  if (a.to === "" && b.to === "") return a.seq - b.seq;
  return a.ts - b.ts || a.seq - b.seq;
}
