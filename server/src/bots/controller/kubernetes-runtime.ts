import { ApiException, CoreV1Api, KubeConfig, type V1Pod } from "@kubernetes/client-node";
import type { Logger } from "../../logger.ts";
import {
  type BotPodSettings,
  botLabel,
  botPod,
  botSecret,
  botSelector,
  DEFAULT_POD_SETTINGS,
  LABELS,
  MANAGED_SELECTOR,
  podStatus,
  secretName,
} from "./kubernetes-objects.ts";
import { DEFAULT_RING, LogRing, type RingLimits } from "./log-ring.ts";
import { type BotLaunch, type BotRunStatus, type BotRuntime, LaunchRefused, type LogLine, PROGRAM_NAME } from "./types.ts";

export interface KubernetesRuntimeOptions extends Partial<Pick<BotPodSettings, "workingDir" | "programsPath">> {
  namespace: string;
  image: string;
  memoryMb: number;
  /** An API server to call without credentials (the tests' stand-in); otherwise in-cluster, else ~/.kube/config. */
  apiServer?: string;
  /** How often pod phases are read (one list call for all bots). */
  pollMs?: number;
  /** A call that has not answered by then counts as failed. */
  requestTimeoutMs?: number;
  ring?: Partial<RingLimits>;
  log?: Logger;
}

interface Tracked {
  botId: string;
  /** What should run; undefined once stopped. */
  launch?: BotLaunch;
  ring: LogRing;
  status: BotRunStatus;
  /** The Secret holds this launch's token (a start replaces it, a failed replace is retried). */
  secretFresh: boolean;
  /** A stop whose deletes failed: retried at every poll, so no pod outlives its stop. */
  deletePending: boolean;
  podName?: string;
  /** A start or stop is talking to the API: the poll leaves this bot alone. */
  busy: boolean;
  /** Counts starts and stops, so a poll does not act on a pod list read before the latest one. */
  generation: number;
}

/**
 * One Pod and one Secret per bot in its namespace. The API failing (errors, refused connections,
 * silence) is recorded in the bot's status and log, never thrown: the next poll tries again.
 */
export class KubernetesRuntime implements BotRuntime {
  readonly kind = "kubernetes";
  private readonly api: CoreV1Api;
  private readonly bots = new Map<string, Tracked>();
  private readonly settings: BotPodSettings;
  private readonly ringLimits: RingLimits;
  private timer?: NodeJS.Timeout;
  private polling?: Promise<void>;
  private closed = false;

  constructor(private readonly options: KubernetesRuntimeOptions) {
    this.api = kubeConfig(options.apiServer).makeApiClient(CoreV1Api);
    this.settings = {
      ...DEFAULT_POD_SETTINGS,
      namespace: options.namespace,
      image: options.image,
      memoryMb: options.memoryMb,
      ...(options.workingDir && { workingDir: options.workingDir }),
      ...(options.programsPath && { programsPath: options.programsPath }),
    };
    this.ringLimits = { ...DEFAULT_RING, ...options.ring };
  }

  async start(launch: BotLaunch): Promise<void> {
    if (!PROGRAM_NAME.test(launch.program)) throw new LaunchRefused(`'${launch.program}' is not a program name`);
    const bot = this.track(launch.botId);
    bot.generation++;
    bot.launch = launch;
    bot.secretFresh = false;
    bot.deletePending = false;
    bot.podName = undefined;
    this.setStatus(bot, { state: "starting", restarts: 0 });
    bot.ring.push("controller", `starting ${launch.program} in namespace ${this.settings.namespace}`);
    await this.busy(bot, async () => {
      // The previous run's pods hold a revoked token: they go before the new one comes.
      await this.deletePods(launch.botId);
      await this.createRun(bot);
    }).catch((error) => this.failed(bot, "could not start", error));
    this.schedulePolls();
  }

