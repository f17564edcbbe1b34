import {
  ClientMessage,
  type ClientMessagePayloads,
  err,
  ErrorCode,
  ok,
  parseClientMessage,
  type Permission,
  type Result,
} from "@mesh/schema";
import type { SimInput } from "@mesh/sim";
import type { Actor, Gate } from "../gate/authorize.ts";

export type SendPayload = ClientMessagePayloads[typeof ClientMessage.SendMessage];
type MessageType = keyof ClientMessagePayloads;

/** What an accepted client message turns into. */
export type Decision =
  | { kind: "sim"; input: SimInput }
  | { kind: "send"; actor: Actor; payload: SendPayload }
  | { kind: "kick"; targetId: string }
  | { kind: "mute"; targetId: string; seconds: number };

const PERMISSION: Record<MessageType, Permission> = {
  [ClientMessage.SendMessage]: "send_messages",
  [ClientMessage.EditMessage]: "send_messages",
  [ClientMessage.DeleteMessage]: "send_messages",
  [ClientMessage.AddReaction]: "add_reactions",
  [ClientMessage.RemoveReaction]: "add_reactions",
  [ClientMessage.Typing]: "send_messages",
  [ClientMessage.Move]: "move_in_world",
  [ClientMessage.Kick]: "kick_members",
  [ClientMessage.Mute]: "mute_members",
  [ClientMessage.Command]: "command_agents",
};

/**
 * The one path from a client message (human or bot, realtime or REST) to an input:
 * validate the payload, then ask the gate, then translate. Nothing here touches state.
 */
export function decide(gate: Gate, roomId: string, actorId: string, type: MessageType, payload: unknown): Result<Decision> {
  const parsed = parseClientMessage(type, payload);
  if (!parsed.ok) return parsed;
  const context = { roomId };
  const allowed = gate.authorize(actorId, PERMISSION[type], context);
  if (!allowed.ok) return allowed;
  const input = { ...parsed.value } as ClientMessagePayloads[MessageType];
  switch (type) {
    case ClientMessage.SendMessage: {
      const send = input as SendPayload;
      if (send.to !== undefined) {
        const dm = gate.authorize(actorId, "send_dms", context);
        if (!dm.ok) return dm;
        return err(ErrorCode.NotImplemented, "direct messages are not available on this server yet");
      }
      return ok({ kind: "send", actor: allowed.value, payload: send });
    }
    case ClientMessage.Typing: {
      const { on } = input as ClientMessagePayloads["typing"];
      return ok({ kind: "sim", input: { kind: "typing", participantId: actorId, on } });
    }
    case ClientMessage.Move: {
      const { x, z } = input as ClientMessagePayloads["move"];
      return ok({ kind: "sim", input: { kind: "move", participantId: actorId, x, z } });
    }
    case ClientMessage.Kick: {
      const { participantId } = input as ClientMessagePayloads["kick"];
      const over = gate.authorizeOver(actorId, "kick_members", participantId, context);
      return over.ok ? ok({ kind: "kick", targetId: participantId }) : over;
    }
    case ClientMessage.Mute: {
      const { participantId, seconds } = input as ClientMessagePayloads["mute"];
      const over = gate.authorizeOver(actorId, "mute_members", participantId, context);
      return over.ok ? ok({ kind: "mute", targetId: participantId, seconds }) : over;
    }
    case ClientMessage.EditMessage:
    case ClientMessage.DeleteMessage:
    case ClientMessage.AddReaction:
    case ClientMessage.RemoveReaction:
    case ClientMessage.Command:
      return err(ErrorCode.NotImplemented, `'${type}' is not available on this server yet`);
    default: {
      const unreachable: never = type;
      return err(ErrorCode.BadInput, `unknown message type '${String(unreachable)}'`);
    }
  }
}
