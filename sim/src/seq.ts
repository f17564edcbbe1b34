import type { SimContext } from "./context.ts";

/**
 * Forget every message numbered after `seq` (their batch was never stored): the next say
 * gets seq + 1 and the forgotten nonces may be sent again. A seq at or past lastSeq does nothing.
 */
export const rewindSeq = (ctx: SimContext, seq: number): void => {
  if (!(seq < ctx.lastSeq)) return;
  ctx.lastSeq = Math.max(0, Math.floor(seq));
  ctx.nonces.forgetAfter(ctx.lastSeq);
};
