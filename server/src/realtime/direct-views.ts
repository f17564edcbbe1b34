import { StateView } from "@colyseus/schema";
import type { Message } from "@mesh/schema";
import type { ViewChange } from "./direct-window.ts";

/** What holds a view: a Colyseus client (or, in the benchmark, a stand-in for one). */
export interface ViewHolder {
  view?: StateView;
}

/**
 * Which `direct` messages each socket's StateView holds. Colyseus encodes a patch once per
 * distinct view and once more for all sockets without one, so a socket without DMs has no view
 * (it gets the shared encoding, which never carries filtered fields); a socket gets a view of its
 * own with its participant's first DM. (One StateView shared by several sockets is not something
 * Colyseus supports: their decoders went out of step when we tried.)
 */
export class DirectViews {
  /** Set a socket's view to show exactly these DMs (its participant's, at join or reconnection). */
  show(socket: ViewHolder, messages: readonly Message[]): void {
    if (messages.length === 0) {
      socket.view = undefined;
      return;
    }
    const view = new StateView();
    for (const message of messages) view.add(message);
    socket.view = view;
  }

  /**
   * Apply a tick's view changes to every socket of each participant concerned. A socket still on
   * the shared view gets a view of its own holding all its participant's DMs (`holding`).
   */
  apply(
    changes: readonly ViewChange[],
    socketsOf: (participantId: string) => Iterable<ViewHolder>,
    holding: (participantId: string) => readonly Message[],
  ): void {
    for (const [participantId, { add, remove }] of netChanges(changes)) {
      for (const socket of socketsOf(participantId)) {
        if (socket.view === undefined) {
          this.show(socket, holding(participantId));
          continue;
        }
        for (const message of remove) socket.view.remove(message);
        for (const message of add) socket.view.add(message);
      }
    }
  }
}

/**
 * Run `patch` (the tick's broadcast) with every socket whose DMs did not change this tick encoded
 * as if it had no view, then give each its own view back. Colyseus encodes a patch once per
 * distinct view, walking every change of the tick for each; a view whose DMs did not change adds
 * nothing to the shared encoding. `changed`: participants whose DMs were added, removed or changed
 * this tick; a view with pending changes of its own is never skipped.
 */
export function patchSkippingQuietViews<S extends ViewHolder>(
  sockets: Iterable<S>,
  participantOf: (socket: S) => string | undefined,
  changed: ReadonlySet<string>,
  patch: () => void,
): void {
  const parked: [S, StateView][] = [];
  for (const socket of sockets) {
    const view = socket.view;
    if (view === undefined || view.changes.size > 0) continue;
    const participantId = participantOf(socket);
    if (participantId === undefined || changed.has(participantId)) continue;
    parked.push([socket, view]);
    socket.view = undefined;
  }
  try {
    patch();
  } finally {
    for (const [socket, view] of parked) socket.view = view;
  }
}

/**
 * A tick's view changes per participant, net: a DM that came and went again in the same tick (a
 * burst of more than a window's worth) is neither added nor removed, since it has already left
 * the state and a view cannot hold a detached instance.
 */
function netChanges(changes: readonly ViewChange[]): Map<string, { add: Set<Message>; remove: Set<Message> }> {
  const net = new Map<string, { add: Set<Message>; remove: Set<Message> }>();
  for (const change of changes) {
    let entry = net.get(change.participantId);
    if (!entry) {
      entry = { add: new Set(), remove: new Set() };
      net.set(change.participantId, entry);
    }
    for (const message of change.add) entry.add.add(message);
    for (const message of change.remove) {
      if (entry.add.has(message)) entry.add.delete(message);
      else entry.remove.add(message);
    }
  }
  return net;
}
