import { createHash } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { openDatabase } from "@mesh/persistence";
import type { V1Pod, V1Secret } from "@kubernetes/client-node";
import { afterEach, describe, expect, it } from "vitest";
import { BotController } from "../src/bots/controller/controller.ts";
import { botLabel, podName, secretName } from "../src/bots/controller/kubernetes-objects.ts";
import { KubernetesRuntime, type KubernetesRuntimeOptions } from "../src/bots/controller/kubernetes-runtime.ts";
import { createLogger } from "../src/index.ts";

const NAMESPACE = "mesh-bots";
const TOKEN = "mesh_bot_secret-token-value";

interface Recorded {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
}

/**
 * A Kubernetes API stand-in on loopback: the core/v1 pod and secret endpoints of one namespace,
 * kept in maps, every request recorded. `mode` makes it fail (500), drop connections or hang.
 */
class ApiStandIn {
  readonly requests: Recorded[] = [];
  readonly pods = new Map<string, V1Pod>();
  readonly secrets = new Map<string, V1Secret>();
  mode: "ok" | "error" | "drop" | "hang" = "ok";
  private readonly server = http.createServer((req, res) => this.answer(req, res));

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  of(method: string, kind: "pods" | "secrets"): Recorded[] {
    return this.requests.filter((r) => r.method === method && r.path.split("/")[5] === kind);
  }

  private answer(req: http.IncomingMessage, res: http.ServerResponse): void {
    let raw = "";
    req.on("data", (chunk) => {
      raw += chunk;
    });
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://stand-in");
      const body = raw ? JSON.parse(raw) : undefined;
      this.requests.push({ method: req.method ?? "", path: url.pathname, query: url.searchParams, body });
      if (this.mode === "hang") return;
      if (this.mode === "drop") return void req.socket.destroy();
      if (this.mode === "error") return send(res, 500, status(500, "InternalError", "etcdserver: request timed out"));
      const match = /^\/api\/v1\/namespaces\/([^/]+)\/(pods|secrets)(?:\/([^/]+))?$/.exec(url.pathname);
      if (!match || match[1] !== NAMESPACE) return send(res, 404, status(404, "NotFound", `no route ${url.pathname}`));
      const [, , kind, name] = match;
      const store = (kind === "pods" ? this.pods : this.secrets) as Map<string, V1Pod | V1Secret>;
      if (req.method === "POST" && !name) {
        const object = body as V1Pod | V1Secret;
        const objectName = object.metadata?.name ?? "";
        if (store.has(objectName)) return send(res, 409, status(409, "AlreadyExists", `${kind} "${objectName}" already exists`));
        if (kind === "pods") (object as V1Pod).status = { phase: "Pending" };
        store.set(objectName, object);
        return send(res, 201, object);
      }
      if (req.method === "GET" && !name) {
        const wanted = (url.searchParams.get("labelSelector") ?? "").split(",").filter(Boolean).map((term) => term.split("="));
        const items = [...store.values()].filter((o) => wanted.every(([k, v]) => o.metadata?.labels?.[k] === v));
        return send(res, 200, { apiVersion: "v1", kind: kind === "pods" ? "PodList" : "SecretList", metadata: {}, items });
      }
      const found = name ? store.get(name) : undefined;
      if (!found || !name) return send(res, 404, status(404, "NotFound", `${kind} "${name}" not found`));
      if (req.method === "DELETE") {
        store.delete(name);
        return send(res, 200, found);
      }
      return send(res, 200, found);
    });
  }
}

function status(code: number, reason: string, message: string) {
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, code };
}

