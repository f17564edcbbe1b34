/**
 * The MUD core, safe to load in Node and the browser (no DOM, no terminal): the interpreter,
 * narration, rendering and the session that drives them through the SDK. The /term page
 * (src/web), the mesh-term CLI (src/cli) and the server's SSH door all run this.
 */
export { complete, interpret, type Outcome, suggest } from "./mud/interpret.ts";
export { Narrator, type NarratorOptions } from "./mud/narrate.ts";
export { inert, type Line, line, plainText, type RenderStyle, renderLine, type Span, span, type Tone } from "./mud/text.ts";
export type { Action, PersonView, RoomView, WorldView } from "./mud/world.ts";
export { MudSession } from "./session/mud-session.ts";
export type { MudSessionOptions, SessionEnd, TermClientKind } from "./session/types.ts";
