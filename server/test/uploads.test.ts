import { createHash } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { KeyedRateLimiter } from "../src/limits.ts";
import { registerUser, startTestServer, type TestServer, type TestUser, waitFor } from "./harness.ts";

/** Small, so the over-size cases stay quick; the default is 25 MB. */
const CAP = 256 * 1024;
/** A 1×1 PNG. */
const PNG = Buffer.from(
  "89504e470d0a1a0a0000000d4948445200000001000000010806000000" +
    "1f15c4890000000d4944415478da63f8cfc0f01f0005000201a5b6a6e70000000049454e44ae426082",
  "hex",
);
const SHA256_NAME = /^[0-9a-f]{64}$/;
const BOUNDARY = "----mesh-test-boundary-7d1f";

interface UploadAnswer {
  status: number;
  body: { upload?: { id: string; name: string; type: string; size: number }; error?: { code: string; message: string } };
}

interface RawAnswer {
  status?: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** Body bytes we wrote before the server answered or hung up. */
  sent: number;
  /** The server closed the connection (we never did). */
  hungUp: boolean;
}

/** One multipart part: a file when `filename` is set, else a plain field. */
interface Part {
  field: string;
  filename?: string;
  /** Send the name RFC 8187-encoded (filename*=UTF-8''...), the one way a NUL can reach the server. */
  encoded?: boolean;
  type?: string;
  body: Buffer | string;
}

/** A multipart/form-data body with exactly the bytes given (names are not escaped: hostile cases need that). */
function multipart(parts: Part[]): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const filename =
      part.filename === undefined ? "" : part.encoded ? `; filename*=UTF-8''${encodeURIComponent(part.filename)}` : `; filename="${part.filename}"`;
    const type = part.type === undefined ? "" : `\r\nContent-Type: ${part.type}`;
    chunks.push(Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${part.field}"${filename}${type}\r\n\r\n`));
    chunks.push(Buffer.from(part.body));
    chunks.push(Buffer.from("\r\n"));
  }
  chunks.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(chunks);
}