function send(res: http.ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(options: Partial<KubernetesRuntimeOptions> = {}) {
  const api = new ApiStandIn();
  const url = await api.listen();
  cleanups.push(() => api.close());
  const runtime = new KubernetesRuntime({
    namespace: NAMESPACE,
    image: "registry.example/the-mesh:1.2.3",
    memoryMb: 256,
    apiServer: url,
    pollMs: 60_000, // the tests poll by hand
    requestTimeoutMs: 2000,
    log: createLogger("silent"),
    ...options,
  });
  cleanups.push(() => runtime.close());
  return { api, runtime };
}

const launch = (botId = "bot-1") => ({
  botId,
  name: "orderly",
  program: "orderly",
  env: { MESH_URL: "http://mesh.mesh.svc:4000", MESH_TOKEN: TOKEN, MESH_ROOM: "garden" },
});

const onlyPod = (api: ApiStandIn): V1Pod => {
  expect(api.pods.size).toBe(1);
  return [...api.pods.values()][0];
};

describe("kubernetes runtime", () => {
  it("creates a Secret with the token and a Pod that reads it, with labels, limits and the image", async () => {
    const { api, runtime } = await setup();
    await runtime.start(launch());

    const secret = api.secrets.get(secretName("bot-1"));
    expect(secret).toMatchObject({
      kind: "Secret",
      metadata: {
        namespace: NAMESPACE,
        labels: { "app.kubernetes.io/name": "mesh-bot", "app.kubernetes.io/managed-by": "the-mesh", "mesh.bot/id": "bot-1" },
      },
      stringData: { MESH_TOKEN: TOKEN },
    });
    const pod = onlyPod(api);
    expect(pod.metadata).toMatchObject({
      namespace: NAMESPACE,
      labels: { "app.kubernetes.io/name": "mesh-bot", "app.kubernetes.io/managed-by": "the-mesh", "mesh.bot/id": "bot-1" },
    });
    expect(pod.spec?.restartPolicy).toBe("Always");
    expect(pod.spec?.automountServiceAccountToken).toBe(false);
    const container = pod.spec?.containers[0];
    expect(container?.image).toBe("registry.example/the-mesh:1.2.3");
    expect(container?.command).toEqual(["node", "--max-old-space-size=192", "--import", "tsx", "bots/examples/orderly.ts"]);
    expect(container?.resources).toEqual({ requests: { cpu: "50m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } });
    expect(container?.env).toEqual(
      expect.arrayContaining([
        { name: "MESH_URL", value: "http://mesh.mesh.svc:4000" },
        { name: "MESH_ROOM", value: "garden" },
        { name: "MESH_TOKEN", valueFrom: { secretKeyRef: { name: secretName("bot-1"), key: "MESH_TOKEN" } } },
      ]),
    );
    // The token is in the Secret only, never in the Pod.
    expect(JSON.stringify(pod)).not.toContain(TOKEN);
    expect(api.of("POST", "secrets")[0].path).toBe(`/api/v1/namespaces/${NAMESPACE}/secrets`);
    expect(runtime.status("bot-1")).toMatchObject({ state: "starting", restarts: 0 });
  });

  it("shows the pod's phase as the bot's state", async () => {
    const { api, runtime } = await setup();
    await runtime.start(launch());
    const pod = onlyPod(api);
    const container = (state: object, restartCount = 0) => [{ name: "bot", image: "i", imageID: "", ready: false, restartCount, state }];

    pod.status = { phase: "Running", containerStatuses: container({ running: {} }) };
    await runtime.refresh();
    expect(runtime.status("bot-1")).toMatchObject({ state: "running", restarts: 0 });

    pod.status = {
      phase: "Running",
      containerStatuses: [
        {
          ...container({ waiting: { reason: "CrashLoopBackOff", message: "back-off 40s restarting failed container" } }, 5)[0],
          lastState: { terminated: { exitCode: 3, finishedAt: new Date(1_700_000_000_000) } },
        },
      ],
    };
    await runtime.refresh();
    expect(runtime.status("bot-1")).toMatchObject({
      state: "crash_looping",
      restarts: 5,
      lastExit: { code: 3, at: 1_700_000_000_000 },
      detail: expect.stringContaining("CrashLoopBackOff"),
    });

    pod.status = { phase: "Pending", containerStatuses: container({ waiting: { reason: "ImagePullBackOff", message: "no such image" } }) };
    await runtime.refresh();
    expect(runtime.status("bot-1")).toMatchObject({ state: "failed", detail: "ImagePullBackOff: no such image" });

    pod.status = { phase: "Failed", reason: "Evicted", message: "low on memory" };
    await runtime.refresh();
    expect(runtime.status("bot-1")).toMatchObject({ state: "failed", detail: "Evicted: low on memory" });
    expect(runtime.logs("bot-1").map((l) => l.text)).toEqual(
      expect.arrayContaining([expect.stringContaining(": running"), expect.stringContaining(": crash_looping")]),
    );
  });

  it("deletes the Pod and the Secret on stop, and replaces both on a new start", async () => {
    const { api, runtime } = await setup();
    await runtime.start(launch());
    const first = onlyPod(api).metadata?.name;
    await runtime.start({ ...launch(), env: { ...launch().env, MESH_TOKEN: "mesh_bot_next" } });
    expect(onlyPod(api).metadata?.name).not.toBe(first);
    expect(api.secrets.get(secretName("bot-1"))?.stringData?.MESH_TOKEN).toBe("mesh_bot_next");

    await runtime.stop("bot-1");
    expect(api.pods.size).toBe(0);
    expect(api.secrets.size).toBe(0);
    expect(api.of("DELETE", "pods").map((r) => r.path.split("/").pop())).toContain(first);
    expect(api.of("DELETE", "secrets").at(-1)?.path).toBe(`/api/v1/namespaces/${NAMESPACE}/secrets/${secretName("bot-1")}`);
    expect(runtime.status("bot-1").state).toBe("stopped");
    await runtime.refresh();
    expect(api.pods.size).toBe(0); // nothing comes back after a stop
  });

  it("recreates a pod that was deleted behind its back", async () => {
    const { api, runtime } = await setup();
    await runtime.start(launch());
    api.pods.clear();
    await runtime.refresh();
    expect(onlyPod(api).metadata?.labels?.["mesh.bot/id"]).toBe("bot-1");
    expect(runtime.logs("bot-1").some((l) => l.text.includes("is gone: creating it again"))).toBe(true);
  });

  it("reports a failing API in status and logs instead of throwing, and catches up once it answers", async () => {
    const { api, runtime } = await setup();
    api.mode = "error";
    await expect(runtime.start(launch())).resolves.toBeUndefined();
    expect(runtime.status("bot-1")).toMatchObject({ state: "failed", detail: expect.stringContaining("HTTP 500: etcdserver: request timed out") });
    expect(runtime.logs("bot-1").some((l) => l.stream === "controller" && l.text.includes("HTTP 500"))).toBe(true);

    api.mode = "drop";
    await runtime.refresh();
    expect(runtime.status("bot-1")).toMatchObject({ state: "failed", detail: expect.stringContaining("could not read its pod") });

    api.mode = "ok";
    await runtime.refresh();
    expect(onlyPod(api)).toBeDefined();
    expect(api.secrets.get(secretName("bot-1"))?.stringData?.MESH_TOKEN).toBe(TOKEN);
    expect(runtime.status("bot-1").state).toBe("starting");

    // A stop the API refuses is retried until the pod is gone.
    api.mode = "error";
    await expect(runtime.stop("bot-1")).resolves.toBeUndefined();
    expect(runtime.status("bot-1").state).toBe("failed");
    api.mode = "ok";
    await runtime.refresh();
    expect(api.pods.size).toBe(0);
    expect(api.secrets.size).toBe(0);
    expect(runtime.status("bot-1").state).toBe("stopped");
  });

  it("survives an API that is gone or silent", async () => {
    const { api, runtime } = await setup({ requestTimeoutMs: 300 });
    await runtime.start(launch());
    api.mode = "hang";
    await runtime.refresh();
    expect(runtime.status("bot-1").detail).toMatch(/no answer within 300 ms/);

    await api.close();
    await runtime.refresh();
    expect(runtime.status("bot-1")).toMatchObject({ state: "failed", detail: expect.stringContaining("ECONNREFUSED") });
    await expect(runtime.start(launch("bot-2"))).resolves.toBeUndefined();
    await expect(runtime.stop("bot-2")).resolves.toBeUndefined();
    expect(runtime.status("bot-2").state).toBe("failed");
  });

  it("derives valid DNS-1123 names and label values from any bot id", () => {
    const dns1123 = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
    for (const id of ["bot-1", "Bot_With.Caps", "ünïcode 🤖", "-", "x".repeat(300), "../../etc"]) {
      expect(secretName(id)).toMatch(dns1123);
      expect(podName(id)).toMatch(dns1123);
      expect(botLabel(id)).toMatch(/^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/);
    }
    expect(secretName("Bot")).not.toBe(secretName("bot"));
    expect(botLabel("0b5c6e1e-8a0c-4f57-a1b3-0b1e2d3c4f5a")).toBe("0b5c6e1e-8a0c-4f57-a1b3-0b1e2d3c4f5a");
  });

  it("carries the controller's run token in the Secret, and the stop revokes it", async () => {
    const { api, runtime } = await setup();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-k8s-"));
    const db = openDatabase(path.join(dir, "mesh.sqlite"));
    cleanups.push(() => {
      db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });
    db.users.create({ id: "owner", username: "owner", passwordHash: "x", kind: "human", role: "owner" });
    db.users.create({ id: "b1", username: "orderly", passwordHash: "", kind: "bot", role: "agent", ownerId: "owner" });
    db.bots.create({ id: "b1", ownerId: "owner", mode: "channel", program: "orderly", webhookUrl: "", webhookSecret: "", rooms: ["garden"] });
    const controller = new BotController({ db, runtime, log: createLogger("silent"), meshUrl: () => "http://mesh.mesh.svc:4000" });

    expect(await controller.start("b1")).toMatchObject({ ok: true, value: { state: "starting" } });
    expect(controller.runtimeKind).toBe("kubernetes");
    const token = api.secrets.get(secretName("b1"))?.stringData?.MESH_TOKEN ?? "";
    const hash = createHash("sha256").update(token).digest("hex");
    expect(db.sessions.activeByTokenHash(hash, Date.now())?.userId).toBe("b1");
    expect(onlyPod(api).spec?.containers[0].env).toEqual(expect.arrayContaining([{ name: "MESH_ROOM", value: "garden" }]));

    expect(await controller.stop("b1")).toMatchObject({ ok: true, value: { state: "stopped" } });
    expect(db.sessions.activeByTokenHash(hash, Date.now())).toBeUndefined();
    expect(api.pods.size + api.secrets.size).toBe(0);
    expect(db.bots.get("b1")?.running).toBe(false);
  });
});
