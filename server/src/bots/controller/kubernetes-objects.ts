import { createHash, randomBytes } from "node:crypto";
import type { V1Pod, V1Secret } from "@kubernetes/client-node";
import type { BotLaunch, BotRunStatus } from "./types.ts";

/** Labels on everything the controller creates; `k8s/bot-pod-template.yaml` shows the same Pod. */
export const LABELS = {
  name: "app.kubernetes.io/name",
  managedBy: "app.kubernetes.io/managed-by",
  botId: "mesh.bot/id",
} as const;
export const BOT_APP = "mesh-bot";
export const MANAGER = "the-mesh";
/** Every Pod and Secret the controller owns, for list calls. */
export const MANAGED_SELECTOR = `${LABELS.managedBy}=${MANAGER}`;
/** The key in the bot's Secret that its container reads as MESH_TOKEN. */
export const TOKEN_KEY = "MESH_TOKEN";

export interface BotPodSettings {
  namespace: string;
  image: string;
  memoryMb: number;
  /** The image's working folder (the repository root) and the programs' folder inside it. */
  workingDir: string;
  programsPath: string;
}

export const DEFAULT_POD_SETTINGS: Omit<BotPodSettings, "namespace" | "image" | "memoryMb"> = {
  workingDir: "/app",
  programsPath: "bots/examples",
};

/**
 * `mesh-bot-<readable part of the id>-<hash of the id>`: a DNS-1123 label (lower case, digits and
 * '-', at most 63) whatever the id holds, and ids differing only in case or punctuation stay apart.
 */
export function secretName(botId: string): string {
  const readable = botId
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 30)
    .replace(/-+$/, "");
  const hash = createHash("sha256").update(botId).digest("hex").slice(0, 8);
  return readable ? `mesh-bot-${readable}-${hash}` : `mesh-bot-${hash}`;
}

/** Each run gets a new Pod name, so a start never waits for the old Pod to finish terminating. */
export function podName(botId: string): string {
  return `${secretName(botId)}-${randomBytes(3).toString("hex")}`;
}

/** The id itself where it is a valid label value, else its hash (the annotation keeps the id). */
export function botLabel(botId: string): string {
  return /^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/.test(botId)
    ? botId
    : `h-${createHash("sha256").update(botId).digest("hex").slice(0, 40)}`;
}

export function botSelector(botId: string): string {
  return `${MANAGED_SELECTOR},${LABELS.botId}=${botLabel(botId)}`;
}

function labels(botId: string): Record<string, string> {
  return { [LABELS.name]: BOT_APP, [LABELS.managedBy]: MANAGER, [LABELS.botId]: botLabel(botId) };
}

export function botSecret(launch: BotLaunch, settings: BotPodSettings): V1Secret {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: secretName(launch.botId), namespace: settings.namespace, labels: labels(launch.botId) },
    type: "Opaque",
    stringData: { [TOKEN_KEY]: launch.env[TOKEN_KEY] ?? "" },
  };
}

export function botPod(launch: BotLaunch, settings: BotPodSettings): V1Pod {
  const heapMb = Math.max(16, Math.floor((settings.memoryMb * 3) / 4));
  const env = Object.entries(launch.env)
    .filter(([name]) => name !== TOKEN_KEY)
    .map(([name, value]) => ({ name, value }));
  env.push({ name: "NODE_ENV", value: "production" });
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: podName(launch.botId),
      namespace: settings.namespace,
      labels: labels(launch.botId),
      annotations: { [LABELS.botId]: launch.botId, "mesh.bot/program": launch.program },
    },
    spec: {
      restartPolicy: "Always",
      // A bot talks to the mesh, never to the Kubernetes API.
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: "RuntimeDefault" } },
      containers: [
        {
          name: "bot",
          image: settings.image,
          imagePullPolicy: "IfNotPresent",
          workingDir: settings.workingDir,
          command: ["node", `--max-old-space-size=${heapMb}`, "--import", "tsx", `${settings.programsPath}/${launch.program}.ts`],
          env: [
            ...env,
            { name: TOKEN_KEY, valueFrom: { secretKeyRef: { name: secretName(launch.botId), key: TOKEN_KEY } } },
          ],
          resources: {
            requests: { cpu: "50m", memory: `${Math.ceil(settings.memoryMb / 2)}Mi` },
            limits: { cpu: "500m", memory: `${settings.memoryMb}Mi` },
          },
          securityContext: {
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ["ALL"] },
          },
          // tsx keeps its compile cache in the temp folder: the only place a bot may write.
          volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
        },
      ],
      volumes: [{ name: "tmp", emptyDir: { sizeLimit: "64Mi" } }],
    },
  };
}

/** Waiting reasons that will not clear by themselves. */
const STUCK = new Set(["ErrImagePull", "ImagePullBackOff", "InvalidImageName", "CreateContainerConfigError", "CreateContainerError"]);

/** A pod's phase and its container's state, as the controller's states. */
export function podStatus(pod: V1Pod): BotRunStatus {
  const container = pod.status?.containerStatuses?.[0];
  const restarts = container?.restartCount ?? 0;
  const terminated = container?.lastState?.terminated ?? container?.state?.terminated;
  const lastExit = terminated && {
    code: terminated.exitCode ?? null,
    signal: terminated.signal === undefined ? null : String(terminated.signal),
    at: terminated.finishedAt ? new Date(terminated.finishedAt).getTime() : 0,
  };
  const base = { restarts, ...(lastExit && { lastExit }) };
  const waiting = container?.state?.waiting;
  const waitingDetail = waiting && [waiting.reason, waiting.message].filter(Boolean).join(": ");
  if (pod.metadata?.deletionTimestamp) return { ...base, state: "stopped", detail: "pod is terminating" };
  switch (pod.status?.phase) {
    case "Pending":
      if (waiting?.reason && STUCK.has(waiting.reason)) return { ...base, state: "failed", detail: waitingDetail };
      return { ...base, state: "starting", ...(waitingDetail && { detail: waitingDetail }) };
    case "Running":
      if (waiting?.reason === "CrashLoopBackOff") return { ...base, state: "crash_looping", detail: waitingDetail };
      if (waiting) return { ...base, state: "backoff", ...(waitingDetail && { detail: waitingDetail }) };
      return { ...base, state: "running" };
    case "Succeeded":
      return { ...base, state: "stopped", detail: "pod finished" };
    case "Failed":
      return { ...base, state: "failed", detail: [pod.status.reason, pod.status.message].filter(Boolean).join(": ") || "pod failed" };
    default:
      return { ...base, state: "failed", detail: `pod phase ${pod.status?.phase ?? "unknown"} (its node may be unreachable)` };
  }
}
