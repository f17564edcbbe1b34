import { mentionSpans } from "@mesh/schema";
import { h, isSafeUrl } from "../dom.ts";

/** http(s) addresses only; anything else (javascript:, data:) stays plain text. */
const URL_PATTERN = /\bhttps?:\/\/[^\s<>"'`]+[^\s<>"'`.,;:!?)\]}]/gi;

/**
 * A message's text as DOM: text nodes, links for http(s) URLs, and `@you` marked. Never HTML:
 * every piece goes in through a text node, so `<img onerror>` is just characters on the screen.
 * The wrapper has `dir="auto"` and isolates its direction (CSS), so a right-to-left override in
 * the text cannot reorder the names and buttons around it.
 */
export function messageText(text: string, myName: string): HTMLElement {
  const element = h("div", { class: "msg-text", dir: "auto" });
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const url = match[0];
    const at = match.index ?? 0;
    appendMentions(element, text.slice(last, at), myName);
    element.append(isLinkable(url) ? h("a", { href: url, rel: "noopener noreferrer", target: "_blank" }, url) : url);
    last = at + url.length;
  }
  appendMentions(element, text.slice(last), myName);
  return element;
}

/**
 * A URL worth a link: http(s), and no user name or password before the host. Those exist mostly
 * to deceive ("https://bank.example@evil.example/" goes to evil.example), so they stay text.
 */
function isLinkable(url: string): boolean {
  if (!isSafeUrl(url)) return false;
  try {
    const parsed = new URL(url);
    return parsed.username === "" && parsed.password === "";
  } catch {
    return false;
  }
}

function appendMentions(into: HTMLElement, text: string, myName: string): void {
  if (!text) return;
  const me = myName.toLowerCase();
  let last = 0;
  // The server's own rule for what is a mention (mention counts, the SDK's mentionsMe): the highlight agrees with it.
  for (const { start, end, name } of mentionSpans(text)) {
    into.append(text.slice(last, start));
    into.append(h("span", { class: name.toLowerCase() === me ? "mention me" : "mention" }, `@${name}`));
    last = end;
  }
  into.append(text.slice(last));
}
