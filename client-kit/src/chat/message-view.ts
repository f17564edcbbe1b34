import { mentionsOf } from "@mesh/bots";
import { emoteOf, type MessageData } from "@mesh/schema";
import { h } from "../dom.ts";
import { type AttachmentLoader, attachmentList } from "./attachments.ts";
import { type ChatContext, mayChange } from "./context.ts";
import { snippet, timeLabel } from "./format.ts";
import { messageText } from "./message-text.ts";
import { reactionRow } from "./reactions.ts";

export interface MessageViewDeps {
  ctx: ChatContext;
  loader: AttachmentLoader;
  /** A message already shown, for a reply's "replying to" line. */
  find(id: string): MessageData | undefined;
  onError(text: string): void;
}

/**
 * One message as an element: who, when, to whom, its text (always text), files, reactions and the
 * buttons for what you may do with it. Buttons carry `data-action`; the list handles them, so a
 * message is plain DOM with no listeners of its own to leak.
 */
export function messageView(message: MessageData, deps: MessageViewDeps): HTMLElement {
  const { ctx } = deps;
  const mine = message.authorId === ctx.me.id;
  const direct = message.to !== "";
  const mention = !message.deleted && !mine && mentionsOf(message, ctx.me.name);
  const classes = ["msg", mine && "mine", direct && "dm", mention && "mention-me", message.deleted && "deleted"].filter(Boolean).join(" ");
  const time = timeLabel(message.ts);
  const head = h(
    "div",
    { class: "msg-head" },
    h("span", { class: "msg-author", dir: "auto" }, message.authorName),
    direct ? h("span", { class: "msg-dm" }, mine ? "→ " : "to you", mine ? h("bdi", {}, ctx.nameOf(message.to)) : null, " · direct") : null,
    h("time", { datetime: new Date(message.ts).toISOString(), title: time.full }, time.short),
    message.editedTs > 0 && !message.deleted ? h("span", { class: "msg-edited", title: timeLabel(message.editedTs).full }, "edited") : null,
    message.pinned ? h("span", { class: "msg-pinned" }, "pinned") : null,
  );
  const element = h("article", {
    class: classes,
    id: `msg-${message.id}`,
    "data-id": message.id,
    "data-seq": message.seq,
    "aria-label": `${message.authorName}${direct ? " (direct)" : ""}, ${time.short}`,
  });
  element.append(head);
  if (message.threadId) {
    const root = deps.find(message.threadId);
    element.append(
      h(
        "button",
        { type: "button", class: "msg-reply-to", "data-action": "jump", "data-target": message.threadId, "data-focus": "reply-to" },
        "↪ ",
        root ? h("span", { dir: "auto" }, `${root.authorName}: ${root.deleted ? "message deleted" : snippet(root.text, 60)}`) : "in a thread",
      ),
    );
  }
  if (message.deleted) {
    element.append(h("div", { class: "msg-text gone" }, "message deleted"));
    return element;
  }
  const emote = emoteOf(message.text);
  const text = messageText(emote === undefined ? message.text : `* ${message.authorName} ${emote}`, ctx.me.name);
  if (emote !== undefined) text.classList.add("emote");
  element.append(text);
  const files = attachmentList(message.attachments, deps.loader, deps.onError);
  if (files) element.append(files);
  const canReact = ctx.can("add_reactions");
  const reactions = reactionRow(message, ctx.me.id, canReact, ctx.nameOf);
  const actions = h("div", { class: "msg-actions" });
  if (ctx.can("send_messages") && (!direct || ctx.can("send_dms"))) actions.append(action("reply", "Reply", `Reply to ${message.authorName}`));
  if (canReact) actions.append(action("react", "React", "Add a reaction"));
  if (mayChange(ctx, message)) {
    actions.append(action("edit", "Edit", mine ? "Edit your message" : `Edit ${message.authorName}'s message`));
    actions.append(action("delete", "Delete", "Delete this message"));
  }
  const foot = h("div", { class: "msg-foot" }, reactions, actions);
  element.append(foot);
  return element;
}

function action(name: string, label: string, aria: string): HTMLButtonElement {
  return h("button", { type: "button", class: `act act-${name}`, "data-action": name, "data-focus": name, "aria-label": aria }, label);
}
