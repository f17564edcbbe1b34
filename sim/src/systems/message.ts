import type { World } from "bitecs";
import { ErrorCode } from "@mesh/schema";
import { pairKey, type SimContext, silenced } from "../context.ts";
import type { SayInput } from "../types.ts";

/**
 * Numbers this tick's says: room messages with the room's gap-free seq, DMs with their pair's
 * own seq. The world is the one place that refuses a muted author and spots a resend: a repeated
 * (participant, nonce) is a duplicate.
 */
export const messageSystem = (_world: World, ctx: SimContext): void => {
  const says = ctx.says;
  ctx.before.lastSeq = ctx.lastSeq;
  ctx.before.numbered = ctx.numbered;
  ctx.before.pairSeqs.clear();
  for (let i = 0; i < says.length; i++) {
    const say = says[i];
    if (mutedNow(ctx, say.participantId)) {
      ctx.result.rejected.push({ input: say, error: { code: ErrorCode.Forbidden, message: "you are muted in this room" } });
      continue;
    }
    // A muted owner does not speak through a bot, nor a muted commander through a say order.
    if (say.mutedWith?.some((id) => mutedNow(ctx, id))) {
      ctx.result.rejected.push({ input: say, error: { code: ErrorCode.Forbidden, message: "muted in this room: the bot's owner, or whoever ordered it to speak" } });
      continue;
    }
    if (say.nonce !== "" && ctx.nonces.get(say.participantId, say.nonce) !== undefined) {
      ctx.result.duplicates.push({ input: say });
      continue;
    }
    const seq = say.to === "" ? ++ctx.lastSeq : nextPairSeq(ctx, say);
    ctx.numbered++;
    if (say.nonce !== "") ctx.nonces.remember(say.participantId, say.nonce, ctx.numbered);
    ctx.result.appended.push({
      id: say.id,
      roomId: ctx.roomId,
      seq,
      authorId: say.participantId,
      authorName: say.authorName,
      text: say.text,
      threadId: say.threadId,
      to: say.to,
      ts: say.ts,
      nonce: say.nonce,
      trust: say.trust,
      attachments: say.attachments,
    });
  }
  // Changes to stored messages: a muted participant may still delete, not edit or react.
  const amends = ctx.result.amended;
  for (let i = amends.length - 1; i >= 0; i--) {
    const { op } = amends[i].change;
    if ((op === "edit" || op === "react") && silenced(ctx, amends[i])) {
      ctx.result.rejected.push({ input: amends[i], error: { code: ErrorCode.Forbidden, message: "you are muted in this room" } });
      amends.splice(i, 1);
    }
  }
};

const mutedNow = (ctx: SimContext, participantId: string): boolean => (ctx.mutes.get(participantId) ?? 0) > ctx.tick;

const nextPairSeq = (ctx: SimContext, say: SayInput): number => {
  const pair = pairKey(say.participantId, say.to);
  const known = ctx.pairSeqs.get(pair) ?? 0;
  if (!ctx.before.pairSeqs.has(pair)) ctx.before.pairSeqs.set(pair, known);
  const seq = Math.max(known, say.pairBase ?? 0) + 1;
  ctx.pairSeqs.set(pair, seq);
  return seq;
};