describe("uploads", () => {
  let server: TestServer;
  let owner: TestUser;
  let member: TestUser;
  let spectator: TestUser;
  let outsider: TestUser;
  let uploadsDir: string;

  const headersOf = (token: string | undefined): Record<string, string> => (token ? { authorization: `Bearer ${token}` } : {});
  const setRole = (target: TestUser, role: string) =>
    owner.rest.request("PUT", `/api/participants/${target.participant.id}/role`, { role });

  /** Upload through fetch and FormData, as a browser would. */
  async function upload(token: string | undefined, roomId: string, bytes: Buffer | string, name: string, type = ""): Promise<UploadAnswer> {
    const form = new FormData();
    form.append("file", new Blob([Buffer.from(bytes)], { type }), name);
    const res = await fetch(`${server.url}/api/rooms/${roomId}/uploads`, { method: "POST", headers: headersOf(token), body: form });
    return { status: res.status, body: (await res.json()) as UploadAnswer["body"] };
  }

  async function uploaded(user: TestUser, bytes: Buffer | string, name: string, type = "", roomId = "lobby") {
    const answer = await upload(user.token, roomId, bytes, name, type);
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    return answer.body.upload!;
  }

  const download = (token: string | undefined, id: string, method = "GET") =>
    fetch(`${server.url}/api/uploads/${encodeURIComponent(id)}`, { method, headers: headersOf(token) });

  const onDisk = () => fs.readdirSync(uploadsDir).sort();
  const tempFileShows = () => waitFor("a temp file", () => onDisk().some((name) => !SHA256_NAME.test(name))).then(() => undefined);

  async function stillServing(): Promise<void> {
    const res = await fetch(`${server.url}/api/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true });
  }

  /**
   * A hand-written POST: `head` bytes, then `chunk` repeated until `total` body bytes are
   * written (only as fast as the server reads), unless the server answers or hangs up first.
   * `pauseAfter`: stop writing after that many bytes and wait for `whilePaused`; then destroy the
   * socket when `abortAtPause`, else go on.
   */
  function rawPost(options: {
    path: string;
    token?: string;
    headers?: Record<string, string>;
    head: Buffer;
    chunk?: Buffer;
    total?: number;
    tail?: Buffer;
    pauseAfter?: number;
    whilePaused?: () => Promise<void>;
    abortAtPause?: boolean;
    headersOnly?: boolean;
  }): Promise<RawAnswer> {
    return new Promise((resolve) => {
      const answer: RawAnswer = { headers: {}, body: "", sent: 0, hungUp: false };
      let answered = false;
      let ended = false;
      let closed = false;
      let aborting = false;
      const done = () => {
        if (ended && closed) resolve(answer);
      };
      const req = http.request({
        host: "127.0.0.1",
        port: server.port,
        method: "POST",
        path: options.path,
        headers: { "Content-Type": `multipart/form-data; boundary=${BOUNDARY}`, ...headersOf(options.token), ...options.headers },
      });
      req.on("socket", (socket) => {
        socket.on("close", () => {
          answer.hungUp = !aborting;
          closed = true;
          // No answer is coming over a closed socket.
          if (!answered) ended = true;
          done();
        });
      });
      req.on("response", (res) => {
        answered = true;
        answer.status = res.statusCode;
        answer.headers = res.headers;
        res.on("data", (data) => {
          answer.body += data;
        });
        res.on("end", () => {
          ended = true;
          done();
        });
        res.on("error", () => {
          ended = true;
          done();
        });
      });
      req.on("error", () => {});
      if (options.headersOnly) {
        req.flushHeaders();
        return;
      }
      answer.sent += options.head.length;
      req.write(options.head);
      const total = options.total ?? 0;
      let paused = false;
      const write = () => {
        while (answer.sent < total && !answered && !req.destroyed) {
          if (!paused && options.pauseAfter !== undefined && answer.sent >= options.pauseAfter) {
            paused = true;
            aborting = options.abortAtPause ?? false;
            void (options.whilePaused?.() ?? Promise.resolve()).then(() => (aborting ? req.destroy() : write()));
            return;
          }
          answer.sent += options.chunk!.length;
          if (!req.write(options.chunk)) {
            req.once("drain", write);
            return;
          }
        }
        if (!answered && !req.destroyed) req.end(options.tail);
      };
      write();
    });
  }

  beforeAll(async () => {
    server = await startTestServer({ uploadMaxBytes: CAP });
    uploadsDir = path.join(server.dataDir, "uploads");
    owner = await registerUser(server.url, "keeper");
    member = await registerUser(server.url, "sender");
    spectator = await registerUser(server.url, "watcher");
    outsider = await registerUser(server.url, "stranger");
    await setRole(spectator, "spectator");
    server.services.db.rooms.create({
      id: "vault",
      name: "Vault",
      topic: "",
      width: 16,
      depth: 16,
      exits: {},
      private: true,
      createdBy: owner.participant.id,
      createdAt: Date.now(),
    });
  });
  afterAll(() => server.stop());

  beforeEach(async () => {
    // Every case starts with the folder free of anything half-written.
    expect(onDisk().filter((name) => !SHA256_NAME.test(name))).toEqual([]);
  });

  it("round-trips a file with the headers that keep a browser safe", async () => {
    const text = "meeting notes\nline two \u{1F600}\n";
    const up = await uploaded(member, text, "notes.txt", "application/x-whatever");
    expect(up).toEqual({ id: expect.any(String), name: "notes.txt", type: "text/plain", size: Buffer.byteLength(text) });

    const res = await download(member.token, up.id);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(text);
    expect(res.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(res.headers.get("content-length")).toBe(String(Buffer.byteLength(text)));
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("content-security-policy")).toBe("default-src 'none'; sandbox");
    expect(res.headers.get("content-disposition")).toBe("attachment; filename*=UTF-8''notes.txt");
    // Access can end (a deleted message, a ban): a cached copy is asked about again on each use.
    expect(res.headers.get("cache-control")).toBe("private, no-cache");
    const etag = res.headers.get("etag");
    expect(etag).toMatch(/^"[0-9a-f]{64}"$/);
    // As a browser revalidates (fetch would add `Cache-Control: no-cache` on its own, which asks for the bytes).
    const revalidate = (token: string) =>
      fetch(`${server.url}/api/uploads/${up.id}`, { headers: { ...headersOf(token), "If-None-Match": etag!, "Cache-Control": "max-age=0" } });
    const revalidated = await revalidate(member.token);
    expect(revalidated.status).toBe(304);
    expect(await revalidated.text()).toBe("");
    expect((await revalidate(spectator.token)).status).toBe(404);

    const head = await download(member.token, up.id, "HEAD");
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe(String(Buffer.byteLength(text)));
    expect(await head.text()).toBe("");
    expect((await download(member.token, up.id, "DELETE")).status).toBe(404);

    const audit = await owner.rest.request<{ entries: { action: string; target: string; detail: unknown }[] }>("GET", "/api/audit");
    expect(audit.entries.find((e) => e.action === "upload.create" && e.target === up.id)).toMatchObject({
      detail: { roomId: "lobby", size: Buffer.byteLength(text), type: "text/plain" },
    });
  });

  it("types a file by its bytes: a PNG sent as text/plain is served as an image, inline", async () => {
    const up = await uploaded(member, PNG, "pixel.txt", "text/plain");
    expect(up.type).toBe("image/png");
    const res = await download(member.token, up.id);
    expect(res.headers.get("content-type")).toBe("image/png");
    expect(res.headers.get("content-disposition")).toBe("inline; filename*=UTF-8''pixel.txt");
    expect(Buffer.from(await res.arrayBuffer()).equals(PNG)).toBe(true);
  });

  it("never serves HTML as a page, whatever the client called it", async () => {
    const page = "<!doctype html><html><body><script>fetch('/api/me')</script></body></html>";
    const up = await uploaded(member, page, "cat.png", "image/png");
    expect(up.type).toBe("text/plain");
    const res = await download(member.token, up.id);
    expect(res.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment;/);
    expect(res.headers.get("content-security-policy")).toBe("default-src 'none'; sandbox");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("stores the same bytes once, under two uploads", async () => {
    const bytes = `same bytes ${Date.now()}`;
    const before = onDisk().length;
    const first = await uploaded(member, bytes, "a.txt");
    const second = await uploaded(owner, bytes, "b.txt");
    expect(first.id).not.toBe(second.id);
    expect(onDisk()).toHaveLength(before + 1);
    expect(await (await download(owner.token, second.id)).text()).toBe(bytes);
    expect((await download(owner.token, second.id)).headers.get("content-disposition")).toContain("b.txt");
  });

  it("refuses a declared over-size body before reading it", async () => {
    const before = onDisk();
    const answer = await rawPost({
      path: "/api/rooms/lobby/uploads",
      token: member.token,
      headers: { "Content-Length": String(CAP * 4) },
      head: Buffer.alloc(0),
      headersOnly: true,
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: "payload_too_large" } });
    expect(answer.hungUp).toBe(true);
    expect(onDisk()).toEqual(before);
    await stillServing();
  });

  it("cuts a streamed over-size file, hangs up and leaves nothing on disk", async () => {
    const before = onDisk();
    const total = CAP * 40; // 10 MB that the server must not read
    const answer = await rawPost({
      path: "/api/rooms/lobby/uploads",
      token: member.token,
      head: Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\n\r\n`),
      chunk: Buffer.alloc(16 * 1024, "x"),
      total,
      tail: Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: "payload_too_large" } });
    expect(answer.headers.connection).toBe("close");
    expect(answer.hungUp).toBe(true);
    expect(answer.sent).toBeLessThan(total);
    expect(onDisk()).toEqual(before);
    await stillServing();
  });

  it("cuts an over-size body whose file part never starts (endless preamble)", async () => {
    const answer = await rawPost({
      path: "/api/rooms/lobby/uploads",
      token: member.token,
      head: Buffer.alloc(0),
      chunk: Buffer.alloc(16 * 1024, "p"),
      total: CAP * 40,
    });
    expect(answer.status).toBe(413);
    expect(answer.hungUp).toBe(true);
    expect(answer.sent).toBeLessThan(CAP * 40);
    await stillServing();
  });

  it("leaves nothing on disk when the client aborts mid-file, and goes on serving", async () => {
    const before = onDisk();
    const size = CAP / 2;
    const head = Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="cut.bin"\r\n\r\n`);
    const tail = Buffer.from(`\r\n--${BOUNDARY}--\r\n`);
    await rawPost({
      path: "/api/rooms/lobby/uploads",
      token: member.token,
      headers: { "Content-Length": String(head.length + size + tail.length) },
      head,
      chunk: Buffer.alloc(8 * 1024, 0xfe),
      total: head.length + size,
      pauseAfter: head.length + size / 2,
      // Abort only once the server is visibly writing the file.
      whilePaused: tempFileShows,
      abortAtPause: true,
    });
    await waitFor("the temp file gone", () => onDisk().every((name) => SHA256_NAME.test(name)));
    expect(onDisk()).toEqual(before);
    await stillServing();
    expect((await uploaded(member, "after the abort", "after.txt")).size).toBe(15);
  });

  it("leaves nothing on disk when a multipart body ends mid-file", async () => {
    const before = onDisk();
    const body = Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="half.txt"\r\n\r\nhalf a file`);
    const answer = await rawPost({ path: "/api/rooms/lobby/uploads", token: member.token, head: body, tail: Buffer.alloc(0) });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: "bad_input" } });
    expect(onDisk()).toEqual(before);
    await stillServing();
  });

  it("keeps hostile file names inside the folder and shows them cleaned", async () => {
    const cases: [string, string][] = [
      ["../../etc/passwd", "passwd"],
      ["..\\x", "x"],
      ["..", "file"],
      ["/", "file"],
      ["a\u0000b.txt", "ab.txt"],
      ["tab\tand\u202Ebidi.txt", "tabandbidi.txt"],
      ["bell\u0007.txt", "bell.txt"],
      [`${"n".repeat(300)}.txt`, "n".repeat(200)],
    ];
    const dataBefore = fs.readdirSync(server.dataDir).sort();
    const post = (part: Part) => rawPost({ path: "/api/rooms/lobby/uploads", token: member.token, head: multipart([part]) });
    for (const [sent, shown] of cases) {
      // Quoted as written where the header allows it, and percent-encoded, which lets control characters through.
      for (const encoded of /[\u0000-\u0008\u000A-\u001F\u007F]/.test(sent) ? [true] : [false, true]) {
        const answer = await post({ field: "file", filename: sent, encoded, type: "text/plain", body: `named ${JSON.stringify(sent)}` });
        expect(answer.status, `${JSON.stringify(sent)}: ${answer.body}`).toBe(201);
        const up = JSON.parse(answer.body).upload as { id: string; name: string };
        expect(up.name).toBe(shown);
        const res = await download(member.token, up.id);
        expect(res.headers.get("content-disposition")).toBe(`attachment; filename*=UTF-8''${encodeURIComponent(shown)}`);
      }
    }
    // A raw NUL inside the part header is no header at all: refused whole.
    const raw = await post({ field: "file", filename: "a\u0000b.txt", body: "raw nul" });
    expect(raw.status).toBe(400);
    // Still only content names in the folder, and nothing new beside it.
    expect(onDisk().every((name) => SHA256_NAME.test(name))).toBe(true);
    expect(fs.readdirSync(server.dataDir).sort()).toEqual(dataBefore);
    expect(fs.existsSync(path.join(server.dataDir, "..", "etc", "passwd"))).toBe(false);
    await stillServing();
  });

  it("takes exactly one file part named 'file', sent as multipart", async () => {
    const post = (body: Buffer | string, type = `multipart/form-data; boundary=${BOUNDARY}`) =>
      fetch(`${server.url}/api/rooms/lobby/uploads`, {
        method: "POST",
        headers: { ...headersOf(member.token), "Content-Type": type },
        body: typeof body === "string" ? body : new Uint8Array(body),
      });
    const before = onDisk();
    const refusals = [
      await post(multipart([{ field: "note", body: "no file here" }])),
      await post(multipart([{ field: "attachment", filename: "a.txt", body: "wrong name" }])),
      await post(multipart([{ field: "file", filename: "a.txt", body: "one" }, { field: "file", filename: "b.txt", body: "two" }])),
      await post(multipart([{ field: "file", filename: "a.txt", body: "one" }, { field: "comment", body: "extra" }])),
      await post(`--${BOUNDARY}--\r\n`),
      await post(JSON.stringify({ file: "hello" }), "application/json"),
      await post("file=hello", "application/x-www-form-urlencoded"),
      await post(multipart([{ field: "file", filename: "a.txt", body: "x" }]), "multipart/form-data"),
    ];
    for (const res of refusals) {
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: "bad_input" } });
    }
    expect(onDisk()).toEqual(before);
    await stillServing();
  });

  it("keeps no file of a body refused after that file arrived whole", async () => {
    const before = onDisk();
    const first = `arrived whole ${Date.now()}`;
    const head = Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\n${first}\r\n--${BOUNDARY}\r\n`);
    const second = Buffer.from(`Content-Disposition: form-data; name="file"; filename="b.txt"\r\n\r\nsecond\r\n--${BOUNDARY}--\r\n`);
    const answer = await rawPost({
      path: "/api/rooms/lobby/uploads",
      token: member.token,
      head,
      chunk: second,
      total: head.length + second.length,
      pauseAfter: head.length,
      // The second file part comes only once the first is stored under its name.
      whilePaused: () => waitFor("the first file stored", () => onDisk().includes(createHash("sha256").update(first).digest("hex"))).then(() => undefined),
    });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body).error.message).toMatch(/more than one file/);
    expect(onDisk()).toEqual(before);
  });

  it("serves an unattached upload to its uploader alone, and a room message's to all who may see the room", async () => {
    const up = await uploaded(member, "shown to the room", "room.txt");
    expect((await download(member.token, up.id)).status).toBe(200);
    // Knowing the id is not enough: the owner reads it from the audit log, a spectator could guess it.
    const audit = await owner.rest.request<{ entries: { action: string; target: string }[] }>("GET", "/api/audit");
    expect(audit.entries.some((e) => e.action === "upload.create" && e.target === up.id)).toBe(true);
    for (const token of [owner.token, spectator.token, outsider.token]) expect((await download(token, up.id)).status).toBe(404);
    expect((await download(spectator.token, up.id, "HEAD")).status).toBe(404);

    await member.rest.request("POST", "/api/rooms/lobby/messages", { text: "see attached", attachments: [up.id] });
    for (const token of [member.token, owner.token, spectator.token, outsider.token]) {
      const res = await download(token, up.id);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe("shown to the room");
    }
  });

  it("answers only those who may see the room, and hides the rest", async () => {
    const secret = await uploaded(owner, "owner's secret", "secret.txt", "", "vault");
    // A private room the caller was not invited to, and a room that does not exist: both 404.
    expect((await upload(outsider.token, "vault", "let me in", "x.txt")).status).toBe(404);
    expect((await upload(outsider.token, "no-such-room", "anywhere", "x.txt")).status).toBe(404);
    expect((await download(outsider.token, secret.id)).status).toBe(404);
    expect((await download(outsider.token, "no-such-upload")).status).toBe(404);
    const notFound = await (await download(outsider.token, secret.id)).json();
    const unknown = await (await download(outsider.token, "no-such-upload")).json();
    expect(notFound.error.code).toBe(unknown.error.code);

    // A ban in the room: no uploads there, and its files are gone from view.
    const lobbyFile = await uploaded(owner, "lobby file", "lobby.txt");
    await owner.rest.request("POST", "/api/rooms/lobby/messages", { text: "for everyone", attachments: [lobbyFile.id] });
    const banned = await registerUser(server.url, "banished");
    expect((await download(banned.token, lobbyFile.id)).status).toBe(200);
    server.services.db.sanctions.impose({
      roomId: "lobby",
      participantId: banned.participant.id,
      kind: "ban",
      until: Date.now() + 60_000,
      byId: owner.participant.id,
      byPriority: 999,
      createdAt: Date.now(),
    });
    const refused = await upload(banned.token, "lobby", "still here?", "x.txt");
    expect(refused.status).toBe(403);
    expect(refused.body.error?.message).toMatch(/banned.*until/);
    expect((await download(banned.token, lobbyFile.id)).status).toBe(404);
    await stillServing();
  });

  it("asks again when the file has arrived: a ban imposed mid-upload keeps it out", async () => {
    const latecomer = await registerUser(server.url, "latecomer");
    const before = onDisk();
    const size = CAP / 2;
    const head = Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="slow.bin"\r\n\r\n`);
    const answer = await rawPost({
      path: "/api/rooms/lobby/uploads",
      token: latecomer.token,
      head,
      chunk: Buffer.alloc(8 * 1024, 0xab),
      total: head.length + size,
      tail: Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
      pauseAfter: head.length + size / 2,
      whilePaused: async () => {
        await tempFileShows();
        server.services.db.sanctions.impose({
          roomId: "lobby",
          participantId: latecomer.participant.id,
          kind: "ban",
          until: Date.now() + 60_000,
          byId: owner.participant.id,
          byPriority: 999,
          createdAt: Date.now(),
        });
      },
    });
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body).error.message).toMatch(/banned/);
    expect(onDisk()).toEqual(before);
  });

  it("refuses a participant in a kick's cooldown, who may not send there either", async () => {
    const kicked = await registerUser(server.url, "kicked-out");
    server.services.db.sanctions.impose({
      roomId: "lobby",
      participantId: kicked.participant.id,
      kind: "kick",
      until: Date.now() + 60_000,
      byId: owner.participant.id,
      byPriority: 999,
      createdAt: Date.now(),
    });
    const before = onDisk();
    const refused = await upload(kicked.token, "lobby", `kicked ${Date.now()}`, "k.txt");
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: "forbidden", message: expect.stringMatching(/kicked/) });
    expect(onDisk()).toEqual(before);
    server.services.db.sanctions.lift("lobby", kicked.participant.id, "kick");
    expect((await upload(kicked.token, "lobby", "back again", "k.txt")).status).toBe(201);
  });

  it("refuses a spectator, who may read but not upload", async () => {
    const refused = await upload(spectator.token, "lobby", "spectating", "s.txt");
    expect(refused.status).toBe(403);
    expect(refused.body.error?.code).toBe("forbidden");
    expect(refused.body.error?.message).toMatch(/upload_files/);
  });

  it("refuses callers without a session", async () => {
    const up = await uploaded(member, "for members", "m.txt");
    expect((await upload(undefined, "lobby", "anonymous", "a.txt")).status).toBe(401);
    expect((await upload(`${member.token}x`, "lobby", "forged", "a.txt")).status).toBe(401);
    expect((await download(undefined, up.id)).status).toBe(401);
    expect((await download(undefined, up.id, "HEAD")).status).toBe(401);
  });

  it("spends one input from the uploader's allowance, and refuses when it is spent", async () => {
    const limits = server.services.limits;
    const ordinary = limits.inputs;
    limits.inputs = new KeyedRateLimiter(0.01, 1); // one upload, then a long wait
    try {
      expect((await upload(member.token, "lobby", "the one", "one.txt")).status).toBe(201);
      const refused = await upload(member.token, "lobby", "one too many", "two.txt");
      expect(refused.status).toBe(429);
      expect(refused.body.error?.code).toBe("rate_limited");
      expect((await upload(owner.token, "lobby", "someone else's", "three.txt")).status).toBe(201);
    } finally {
      limits.inputs = ordinary;
    }
    await stillServing();
  });
});
