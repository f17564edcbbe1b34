import { createSim, type Sim } from "./sim.ts";
import type { InputLog, SimOptions, SimSnapshot } from "./types.ts";

/**
 * Re-runs a recorded log from a snapshot (or an empty world): entries at or before the
 * snapshot's tick are skipped, so a whole log can follow a mid-run snapshot. Steps up to
 * `untilTick` (default: the log's last tick).
 */
export function replay(
  options: SimOptions,
  snapshot: SimSnapshot | undefined,
  log: InputLog,
  untilTick?: number,
): Sim {
  const sim = createSim(options, snapshot);
  const end = untilTick ?? (log.length > 0 ? log[log.length - 1].tick : sim.tick);
  let next = 0;
  while (next < log.length && log[next].tick <= sim.tick) next++;
  while (sim.tick < end) {
    const entry = next < log.length && log[next].tick === sim.tick + 1 ? log[next++] : undefined;
    if (entry !== undefined) for (const input of entry.inputs) sim.enqueue(input);
    sim.step();
    if (entry?.rewound) sim.rewindTick();
  }
  return sim;
}
