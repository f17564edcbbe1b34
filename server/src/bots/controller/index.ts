import path from "node:path";
import type { Config } from "../../config.ts";
import type { Logger } from "../../logger.ts";
import { ProcessRuntime, REPO_ROOT } from "./process-runtime.ts";
import type { BotRuntime } from "./types.ts";

export { BotController, type BotControllerOptions, MAX_LOG_LINES } from "./controller.ts";
export type { BotLaunch, BotRunState, BotRunStatus, BotRuntime, LogLine } from "./types.ts";

/** The runtime MESH_BOT_RUNTIME names. The Kubernetes client is loaded only when it is the one. */
export async function createBotRuntime(config: Config, log: Logger): Promise<BotRuntime> {
  if (config.botRuntime === "kubernetes") {
    const { KubernetesRuntime } = await import("./kubernetes-runtime.ts");
    return new KubernetesRuntime({ namespace: config.k8sNamespace, image: config.botImage, memoryMb: config.botMemoryMb, log });
  }
  return new ProcessRuntime({
    programsDir: config.botProgramsDir || path.join(REPO_ROOT, "bots", "examples"),
    cwd: REPO_ROOT,
    memoryMb: config.botMemoryMb,
    log,
  });
}

/** MESH_BOT_URL, or the server's own address on loopback (a bot on this machine needs no other route). */
export function botMeshUrl(config: Config, port: number): string {
  if (config.botUrl) return config.botUrl;
  const host = config.host;
  if (host === "0.0.0.0" || host === "" || host.startsWith("127.")) return `http://127.0.0.1:${port}`;
  if (host === "::" || host === "::1") return `http://[::1]:${port}`;
  return `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
}
