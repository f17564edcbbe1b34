import http from "node:http";
import { Client } from "@colyseus/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOM_TYPE } from "@mesh/schema";
import { registerUser, startTestServer, type TestServer, ticksPass } from "./harness.ts";

const ATTACK_BYTES = 20 * 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, "x");

interface Outcome {
  status?: number;
  body?: string;
  /** How many body bytes the server let us write before it answered or hung up. */
  sent: number;
  ms: number;
}

/** POST to /matchmake with a chunked body of `bytes`, written only as fast as the server reads it. */
function chunkedPost(port: number, bytes: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const started = performance.now();
    const outcome: Outcome = { sent: 0, ms: 0 };
    let answered = false;
    const finish = () => {
      outcome.ms = performance.now() - started;
      resolve(outcome);
    };
    const req = http.request({
      port,
      host: "127.0.0.1",
      method: "POST",
      path: `/matchmake/joinOrCreate/${ROOM_TYPE}`,
      headers: { "Content-Type": "application/json" },
    });
    req.on("response", (res) => {
      answered = true;
      outcome.status = res.statusCode;
      let body = "";
      res.on("data", (chunk) => {
        body += chunk;
      });
      res.on("end", () => {
        outcome.body = body;
        req.destroy();
        finish();
      });
      res.on("error", finish);
    });
    req.on("error", () => {
      if (!answered) finish();
    });
    const write = () => {
      while (outcome.sent < bytes && !answered && !req.destroyed) {
        outcome.sent += CHUNK.length;
        if (!req.write(outcome.sent === CHUNK.length ? Buffer.from(`{"room":"lobby","pad":"${CHUNK.toString()}`) : CHUNK)) {
          req.once("drain", write);
          return;
        }
      }
      if (!answered && !req.destroyed) req.end('"}');
    };
    write();
  });
}

describe("matchmaking bodies", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  it("refuses a 20 MB chunked body at once, and the rooms keep ticking on time", async () => {
    const watcher = await (await registerUser(server.url, "watcher")).client.join("lobby");
    await ticksPass(watcher, 5);
    const patches: number[] = [];
    const stop = watcher.onChange(() => patches.push(performance.now()));
    const tickBefore = watcher.tick;
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const sampler = setInterval(() => {
      rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    }, 5);

    const outcome = await chunkedPost(server.port, ATTACK_BYTES);
    await ticksPass(watcher, 5);
    clearInterval(sampler);
    stop();
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);

    // Answered 413 (or hung up after answering) long before the body could have been read.
    expect(outcome.status).toBe(413);
    expect(JSON.parse(outcome.body ?? "{}")).toMatchObject({ error: { code: "payload_too_large" } });
    expect(outcome.sent).toBeLessThan(ATTACK_BYTES); // what was written sat in socket buffers, unread
    expect(outcome.ms).toBeLessThan(2000);
    expect(rssPeak - rssBefore).toBeLessThan(50 * 1024 * 1024);
    // The server runs in this process: a stalled event loop would show as a late patch.
    const gaps = patches.slice(1).map((at, i) => at - patches[i]);
    expect(Math.max(...gaps)).toBeLessThan(250);
    expect(watcher.tick).toBeGreaterThanOrEqual(tickBefore + 5);
    await watcher.leave();
  });

  it("refuses a declared 20 MB body before any of it is sent", async () => {
    const answer = await new Promise<{ status?: number; body: string }>((resolve, reject) => {
      const req = http.request({
        port: server.port,
        host: "127.0.0.1",
        method: "POST",
        path: `/matchmake/joinOrCreate/${ROOM_TYPE}`,
        headers: { "Content-Type": "application/json", "Content-Length": "20000000" },
      });
      req.on("response", (res) => {
        let body = "";
        res.on("data", (chunk) => {
          body += chunk;
        });
        res.on("end", () => {
          req.destroy();
          resolve({ status: res.statusCode, body });
        });
      });
      req.on("error", reject);
      req.flushHeaders(); // headers only: the body is never written
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: "payload_too_large" } });
  }, 5000);

  it("answers bad matchmaking bodies with bad_input", async () => {
    const post = (body: string, type = "application/json") =>
      fetch(`${server.url}/matchmake/joinOrCreate/${ROOM_TYPE}`, { method: "POST", headers: { "Content-Type": type }, body });
    for (const [body, type] of [["{not json", undefined], ["[1,2]", undefined], ['{"room":"lobby"}', "text/plain"]]) {
      const res = await post(body as string, type);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: "bad_input" } });
    }
  });

  it("still lets ordinary joins through, through the SDK and by hand", async () => {
    const user = await registerUser(server.url, "after-the-attack");
    const room = await user.client.join("lobby");
    await ticksPass(room, 2);
    await room.leave();
    const raw = await new Client(server.url).joinOrCreate(ROOM_TYPE, { room: "lobby", token: user.token });
    await raw.leave();
  });
});
