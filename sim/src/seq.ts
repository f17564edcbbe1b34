import type { SimContext } from "./context.ts";

/**
 * Un-number this tick's messages (their batch was never stored): room and pair seqs return to
 * where the tick found them, so numbering stays gap-free and the forgotten nonces may be sent again.
 */
export const rewindTick = (ctx: SimContext): void => {
  const { before } = ctx;
  ctx.lastSeq = before.lastSeq;
  for (const [pair, seq] of before.pairSeqs) {
    if (seq > 0) ctx.pairSeqs.set(pair, seq);
    else ctx.pairSeqs.delete(pair);
  }
  ctx.nonces.forgetAfter(before.numbered);
  ctx.numbered = before.numbered;
};
