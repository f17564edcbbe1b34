/** Clamp v into [0, max]; NaN becomes 0 so a bad number can never poison the world. */
export const clampTo = (v: number, max: number): number => (v > 0 ? Math.min(v, max) : 0);
