import type { ExitDirection, MessageData, OrderData, OrderPayload } from "@mesh/schema";

/** The room the terminal user stands in, as the interpreter sees it. */
export interface RoomView {
  id: string;
  name: string;
  topic: string;
  width: number;
  depth: number;
  /** direction → the room behind it */
  exits: Partial<Record<ExitDirection, string>>;
  /** room id → its name, for the rooms behind exits (when known) */
  names: Readonly<Record<string, string>>;
}

/** Someone in the room. `moving` and `course` come from watching positions over time. */
export interface PersonView {
  id: string;
  name: string;
  kind: string;
  x: number;
  z: number;
  /** Radians, atan2(dx, dz): 0 faces north (+z), π/2 east (+x). */
  heading: number;
  moving: boolean;
  status: string;
  typing: boolean;
  /** The bot's owner ("" for people). */
  ownerId: string;
  order?: OrderData;
}

/** Everything a command may read: a snapshot, never a live object. */
export interface WorldView {
  selfId: string;
  selfName: string;
  room: RoomView | undefined;
  people: readonly PersonView[];
  /** Messages numbered for `reply <n>` and `react <n>`. */
  numbered: (n: number) => MessageData | undefined;
  /** Whether the user may command this bot (their own, or one they manage). */
  mayCommand: (bot: PersonView) => boolean;
}

/** What a command asks of the session; the session does it through the SDK and prints the result. */
export type Action =
  | { kind: "look" }
  | { kind: "say"; text: string }
  | { kind: "tell"; to: PersonView; text: string }
  | { kind: "reply"; message: MessageData; text: string }
  | { kind: "react"; message: MessageData; emoji: string }
  | { kind: "go"; direction: ExitDirection; roomId: string }
  | { kind: "join"; roomId: string }
  | { kind: "walk"; x: number; z: number; toward?: string }
  | { kind: "who" }
  | { kind: "rooms" }
  | { kind: "history"; count: number }
  | { kind: "order"; agents: PersonView[]; order: OrderPayload }
  | { kind: "quit" };
