import type { MeshRoom } from "@mesh/bots";
import type { ClientSession, RoomInfo } from "@mesh/client-kit";
import type { Commander } from "../state/commander.ts";
import type { OrderMode } from "../state/order-mode.ts";
import type { Selection } from "../state/selection.ts";

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

/** Placeholder until the panels land: an empty aside. */
export function createPanels(_ctx: PanelContext): Panels {
  const element = document.createElement("aside");
  element.setAttribute("aria-label", "Commander panels");
  return { element, setRoom: () => {}, destroy: () => element.remove() };
}