  async stop(botId: string): Promise<void> {
    // Also for a bot this process never started: pods survive a server restart.
    const bot = this.track(botId);
    bot.generation++;
    bot.launch = undefined;
    bot.deletePending = true;
    await this.busy(bot, () => this.remove(bot)).catch((error) => this.failed(bot, "could not delete its pod and secret (retrying)", error));
  }

  status(botId: string): BotRunStatus {
    return this.bots.get(botId)?.status ?? { state: "stopped", restarts: 0 };
  }

  logs(botId: string, limit?: number): LogLine[] {
    return this.bots.get(botId)?.ring.lines(limit) ?? [];
  }

  /** Stops watching. Pods are the cluster's to keep: the next server's `restore()` replaces them. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.polling;
  }

  /** Read every bot's pod now (the timer does this every `pollMs`); recreate missing pods, retry failed deletes. */
  refresh(): Promise<void> {
    this.polling ??= this.poll().finally(() => {
      this.polling = undefined;
    });
    return this.polling;
  }

  private async poll(): Promise<void> {
    const watched = [...this.bots.values()].filter((bot) => !bot.busy && (bot.launch || bot.deletePending));
    if (watched.length === 0) return;
    const generations = new Map(watched.map((bot) => [bot, bot.generation]));
    let pods: V1Pod[];
    try {
      pods = (await this.call(this.api.listNamespacedPod({ namespace: this.settings.namespace, labelSelector: MANAGED_SELECTOR }))).items;
    } catch (error) {
      for (const bot of watched) if (bot.launch) this.failed(bot, "could not read its pod", error);
      return;
    }
    for (const bot of watched) {
      if (this.closed) return;
      if (bot.busy || bot.generation !== generations.get(bot)) continue; // started or stopped since the list was read
      await this.busy(bot, () => this.reconcile(bot, pods)).catch((error) => this.failed(bot, "could not reconcile its pod", error));
    }
  }

  private async reconcile(bot: Tracked, pods: V1Pod[]): Promise<void> {
    if (!bot.launch) {
      await this.remove(bot);
      return;
    }
    const label = botLabel(bot.botId);
    const mine = pods.filter((pod) => pod.metadata?.labels?.[LABELS.botId] === label && !pod.metadata.deletionTimestamp);
    const current = mine.find((pod) => pod.metadata?.name === bot.podName) ?? mine[0];
    if (!current) {
      bot.ring.push("controller", bot.podName ? `pod ${bot.podName} is gone: creating it again` : "creating its pod again");
      await this.createRun(bot);
      return;
    }
    bot.podName = current.metadata?.name;
    this.setStatus(bot, podStatus(current));
    for (const extra of mine) if (extra !== current && extra.metadata?.name) await this.deletePod(extra.metadata.name);
  }

  /** The Secret (unless it already holds this launch's token), then a new Pod. */
  private async createRun(bot: Tracked): Promise<void> {
    const launch = bot.launch;
    if (!launch) return;
    const namespace = this.settings.namespace;
    if (!bot.secretFresh) {
      await this.ignoreNotFound(this.api.deleteNamespacedSecret({ name: secretName(launch.botId), namespace }));
      await this.call(this.api.createNamespacedSecret({ namespace, body: botSecret(launch, this.settings) }));
      bot.secretFresh = true;
    }
    const pod = botPod(launch, this.settings);
    await this.call(this.api.createNamespacedPod({ namespace, body: pod }));
    bot.podName = pod.metadata?.name;
    bot.ring.push("controller", `created pod ${bot.podName}`);
    this.setStatus(bot, { state: "starting", restarts: bot.status.restarts });
  }

  private async remove(bot: Tracked): Promise<void> {
    await this.deletePods(bot.botId);
    await this.ignoreNotFound(this.api.deleteNamespacedSecret({ name: secretName(bot.botId), namespace: this.settings.namespace }));
    bot.deletePending = false;
    bot.podName = undefined;
    bot.ring.push("controller", "stopped: pod and secret deleted");
    this.setStatus(bot, { state: "stopped", restarts: 0 });
  }

