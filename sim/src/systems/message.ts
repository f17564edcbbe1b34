import type { World } from "bitecs";
import type { SimContext } from "../context.ts";

/** Numbers this tick's says with the room's gap-free seq; a repeated (participant, nonce) is a duplicate. */
export const messageSystem = (_world: World, ctx: SimContext): void => {
  const says = ctx.says;
  for (let i = 0; i < says.length; i++) {
    const say = says[i];
    const original = say.nonce === "" ? undefined : ctx.nonces.get(say.participantId, say.nonce);
    if (original !== undefined) {
      ctx.result.duplicates.push({ input: say, seq: original });
      continue;
    }
    const seq = ++ctx.lastSeq;
    if (say.nonce !== "") ctx.nonces.remember(say.participantId, say.nonce, seq);
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
    });
  }
};
