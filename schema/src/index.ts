export * from "./doorways.ts";
export * from "./permissions.ts";
export * from "./protocol.ts";
export * from "./result.ts";
export * from "./state.ts";
export * from "./text.ts";
export * from "./validate.ts";
