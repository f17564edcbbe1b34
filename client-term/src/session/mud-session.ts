import { connect, type MeshClient, MeshJoinError, MeshRestError, type MeshRoom, MeshSendError, type ParticipantView } from "@mesh/bots";
import { CloseCode, type ErrorPayload, type MessageData, oppositeExit, type OrderData, type RoomData } from "@mesh/schema";
import { messageLines, nameSpan } from "../mud/describe.ts";
import { complete, interpret } from "../mud/interpret.ts";
import { Narrator } from "../mud/narrate.ts";
import { type Line, line, span } from "../mud/text.ts";
import type { Action, PersonView, RoomView, WorldView } from "../mud/world.ts";
import { MessageNumbers } from "./numbers.ts";
import { describeRooms, describeWho, errorText } from "./reports.ts";
import type { MudSessionOptions, SessionEnd } from "./types.ts";

/** How often movement is looked at for narration (not per patch: a busy room patches 20 times a second). */
const OBSERVE_MS = 250;
/** Fresh joins tried after the SDK gave up resuming, and the waits before them. */
const REJOIN_WAITS_MS = [1000, 2000];

/**
 * One terminal user's MUD: the SDK connection, the room they stand in, the interpreter and the
 * narrator, printing through `print`. The browser page, the CLI and the SSH door each make one
 * and feed it the lines their user types.
 */
export class MudSession {
  private readonly client: MeshClient;
  private readonly numbers = new MessageNumbers();
  private readonly now: () => number;
  private narrator: Narrator;
  private room: MeshRoom | undefined;
  private roomView: RoomView | undefined;
  private selfId = "";
  private selfName = "";
  private manageAllBots = false;
  private unsubscribe: Array<() => void> = [];
  private observer: ReturnType<typeof setInterval> | undefined;
  private ended = false;
  /** Set while we leave a room on purpose, so its leave is not taken for being put out. */
  private leaving: MeshRoom | undefined;
  /** The last order state seen per bot of ours, to tell when it changes. */
  private readonly orders = new Map<string, string>();

  constructor(private readonly options: MudSessionOptions) {
    this.client = connect({ url: options.url, token: options.token });
    this.now = options.now ?? Date.now;
    this.narrator = new Narrator({ selfId: "", now: this.now });
  }

  /** The room we stand in now (undefined between rooms). */
  get roomId(): string | undefined {
    return this.room?.roomId;
  }

  get prompt(): string {
    return `${this.room?.roomId ?? "mesh"}> `;
  }

  /** Who the session is signed in as (after start). */
  get name(): string {
    return this.selfName;
  }

  /** Sign in and arrive in the first room; on failure the session ends (onEnd) and this resolves. */
  async start(): Promise<void> {
    try {
      const me = await this.client.rest.me();
      this.selfId = me.participant.id;
      this.selfName = me.participant.name;
      this.manageAllBots = me.permissions.includes("manage_all_bots");
    } catch (error) {
      this.end(this.failure(error, "sign in"));
      return;
    }
    this.narrator = new Narrator({ selfId: this.selfId, now: this.now });
    this.print(line(span(`Welcome to The Mesh, ${this.selfName}. Type help for commands.`, "notice")));
    const entered = await this.enter(this.options.room ?? "lobby");
    if (!entered.ok) this.end(entered.end);
  }

  /** One line the user typed. */
  async handle(input: string): Promise<void> {
    if (this.ended) return;
    const outcome = interpret(input, this.world());
    for (const printed of outcome.lines) this.print(printed);
    for (const action of outcome.actions) await this.perform(action);
  }

  complete(input: string): [string[], string] {
    return complete(input, this.world());
  }

  /** Leave without a word (the front end is closing); no onEnd. */
  async close(): Promise<void> {
    this.ended = true;
    await this.leaveRoom();
  }

  // ---- the world as the interpreter sees it -------------------------------------------------

