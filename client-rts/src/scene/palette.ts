/** The scene's colours: the shared theme's (client-kit/src/theme.css) as Pixi numbers. */
export const PALETTE = {
  background: 0x03060f,
  floor: 0x081126,
  grid: 0x38e1ff,
  wall: 0x38e1ff,
  door: 0xb46bff,
  pad: 0x3dffa2,
  text: 0xdce6ff,
  dim: 0x7d8bb0,
  ink: 0x05070d,
  self: 0xffe14d,
  mine: 0xffe14d,
  selected: 0x3dffa2,
  pending: 0xffcf4a,
  active: 0x38e1ff,
  done: 0x3dffa2,
  failed: 0xff4d6d,
  box: 0x3dffa2,
} as const;

/** Names and labels: the page's font, small, with a dark edge so they read over lines and floor. */
export const LABEL_FONT = 'system-ui, -apple-system, "Segoe UI", sans-serif';
