/**
 * Owner colours: every owner id gets a stable hue (FNV-1a hash), so a person and their bots share
 * one colour on every screen and every visit. Saturated and light enough to glow on the dark floor.
 */
export function ownerColor(ownerId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < ownerId.length; i++) {
    hash ^= ownerId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  // 24 well-spaced hues, then two lightness steps: 48 colours before two owners share one.
  const hue = ((hash % 24) * 15 + 8) % 360;
  const light = (hash >>> 8) % 2 === 0 ? 0.62 : 0.72;
  return hsl(hue, 0.85, light);
}

/** The owner a unit is coloured by: a bot's owner, or a human themself. */
export function colorKey(id: string, ownerId: string): string {
  return ownerId || id;
}

/** HSL (hue in degrees, s and l in 0..1) to 0xRRGGBB. */
export function hsl(h: number, s: number, l: number): number {
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => {
    const k = (n + h / 30) % 12;
    return Math.round(255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return (f(0) << 16) | (f(8) << 8) | f(4);
}

/** 0xRRGGBB as a CSS colour (for the minimap's canvas). */
export function cssColor(color: number): string {
  return `#${color.toString(16).padStart(6, "0")}`;
}