  private world(): WorldView {
    const people = this.room ? this.room.participants().map((p) => this.person(p)) : [];
    return {
      selfId: this.selfId,
      selfName: this.selfName,
      room: this.roomView,
      people,
      numbered: (n) => this.numbers.get(n),
      mayCommand: (bot) => bot.ownerId === this.selfId || this.manageAllBots,
    };
  }

  private person(p: ParticipantView): PersonView {
    return {
      id: p.id,
      name: p.name,
      kind: p.kind,
      x: p.x,
      z: p.z,
      heading: p.heading,
      moving: this.narrator.isMoving(p.id),
      status: p.status,
      typing: p.typing,
      ownerId: p.ownerId,
      order: p.order,
    };
  }

  private nameOf = (id: string): string => this.room?.participant(id)?.name ?? this.numbers.authorName(id) ?? "someone";

  // ---- actions ------------------------------------------------------------------------------

  private async perform(action: Action): Promise<void> {
    const room = this.room;
    try {
      switch (action.kind) {
        case "look":
          return;
        case "say":
          return this.sent(room?.sendAndWait(action.text));
        case "tell":
          return this.sent(room?.sendDirectAndWait(action.to.id, action.text));
        case "reply":
          return this.sent(room?.replyAndWait(action.message, action.text));
        case "react":
          room?.react(action.message.id, action.emoji);
          return;
        case "walk":
          room?.moveTo(action.x, action.z);
          this.print(line(span(action.toward ? `You walk toward ${action.toward}.` : `You walk to ${round(action.x)}, ${round(action.z)}.`, "dim")));
          return;
        case "go":
          return this.travel(action.roomId, oppositeExit(action.direction), `You go ${action.direction}.`);
        case "join":
          if (action.roomId === room?.roomId) return this.print(line(span("You are already here.", "dim")));
          return this.travel(action.roomId, undefined, `You head for ${action.roomId}.`);
        case "who":
          return this.printAll(describeWho(await this.client.rest.participants(), this.selfId));
        case "rooms":
          return this.printAll(describeRooms((await this.client.rest.rooms()).rooms, room?.roomId));
        case "history":
          return this.history(action.count);
        case "order":
          room?.command(
            action.agents.map((a) => a.id),
            action.order,
          );
          this.print(line(span(`Ordered ${action.agents.map((a) => a.name).join(", ")}: ${action.order.kind.replace("_", " ")}.`, "order")));
          return;
        case "quit":
          this.print(line(span("Goodbye.", "notice")));
          await this.leaveRoom();
          this.end({ reason: "Goodbye.", why: "quit" });
          return;
      }
    } catch (error) {
      this.print(line(span(errorText(error), "error")));
    }
  }

  /** A send: its own message comes back through the feed and is printed there; a refusal is said. */
  private async sent(sending: Promise<MessageData> | undefined): Promise<void> {
    if (!sending) return this.print(line(span("You are not in a room.", "error")));
    try {
      await sending;
    } catch (error) {
      this.print(line(span(error instanceof MeshSendError ? `Not sent: ${error.message}` : errorText(error), "error")));
    }
  }

  private async history(count: number): Promise<void> {
    const room = this.room;
    if (!room) return;
    const messages = await this.client.rest.history(room.roomId, { limit: count });
    if (messages.length === 0) return this.print(line(span("Nothing has been said here yet.", "dim")));
    this.print(line(span(`The last ${messages.length} message${messages.length === 1 ? "" : "s"} in ${room.roomId}:`, "dim")));
    for (const message of messages) this.printMessage(message);
  }

  // ---- rooms --------------------------------------------------------------------------------

  /** Leave this room and enter another; if it will not have us, go back where we were. */
  private async travel(roomId: string, entrance: ReturnType<typeof oppositeExit> | undefined, saying: string): Promise<void> {
    const from = this.room?.roomId;
    this.print(line(span(saying, "dim")));
    await this.leaveRoom();
    const entered = await this.enter(roomId, entrance);
    if (entered.ok) return;
    this.print(line(span(entered.end.reason, "error")));
    if (entered.end.why === "signed-out") return this.end(entered.end);
    const back = from ? await this.enter(from) : entered;
    if (!back.ok) this.end(back.end);
  }

