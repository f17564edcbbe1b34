import type { SimContext } from "./context.ts";

/**
 * Forget every message numbered after `seq` (their batch was never stored): the next say
 * gets seq + 1 and the forgotten nonces may be sent again. A seq at or past lastSeq does nothing.
 */
export const rewindSeq = (ctx: SimContext, seq: number): void => {
  if (!(seq < ctx.lastSeq)) return;
  ctx.lastSeq = Math.max(0, Math.floor(seq));
  for (const [participantId, byNonce] of ctx.nonces) {
    for (const [nonce, stored] of byNonce) if (stored > ctx.lastSeq) byNonce.delete(nonce);
    if (byNonce.size === 0) ctx.nonces.delete(participantId);
  }
};
