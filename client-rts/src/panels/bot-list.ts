import type { MeshRoom } from "@mesh/bots";
import { h, orderRows, restErrorText } from "@mesh/client-kit";
import type { BotInfo } from "@mesh/schema";
import { canStart, statusWords } from "./bot-words.ts";
import type { PanelContext } from "./index.ts";
import { poll } from "./poller.ts";

const REFRESH_MS = 3000;

interface BotRow {
  element: HTMLLIElement;
  bot: BotInfo;
  dot: HTMLSpanElement;
  name: HTMLButtonElement;
  program: HTMLSpanElement;
  status: HTMLSpanElement;
  where: HTMLSpanElement;
  power: HTMLButtonElement;
  pick: HTMLInputElement;
  error: HTMLParagraphElement;
  busy: boolean;
}

export interface BotList {
  element: HTMLElement;
  /** Names of your bots as last listed (to pick a free default name). */
  names(): string[];
  /** Ask the server again now (after a spawn). */
  refresh(): void;
  setRoom(room: MeshRoom): void;
  destroy(): void;
}

/**
 * Your bots, from the bot controller API every few seconds (rows updated in place, so the focus
 * stays): what each runs, its state in words, its rooms, whether it is here, start/stop, and
 * selecting it for orders.
 */
export function createBotList(ctx: PanelContext): BotList {
  const { session, selection } = ctx;
  let room = ctx.room;
  const rows = new Map<string, BotRow>();
  const list = h("ul", { class: "rp-bots" });
  const note = h("p", { class: "rp-note", role: "status" }, "Loading your bots…");
  const element = h(
    "section",
    { class: "rp-section", role: "region", "aria-label": "Your bots" },
    h("h2", { id: "rp-bots-title" }, "Your bots"),
    note,
    list,
  );

  const here = (id: string) => room.participant(id) !== undefined;

  function rowFor(bot: BotInfo): BotRow {
    const existing = rows.get(bot.id);
    if (existing) return existing;
    const row: BotRow = {
      element: h("li", { class: "rp-bot" }),
      bot,
      dot: h("span", { class: "rp-dot", "aria-hidden": "true" }),
      name: h("button", { type: "button", class: "rp-bot-name rp-link", dir: "auto" }),
      program: h("span", { class: "rp-dim" }),
      status: h("span", { class: "rp-status" }),
      where: h("span", { class: "rp-dim rp-where" }),
      power: h("button", { type: "button", class: "rp-power" }),
      pick: h("input", { type: "checkbox", class: "rp-pick" }),
      error: h("p", { class: "rp-error", role: "alert", hidden: true }),
      busy: false,
    };
    row.element.append(
      h("div", { class: "rp-bot-head" }, row.pick, row.dot, row.name, row.program),
      h("div", { class: "rp-bot-line" }, row.status, row.where),
      h("div", { class: "rp-bot-actions" }, row.power),
      row.error,
    );
    // The name selects just this bot (Shift adds it); the box adds or removes it.
    row.name.addEventListener("click", (event) => {
      if (!here(row.bot.id)) return showError(row, `${row.bot.name} is not in this room, so it cannot be selected here.`);
      selection.select([row.bot.id], event.shiftKey);
    });
    row.pick.addEventListener("change", () => {
      if (row.pick.checked) selection.select([row.bot.id], true);
      else if (selection.has(row.bot.id)) selection.toggle(row.bot.id);
      row.pick.checked = selection.has(row.bot.id);
    });
    row.power.addEventListener("click", () => void power(row));
    rows.set(bot.id, row);
    return row;
  }

  function showError(row: BotRow, text: string): void {
    row.error.textContent = text;
    row.error.hidden = text === "";
  }

  function render(row: BotRow): void {
    const { bot } = row;
    const words = statusWords(bot.status.state);
    const isHere = here(bot.id);
    row.dot.dataset.tone = words.tone;
    row.name.textContent = bot.name;
    row.name.setAttribute("aria-label", `Select only ${bot.name}`);
    row.program.textContent = bot.program || bot.mode;
    row.status.textContent = words.text + (bot.status.detail && words.tone === "bad" ? `: ${bot.status.detail}` : "");
    row.where.textContent = `${isHere ? "here now" : "not here"} · ${bot.rooms.length === 1 ? "room" : "rooms"} ${bot.rooms.join(", ")}`;
    row.element.dataset.state = bot.status.state;
    row.element.dataset.botId = bot.id;
    row.element.toggleAttribute("data-selected", selection.has(bot.id));
    row.pick.checked = selection.has(bot.id);
    row.pick.disabled = !isHere;
    row.pick.setAttribute("aria-label", isHere ? `Select ${bot.name}` : `Select ${bot.name} (not in this room)`);
    if (!row.busy) {
      const start = canStart(bot);
      row.power.textContent = start ? "Start" : "Stop";
      row.power.setAttribute("aria-label", `${start ? "Start" : "Stop"} ${bot.name}`);
      row.power.disabled = false;
      row.power.removeAttribute("aria-busy");
    }
  }

  async function power(row: BotRow): Promise<void> {
    if (row.busy) return;
    const start = canStart(row.bot);
    row.busy = true;
    row.power.disabled = true;
    row.power.setAttribute("aria-busy", "true");
    row.power.textContent = start ? "Starting…" : "Stopping…";
    showError(row, "");
    try {
      const rest = session.client.rest;
      const status = start ? await rest.startBot(row.bot.id) : await rest.stopBot(row.bot.id);
      row.bot = { ...row.bot, status, running: start };
    } catch (error) {
      showError(row, `Could not ${start ? "start" : "stop"} ${row.bot.name}. ${restErrorText(error)}`);
    } finally {
      row.busy = false;
      const hadFocus = document.activeElement === row.power;
      render(row);
      if (hadFocus) row.power.focus();
    }
    poller.now();
  }

  let loaded = false;
  async function refresh(): Promise<void> {
    let bots: BotInfo[];
    try {
      bots = await session.client.rest.bots();
    } catch (error) {
      note.textContent = `Your bots could not be listed. ${restErrorText(error)}`;
      note.hidden = false;
      return;
    }
    loaded = true;
    bots.sort((a, b) => a.name.localeCompare(b.name));
    for (const bot of bots) {
      const row = rowFor(bot);
      row.bot = bot;
      render(row);
    }
    orderRows(list, rows, bots.map((b) => b.id));
    const empty = session.permissions.has("spawn_bots") ? "You have no bots yet: spawn one below." : "You have no bots.";
    note.textContent = bots.length === 0 ? empty : "";
    note.hidden = bots.length > 0;
  }

  const renderAll = () => {
    for (const row of rows.values()) render(row);
  };
  const offSelection = selection.onChange(renderAll);
  let unwatch = room.watchParticipants({ added: renderAll, removed: renderAll });
  const poller = poll(refresh, REFRESH_MS);

  return {
    element,
    names: () => (loaded ? [...rows.values()].map((row) => row.bot.name) : []),
    refresh: () => poller.now(),
    setRoom(next) {
      unwatch();
      room = next;
      unwatch = room.watchParticipants({ added: renderAll, removed: renderAll });
      renderAll();
    },
    destroy() {
      poller.stop();
      offSelection();
      unwatch();
    },
  };
}