  private async enter(roomId: string, entrance?: ReturnType<typeof oppositeExit>): Promise<{ ok: true } | { ok: false; end: SessionEnd }> {
    let room: MeshRoom;
    let data: RoomData;
    try {
      room = await this.client.join(roomId, {
        client: this.options.client,
        ...(entrance ? { entrance } : {}),
        ...(this.options.retries !== undefined ? { reconnect: { maxRetries: this.options.retries } } : {}),
      });
    } catch (error) {
      return { ok: false, end: this.failure(error, `enter ${roomId}`) };
    }
    try {
      data = await this.client.rest.room(roomId);
    } catch {
      data = { id: roomId, name: room.state.name || roomId, topic: room.state.topic, width: 20, depth: 20, exits: {}, private: false, createdBy: "", createdAt: 0 };
    }
    await arrived(room, this.selfId);
    this.room = room;
    this.roomView = { id: data.id, name: data.name, topic: data.topic, width: data.width, depth: data.depth, exits: data.exits, names: {} };
    this.narrator.reset(room.participants().map((p) => this.person(p)));
    this.orders.clear();
    this.wire(room);
    this.options.onPrompt?.(this.prompt);
    await this.learnNeighbours(data);
    await this.handle("look");
    return { ok: true };
  }

  /** The names of the rooms behind the exits, for look ("north to The Hall"). */
  private async learnNeighbours(data: RoomData): Promise<void> {
    if (Object.keys(data.exits).length === 0) return;
    try {
      const { rooms } = await this.client.rest.rooms();
      if (this.roomView?.id !== data.id) return;
      this.roomView.names = Object.fromEntries(rooms.map((r) => [r.id, r.name]));
    } catch {
      // Names are a nicety; ids still say where an exit goes.
    }
  }

  private wire(room: MeshRoom): void {
    this.unsubscribe.push(
      room.onMessage((message) => this.printMessage(message)),
      room.onUpdate((message) => this.numbers.update(message)),
      room.onError((error) => this.printError(error)),
      room.onPresence(({ kind, participant }) => this.printAll(kind === "join" ? this.narrator.arrive(this.person(participant)) : this.narrator.leave(this.person(participant)))),
      room.onDrop(() => this.print(line(span("The connection dropped; reconnecting…", "error")))),
      room.onReconnect(() => this.print(line(span("Reconnected.", "notice")))),
      room.onLeave((code, reason) => void this.putOut(room, code, reason)),
    );
    this.observer = setInterval(() => this.observe(), OBSERVE_MS);
    this.observer.unref?.();
  }

  private observe(): void {
    const room = this.room;
    if (!room) return;
    const people = room.participants().map((p) => this.person(p));
    this.printAll(this.narrator.observe(people, this.roomView));
    this.printAll(this.narrator.flush());
    for (const person of people) if (person.order && person.ownerId === this.selfId) this.orderChanged(person, person.order);
  }

  /** Say when one of our bots' orders changes status, with its note. */
  private orderChanged(bot: PersonView, order: OrderData): void {
    const key = `${order.id}:${order.status}:${order.note}`;
    if (this.orders.get(bot.id) === key) return;
    const first = !this.orders.has(bot.id);
    this.orders.set(bot.id, key);
    if (first && order.status !== "pending" && order.status !== "active") return;
    const note = order.note ? ` — ${order.note}` : "";
    this.print(line(nameSpan(bot, this.selfId), span(`: ${order.kind.replace("_", " ")} ${order.status}${note}`, "order")));
  }

