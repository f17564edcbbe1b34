import type { MeshRoom } from "@mesh/bots";
import { h, roomErrorText } from "@mesh/client-kit";
import type { PendingOrder } from "../state/order-mode.ts";
import type { PanelContext } from "./index.ts";
import { groupsText, ORDERS, type OrderName, orderForKey, selectionText } from "./order-keys.ts";

const MODE_HINTS: Record<PendingOrder, string> = {
  none: "",
  move: "Click the floor where they should go… (Esc cancels)",
  follow: "Click someone to follow… (Esc cancels)",
};

/**
 * The order bar: Move, Follow, Stop, Say, Task for the selected bots (buttons and the hotkeys
 * M F S Y T), what is selected, the control groups in use, and the small prompt for Say and Task.
 */
export function createOrderBar(ctx: PanelContext): { element: HTMLElement; setRoom(room: MeshRoom): void; destroy(): void } {
  const { selection, commander, mode } = ctx;
  const buttons = new Map<OrderName, HTMLButtonElement>();
  const toolbar = h("div", { class: "rp-toolbar", role: "toolbar", "aria-label": "Orders", "aria-describedby": "rp-selection" });
  for (const { order, label, key } of ORDERS) {
    const button = h(
      "button",
      { type: "button", class: "rp-order", "aria-keyshortcuts": key, title: `${label} (${key})`, "data-order": order },
      label,
      " ",
      h("kbd", { "aria-hidden": "true" }, key),
    );
    button.addEventListener("click", () => run(order));
    buttons.set(order, button);
    toolbar.append(button);
  }
  const summary = h("p", { class: "rp-selection", id: "rp-selection" });
  const groups = h("ul", { class: "rp-groups", "aria-label": "Control groups" });
  const feedback = h("p", { class: "rp-feedback", role: "status", "aria-live": "polite" });

  // Say and Task: a one-line prompt under the bar (no window.prompt: a dialog blocks the page).
  const promptInput = h("input", { type: "text", id: "rp-prompt-input", class: "rp-prompt-input", maxlength: 2000, autocomplete: "off" });
  const promptLabel = h("label", { for: "rp-prompt-input", class: "rp-prompt-label" });
  const promptCancel = h("button", { type: "button", class: "rp-quiet" }, "Cancel");
  const promptForm = h(
    "form",
    { class: "rp-prompt", hidden: true },
    promptLabel,
    h("div", { class: "rp-row" }, promptInput, h("button", { type: "submit", class: "primary" }, "Send"), promptCancel),
  );
  let promptOrder: "say" | "task" = "say";

  const element = h(
    "section",
    { class: "rp-section rp-orders", "aria-labelledby": "rp-orders-title" },
    h("h2", { id: "rp-orders-title" }, "Orders"),
    toolbar,
    promptForm,
    feedback,
    summary,
    groups,
  );

  const say = (text: string) => {
    feedback.textContent = text;
  };
  const names = () => selection.list().map((id) => ctx.nameOf(id) ?? "a bot that left");
  const count = (n: number) => `${n} ${n === 1 ? "bot" : "bots"}`;

  function run(order: OrderName): void {
    const ids = selection.list();
    if (ids.length === 0) {
      say("Select your bots first.");
      return;
    }
    switch (order) {
      case "move":
      case "follow":
        mode.set(mode.value === order ? "none" : order);
        return;
      case "stop":
        mode.set("none");
        commander.stop(ids);
        say(`Stop sent to ${count(ids.length)}.`);
        return;
      case "say":
      case "task":
        openPrompt(order);
        return;
    }
  }

  function openPrompt(order: "say" | "task"): void {
    mode.set("none");
    promptOrder = order;
    promptLabel.textContent = order === "say" ? "What should they say?" : "What is their task?";
    promptForm.setAttribute("aria-label", order === "say" ? "Say" : "Task");
    promptForm.hidden = false;
    promptInput.focus();
    promptInput.select();
  }

  function closePrompt(): void {
    if (promptForm.hidden) return;
    const hadFocus = promptForm.contains(document.activeElement);
    promptForm.hidden = true;
    if (hadFocus) buttons.get(promptOrder)?.focus();
  }

  promptForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const ids = selection.list();
    const text = promptInput.value.trim();
    if (ids.length === 0) return say("Select your bots first.");
    if (!text) return say(promptOrder === "say" ? "Type what they should say first." : "Type the task first.");
    const sent = promptOrder === "say" ? commander.say(ids, text) : commander.task(ids, text);
    if (!sent) return say("Nothing was sent.");
    say(`${promptOrder === "say" ? "Say" : "Task"} sent to ${count(ids.length)}.`);
    promptInput.value = "";
    closePrompt();
  });
  promptCancel.addEventListener("click", closePrompt);
  promptForm.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    event.preventDefault();
    event.stopPropagation();
    closePrompt();
  });

  // Arrow keys move along the toolbar (the ARIA toolbar pattern); Tab leaves it.
  toolbar.addEventListener("keydown", (event) => {
    if (event.key !== "ArrowLeft" && event.key !== "ArrowRight" && event.key !== "Home" && event.key !== "End") return;
    const list = [...buttons.values()];
    const at = list.indexOf(document.activeElement as HTMLButtonElement);
    if (at < 0) return;
    event.preventDefault();
    const next = event.key === "Home" ? 0 : event.key === "End" ? list.length - 1 : (at + (event.key === "ArrowRight" ? 1 : -1) + list.length) % list.length;
    list[next].focus();
  });

  const onKey = (event: KeyboardEvent) => {
    if (event.defaultPrevented || event.repeat) return;
    if (event.key === "Escape" && mode.value !== "none") {
      mode.set("none");
      return;
    }
    const order = orderForKey({ key: event.key, ctrlKey: event.ctrlKey, metaKey: event.metaKey, altKey: event.altKey, target: event.target as HTMLElement | null });
    if (!order) return;
    event.preventDefault();
    run(order);
  };
  document.addEventListener("keydown", onKey);

  function showSelection(): void {
    const selected = names();
    summary.textContent = selectionText(selected);
    const none = selected.length === 0;
    for (const { order, label, key } of ORDERS) {
      const button = buttons.get(order) as HTMLButtonElement;
      button.disabled = none;
      button.title = none ? `${label} (${key}) — select your bots first` : `${label} (${key})`;
    }
    if (none) {
      mode.set("none");
      closePrompt();
    }
    groups.replaceChildren(...groupsText((n) => selection.group(n).length).map((line) => h("li", {}, line)));
    groups.hidden = groups.childElementCount === 0;
  }

  function showMode(value: PendingOrder): void {
    buttons.get("move")?.setAttribute("aria-pressed", String(value === "move"));
    buttons.get("follow")?.setAttribute("aria-pressed", String(value === "follow"));
    if (value !== "none") say(MODE_HINTS[value]);
    else if (feedback.textContent === MODE_HINTS.move || feedback.textContent === MODE_HINTS.follow) say("");
  }

  // Refusals of our commands (not yours, not here, not allowed) come back as errors with ref command:…
  let offErrors = () => {};
  const watchErrors = (room: MeshRoom) => {
    offErrors();
    offErrors = room.onError((error) => {
      if (error.ref.startsWith("command")) say(roomErrorText(error));
    });
  };

  const offSelection = selection.onChange(showSelection);
  const offMode = mode.onChange(showMode);
  watchErrors(ctx.room);
  showSelection();
  showMode(mode.value);

  return {
    element,
    setRoom(room) {
      watchErrors(room);
      closePrompt();
      showSelection();
    },
    destroy() {
      document.removeEventListener("keydown", onKey);
      offSelection();
      offMode();
      offErrors();
    },
  };
}