  private async deletePods(botId: string): Promise<void> {
    const list = await this.call(this.api.listNamespacedPod({ namespace: this.settings.namespace, labelSelector: botSelector(botId) }));
    for (const pod of list.items) if (pod.metadata?.name) await this.deletePod(pod.metadata.name);
  }

  private deletePod(name: string): Promise<void> {
    return this.ignoreNotFound(this.api.deleteNamespacedPod({ name, namespace: this.settings.namespace }));
  }

  private track(botId: string): Tracked {
    let bot = this.bots.get(botId);
    if (!bot) {
      bot = { botId, ring: new LogRing(this.ringLimits), status: { state: "stopped", restarts: 0 }, secretFresh: false, deletePending: false, busy: false, generation: 0 };
      this.bots.set(botId, bot);
    }
    return bot;
  }

  private async busy(bot: Tracked, work: () => Promise<void>): Promise<void> {
    bot.busy = true;
    try {
      await work();
    } finally {
      bot.busy = false;
    }
  }

  /** A change of state or detail goes to the bot's log once, not at every poll. */
  private setStatus(bot: Tracked, status: BotRunStatus): void {
    const before = bot.status;
    bot.status = status;
    if (status.state !== before.state || status.detail !== before.detail) {
      if (status.state !== "stopped" && status.state !== "starting") {
        const pod = bot.podName ? `pod ${bot.podName}: ` : "";
        bot.ring.push("controller", `${pod}${status.state}${status.detail ? ` (${status.detail})` : ""}`);
      }
    }
  }

  private failed(bot: Tracked, what: string, error: unknown): void {
    const detail = `Kubernetes API: ${what}: ${describe(error)}`;
    if (bot.status.detail !== detail) this.options.log?.warn({ bot: bot.botId, detail }, "bot runtime error");
    this.setStatus(bot, { state: "failed", restarts: bot.status.restarts, detail });
  }

  private schedulePolls(): void {
    if (this.timer || this.closed) return;
    this.timer = setInterval(() => void this.refresh(), this.options.pollMs ?? 5000);
    this.timer.unref();
  }

  /** An API call that fails if it has not answered in time (fetch has no timeout of its own here). */
  private call<T>(request: Promise<T>): Promise<T> {
    const ms = this.options.requestTimeoutMs ?? 10_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    });
    request.catch(() => {}); // a late failure after the timeout is not unhandled
    return Promise.race([request, timeout]).finally(() => clearTimeout(timer));
  }

  private async ignoreNotFound(request: Promise<unknown>): Promise<void> {
    try {
      await this.call(request);
    } catch (error) {
      if (!(error instanceof ApiException && error.code === 404)) throw error;
    }
  }
}

function kubeConfig(apiServer: string | undefined): KubeConfig {
  const config = new KubeConfig();
  // The client refuses plain http unless TLS checks are off: there are none to make on http.
  if (apiServer) config.loadFromClusterAndUser({ name: "mesh", server: apiServer, skipTLSVerify: apiServer.startsWith("http:") }, { name: "mesh" });
  else if (process.env.KUBERNETES_SERVICE_HOST) config.loadFromCluster();
  else config.loadFromDefault();
  return config;
}

/** One line for a status: the HTTP code and the API's own message, or the connection error's code. */
function describe(error: unknown): string {
  if (error instanceof ApiException) {
    const body = error.body as unknown;
    let message: unknown;
    try {
      message = (typeof body === "string" ? (JSON.parse(body) as { message?: unknown }) : (body as { message?: unknown } | undefined))?.message;
    } catch {
      message = undefined;
    }
    return `HTTP ${error.code}${typeof message === "string" && message ? `: ${message.slice(0, 300)}` : ""}`;
  }
  if (error instanceof Error) {
    const code = (error.cause as { code?: unknown } | undefined)?.code;
    return typeof code === "string" ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}