  private async leaveRoom(): Promise<void> {
    const room = this.room;
    if (this.observer) clearInterval(this.observer);
    this.observer = undefined;
    for (const off of this.unsubscribe.splice(0)) off();
    this.room = undefined;
    this.roomView = undefined;
    if (!room) return;
    this.leaving = room;
    try {
      await room.leave();
    } catch {
      // Already gone.
    } finally {
      this.leaving = undefined;
    }
  }

  /** The room closed without us asking: say why, then go where it makes sense. */
  private async putOut(room: MeshRoom, code: number, reason: string | undefined): Promise<void> {
    if (this.leaving === room || this.room !== room || this.ended) return;
    const why = reason ? `: ${reason}` : "";
    await this.leaveRoom();
    if (code === CloseCode.SessionRevoked || code === CloseCode.AccessRevoked) {
      return this.end({ reason: `You were signed out${why}.`, why: "signed-out" });
    }
    if (code === CloseCode.Kicked || code === CloseCode.Banned || code === CloseCode.RoomDeleted) {
      this.print(line(span(`You are put out of ${room.roomId}${why}.`, "error")));
      const back = room.roomId === "lobby" ? { ok: false as const, end: { reason: `You were put out of the lobby${why}.`, why: "refused" as const } } : await this.enter("lobby");
      if (!back.ok) this.end(back.end);
      return;
    }
    this.print(line(span(`Lost the connection to ${room.roomId}${why}. Trying again…`, "error")));
    let last: SessionEnd = { reason: "The server is gone.", why: "lost" };
    for (const wait of REJOIN_WAITS_MS) {
      await new Promise((resolve) => setTimeout(resolve, wait));
      if (this.ended) return;
      const back = await this.enter(room.roomId);
      if (back.ok) return;
      last = back.end;
      if (last.why === "signed-out") break;
    }
    this.end(last);
  }

  // ---- printing -----------------------------------------------------------------------------

  private printMessage(message: MessageData): void {
    const n = this.numbers.add(message);
    this.printAll(messageLines(message, n, { selfId: this.selfId, selfName: this.selfName, nameOf: this.nameOf }));
  }

  private printError(error: ErrorPayload): void {
    this.print(line(span(error.message, "error")));
  }

  private printAll(lines: readonly Line[]): void {
    for (const printed of lines) this.print(printed);
  }

  private print(printed: Line): void {
    if (!this.ended) this.options.print(printed);
  }

  private failure(error: unknown, doing: string): SessionEnd {
    // 525 is both a refused token and a role that may not view rooms: the server's words tell which.
    if (error instanceof MeshJoinError && error.unauthorized && /token/i.test(error.message)) return { reason: "Your sign-in was refused (expired or revoked); sign in again.", why: "signed-out" };
    if (error instanceof MeshRestError && error.status === 401) return { reason: "Your sign-in was refused (expired or revoked); sign in again.", why: "signed-out" };
    if (error instanceof MeshRestError && error.code === "network") return { reason: `Cannot reach the server at ${this.options.url}.`, why: "lost" };
    // Matchmaking answers refusals with an HTTP status; anything else means no answer at all.
    if (error instanceof MeshJoinError && !(error.code >= 400 && error.code < 600)) return { reason: `Cannot reach the server at ${this.options.url}.`, why: "lost" };
    return { reason: `Could not ${doing}: ${errorText(error)}`, why: "refused" };
  }

  private end(end: SessionEnd): void {
    if (this.ended) return;
    this.ended = true;
    void this.leaveRoom();
    this.options.onEnd(end);
  }
}

/** Until we stand in the room (the world adds a newcomer on its next tick), or a second has passed. */
function arrived(room: MeshRoom, selfId: string): Promise<void> {
  if (room.participant(selfId)) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(finish, 1000);
    const off = room.onChange(() => {
      if (room.participant(selfId)) finish();
    });
    function finish() {
      clearTimeout(timer);
      off();
      resolve();
    }
  });
}

function round(v: number): string {
  return (Math.round(v * 10) / 10).toString();
}
