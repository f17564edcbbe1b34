import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { botPod, DEFAULT_POD_SETTINGS } from "../src/bots/controller/kubernetes-objects.ts";
import { KubernetesRuntime } from "../src/bots/controller/kubernetes-runtime.ts";
import { createLogger } from "../src/index.ts";

const K8S = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "k8s");

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  // Each kind's own fields, read where the test needs them.
  [field: string]: unknown;
}

function load(): { file: string; doc: Manifest }[] {
  const files = fs.readdirSync(K8S).filter((f) => /\.ya?ml$/.test(f));
  expect(files.length).toBeGreaterThan(0);
  return files.flatMap((file) =>
    parseAllDocuments(fs.readFileSync(path.join(K8S, file), "utf8")).map((document) => {
      expect(document.errors, file).toEqual([]);
      return { file, doc: document.toJS() as Manifest };
    }),
  );
}

const manifests = load().filter(({ doc }) => doc !== null);
const all = manifests.map(({ doc }) => doc);
const find = (kind: string, name?: string, namespace?: string): Manifest[] =>
  all.filter((d) => d.kind === kind && (name === undefined || d.metadata.name === name) && (namespace === undefined || d.metadata.namespace === namespace));
const one = (kind: string, name?: string, namespace?: string): Manifest => {
  const found = find(kind, name, namespace);
  expect(found, `${kind} ${name ?? ""} in ${namespace ?? "any namespace"}`).toHaveLength(1);
  return found[0];
};
const subset = (wanted: Record<string, string> | undefined, labels: Record<string, string> | undefined) =>
  Object.keys(wanted ?? {}).length > 0 && Object.entries(wanted ?? {}).every(([k, v]) => labels?.[k] === v);

// The manifests' own shapes, as far as the test reads them.
interface PodSpec {
  serviceAccountName?: string;
  containers: { name: string; ports?: { name?: string; containerPort: number }[]; volumeMounts?: { name: string }[] }[];
}
interface StatefulSetSpec {
  serviceName: string;
  selector: { matchLabels: Record<string, string> };
  template: { metadata: { labels: Record<string, string> }; spec: PodSpec };
  volumeClaimTemplates: { metadata: { name: string }; spec: { accessModes: string[]; resources: { requests: { storage: string } } } }[];
}
interface ServiceSpec {
  selector: Record<string, string>;
  ports: { port: number; targetPort: number | string }[];
}
interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

