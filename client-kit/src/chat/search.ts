import type { SearchResult } from "@mesh/bots";
import type { MessageData } from "@mesh/schema";
import { h } from "../dom.ts";
import { restErrorText } from "../errors.ts";
import type { ChatContext } from "./context.ts";
import { snippet, timeLabel } from "./format.ts";

/** Messages either side of a found one, shown when it is not in the log. */
const CONTEXT = 3;

export interface SearchDeps {
  ctx: ChatContext;
  /** Scroll the log to a message; false when it is not in the log. */
  reveal(id: string): boolean;
}

/**
 * Search this room (and your DMs in it) through GET /api/search. A result in the log scrolls to it;
 * one further back shows with the messages around it, fetched from history.
 */
export function searchBox({ ctx, reveal }: SearchDeps): { element: HTMLElement; toggle: HTMLButtonElement; close(): void } {
  const input = h("input", { type: "search", id: "chat-search", class: "search-input", placeholder: "Search messages (3+ letters)", autocomplete: "off" });
  const status = h("p", { class: "search-status", role: "status" });
  const results = h("ul", { class: "search-results", "aria-label": "Search results" });
  const close = h("button", { type: "button", class: "search-close", "aria-label": "Close search" }, "×");
  const form = h(
    "form",
    { class: "chat-search", role: "search" },
    h("label", { for: "chat-search", class: "visually-hidden" }, "Search messages"),
    input,
    h("button", { type: "submit" }, "Search"),
    close,
  );
  const element = h("div", { class: "search-panel", hidden: true }, form, status, results);
  const toggle = h("button", { type: "button", class: "chat-search-toggle", "aria-expanded": "false", "aria-label": "Search messages" }, "Search");
  let asked = 0;

  const hide = () => {
    element.hidden = true;
    toggle.setAttribute("aria-expanded", "false");
    results.replaceChildren();
    status.textContent = "";
  };
  toggle.addEventListener("click", () => {
    if (!element.hidden) return hide();
    element.hidden = false;
    toggle.setAttribute("aria-expanded", "true");
    input.focus();
  });
  close.addEventListener("click", () => {
    hide();
    toggle.focus();
  });
  element.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    event.stopPropagation();
    hide();
    toggle.focus();
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const q = input.value.trim();
    if (q.length < 3) {
      status.textContent = "Type at least 3 letters.";
      return;
    }
    const ask = ++asked;
    status.textContent = "Searching…";
    try {
      const found = await ctx.rest.search(q, { room: ctx.roomId, limit: 30 });
      if (ask !== asked) return;
      status.textContent = found.length === 0 ? `Nothing found for “${q}”.` : `${found.length} ${found.length === 1 ? "message" : "messages"} found.`;
      results.replaceChildren(...found.map(resultItem));
    } catch (error) {
      if (ask === asked) status.textContent = restErrorText(error);
    }
  });

  function resultItem({ message }: SearchResult): HTMLElement {
    const open = h(
      "button",
      { type: "button", class: "result" },
      h("span", { class: "result-head" }, h("span", { class: "msg-author", dir: "auto" }, message.authorName), message.to ? " · direct" : "", ` · ${timeLabel(message.ts).short}`),
      h("span", { class: "result-text", dir: "auto" }, snippet(message.text, 140)),
    );
    const item = h("li", { "data-result": message.id }, open);
    open.addEventListener("click", async () => {
      if (reveal(message.id)) return;
      item.querySelector(".result-context")?.remove();
      if (message.to !== "") return void item.append(contextList([message], message.id));
      try {
        const page = await ctx.rest.historyPage(ctx.roomId, { before: message.seq + CONTEXT + 1, limit: CONTEXT * 2 + 1 });
        item.append(contextList(page.messages, message.id));
      } catch (error) {
        item.append(h("p", { class: "result-context" }, restErrorText(error)));
      }
    });
    return item;
  }
  return { element, toggle, close: hide };
}

function contextList(messages: MessageData[], found: string): HTMLElement {
  return h(
    "ol",
    { class: "result-context", "aria-label": "Around this message" },
    ...messages.map((m) =>
      h(
        "li",
        { class: m.id === found ? "found" : "" },
        h("span", { class: "msg-author", dir: "auto" }, m.authorName),
        " ",
        h("span", { class: "context-text", dir: "auto" }, m.deleted ? "message deleted" : snippet(m.text, 200)),
      ),
    ),
  );
}
