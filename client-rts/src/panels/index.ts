import type { MeshRoom } from "@mesh/bots";
import { type ClientSession, createChatPanel, h, type RoomInfo } from "@mesh/client-kit";
import type { Commander } from "../state/commander.ts";
import type { OrderMode } from "../state/order-mode.ts";
import type { Selection } from "../state/selection.ts";
import { createBotList } from "./bot-list.ts";
import { createOrderBar } from "./order-bar.ts";
import { createRoomGraph } from "./room-graph.ts";
import { createSpawnForm } from "./spawn-form.ts";
import "./panels.css";

/** What the commander panels need from the page (built by app.ts). */
export interface PanelContext {
  session: ClientSession;
  room: MeshRoom;
  info: RoomInfo;
  selection: Selection;
  commander: Commander;
  mode: OrderMode;
  /** A participant's name by id (from the room's state), for labels. */
  nameOf(id: string): string | undefined;
  /** Go to another room (the room graph): the page leaves this one and enters that. */
  jump(roomId: string): void;
}

/** The side panels: order bar, your bots, the room graph, the room's chat. */
export interface Panels {
  /** The panels' root, placed by the layout beside the scene. */
  element: HTMLElement;
  /** The page moved to another room. */
  setRoom(room: MeshRoom, info: RoomInfo): void;
  destroy(): void;
}

/**
 * The commander's side of the page, top to bottom: the order bar (what is selected, the orders),
 * your bots (state, start/stop, select), spawning a reference bot, the room graph, and the room's
 * chat. The order bar stays in view; the rest scrolls.
 */
export function createPanels(ctx: PanelContext): Panels {
  const orders = createOrderBar(ctx);
  const bots = createBotList(ctx);
  const spawn = createSpawnForm(ctx, { takenNames: () => bots.names(), spawned: () => bots.refresh() });
  const graph = createRoomGraph(ctx);
  const chat = createChatPanel(ctx.session, ctx.room, ctx.info);
  const element = h(
    "aside",
    { class: "rp-panels", "aria-label": "Commander panels" },
    orders.element,
    h("div", { class: "rp-scroll" }, bots.element, spawn.element, graph.element),
    h("div", { class: "rp-chat" }, chat.element),
  );
  return {
    element,
    setRoom(room, info) {
      orders.setRoom(room);
      bots.setRoom(room);
      spawn.setRoom(room, info.id);
      graph.setRoom(info.id);
      chat.setRoom(room, info);
    },
    destroy() {
      orders.destroy();
      bots.destroy();
      spawn.destroy();
      graph.destroy();
      chat.destroy();
      element.remove();
    },
  };
}