describe("k8s manifests", () => {
  it("parse, and every object has its identity and a declared namespace", () => {
    const namespaces = find("Namespace").map((n) => n.metadata.name);
    expect(namespaces).toEqual(expect.arrayContaining(["mesh", "mesh-bots"]));
    for (const { file, doc } of manifests) {
      expect(doc.apiVersion, file).toBeTruthy();
      expect(doc.kind, file).toBeTruthy();
      expect(doc.metadata?.name, file).toMatch(/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/);
      if (doc.kind !== "Namespace") expect(namespaces, `${file}: ${doc.kind} ${doc.metadata.name}`).toContain(doc.metadata.namespace);
    }
    // kubectl applies a folder in name order: the namespaces must come first.
    expect(manifests[0].doc.kind).toBe("Namespace");
  });

  it("run the server as a StatefulSet with a volume for its data, behind a Service on port 4000", () => {
    const set = one("StatefulSet", undefined, "mesh");
    const spec = set.spec as StatefulSetSpec;
    const templateLabels = spec.template.metadata.labels;
    expect(subset(spec.selector.matchLabels, templateLabels)).toBe(true);

    const service = one("Service", spec.serviceName, "mesh");
    const serviceSpec = service.spec as ServiceSpec;
    expect(subset(serviceSpec.selector, templateLabels)).toBe(true);
    expect(serviceSpec.ports[0].port).toBe(4000);
    const container = spec.template.spec.containers[0];
    const port = container.ports?.find((p) => p.name === serviceSpec.ports[0].targetPort || p.containerPort === serviceSpec.ports[0].targetPort);
    expect(port?.containerPort).toBe(4000);

    const claim = spec.volumeClaimTemplates[0];
    expect(claim.spec.accessModes).toEqual(["ReadWriteOnce"]);
    expect(claim.spec.resources.requests.storage).toBeTruthy();
    expect(container.volumeMounts?.map((m) => m.name)).toContain(claim.metadata.name);
    const env = (container as { env?: { name: string; value?: string }[] }).env ?? [];
    const value = (name: string) => env.find((e) => e.name === name)?.value;
    expect(value("MESH_BOT_RUNTIME")).toBe("kubernetes");
    expect(value("MESH_K8S_NAMESPACE")).toBe("mesh-bots");
    const mountPath = (container.volumeMounts as { name: string; mountPath: string }[]).find((m) => m.name === claim.metadata.name)?.mountPath;
    expect(value("MESH_DATA_DIR")).toBe(mountPath);
    // Bots reach the server by the Service's name, and the server answers to it.
    const botHost = new URL(value("MESH_BOT_URL") ?? "").hostname;
    expect(botHost.startsWith(`${service.metadata.name}.mesh.`)).toBe(true);
    expect(value("MESH_ALLOWED_HOSTS")?.split(",")).toContain(botHost);
  });

  it("bind the server's ServiceAccount to a Role in mesh-bots that covers every call the runtime makes", async () => {
    const set = one("StatefulSet", undefined, "mesh");
    const account = (set.spec as StatefulSetSpec).template.spec.serviceAccountName;
    one("ServiceAccount", account, "mesh");
    const binding = one("RoleBinding", undefined, "mesh-bots");
    const roleRef = binding.roleRef as { apiGroup: string; kind: string; name: string };
    expect(roleRef).toMatchObject({ apiGroup: "rbac.authorization.k8s.io", kind: "Role" });
    const role = one("Role", roleRef.name, "mesh-bots");
    expect(binding.subjects).toEqual([{ kind: "ServiceAccount", name: account, namespace: "mesh" }]);

    const rules = role.rules as Rule[];
    const allowed = (resource: string, verb: string) =>
      rules.some((r) => r.apiGroups.includes("") && r.resources.includes(resource) && r.verbs.includes(verb));
    const calls = await callsOfTheRuntime();
    expect(calls.length).toBeGreaterThan(0);
    for (const call of calls) expect(allowed(call.resource, call.verb), `${call.verb} ${call.resource}`).toBe(true);
    expect(rules.flatMap((r) => r.resources).sort()).toEqual(["pods", "secrets"]);
  });

  it("document the bot Pod exactly as the controller creates it", () => {
    const template = one("PodTemplate", undefined, "mesh-bots").template as { metadata: Record<string, unknown>; spec: unknown };
    const annotations = template.metadata.annotations as Record<string, string>;
    const botId = annotations["mesh.bot/id"];
    const program = annotations["mesh.bot/program"];
    const pod = botPod(
      {
        botId,
        name: program,
        program,
        env: { MESH_URL: "http://mesh.mesh.svc:4000", MESH_ROOM: "lobby", MESH_BOT_ID: botId, MESH_BOT_NAME: program, MESH_TOKEN: "t" },
      },
      { ...DEFAULT_POD_SETTINGS, namespace: "mesh-bots", image: "the-mesh:latest", memoryMb: 256 },
    );
    expect(template.spec).toEqual(JSON.parse(JSON.stringify(pod.spec)));
    expect(template.metadata.labels).toEqual(pod.metadata?.labels);
    expect(annotations).toEqual(pod.metadata?.annotations);
  });
});

/** Start and stop a bot against a recording stand-in, and name each request as the (resource, verb) RBAC checks. */
async function callsOfTheRuntime(): Promise<{ resource: string; verb: string }[]> {
  const calls: { resource: string; verb: string }[] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://stand-in");
      const [, , , , , resource, name] = url.pathname.split("/");
      const verb =
        req.method === "POST" ? "create" : req.method === "DELETE" ? "delete" : url.searchParams.get("watch") === "true" ? "watch" : name ? "get" : "list";
      calls.push({ resource, verb });
      res.writeHead(req.method === "POST" ? 201 : 200, { "content-type": "application/json" });
      res.end(JSON.stringify(name || req.method === "POST" ? { metadata: { name: name ?? "x" } } : { items: [] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const runtime = new KubernetesRuntime({
    namespace: "mesh-bots",
    image: "the-mesh:latest",
    memoryMb: 256,
    apiServer: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    pollMs: 60_000,
    log: createLogger("silent"),
  });
  try {
    await runtime.start({ botId: "b", name: "b", program: "greeter", env: { MESH_TOKEN: "t" } });
    await runtime.refresh();
    await runtime.stop("b");
    expect(runtime.status("b").state).toBe("stopped");
  } finally {
    await runtime.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  return calls;
}
