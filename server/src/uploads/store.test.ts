import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { text } from "node:stream/consumers";
import { afterEach, describe, expect, it } from "vitest";
import { UploadStore } from "./store.ts";

/** A 1×1 PNG. */
const PNG = Buffer.from(
  "89504e470d0a1a0a0000000d4948445200000001000000010806000000" +
    "1f15c4890000000d4944415478da63f8cfc0f01f0005000201a5b6a6e70000000049454e44ae426082",
  "hex",
);

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function storeWith(maxBytes = 1024 * 1024): UploadStore {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-uploads-"));
  dirs.push(dir);
  return new UploadStore(dir, maxBytes);
}

const sha = (bytes: Buffer | string) => createHash("sha256").update(bytes).digest("hex");
const chunks = (...parts: (Buffer | string)[]) => Readable.from(parts.map((p) => Buffer.from(p)));

/** A source that keeps producing `chunk` until it has sent `total` bytes (or is stopped). */
function endless(chunk: Buffer, total = Number.POSITIVE_INFINITY): Readable & { sent: number } {
  let sent = 0;
  const source = new Readable({
    read() {
      if (sent >= total) return void this.push(null);
      sent += chunk.length;
      this.push(chunk);
    },
  });
  return Object.assign(source, {
    get sent() {
      return sent;
    },
  });
}

describe("the upload store", () => {
  it("names a file by the sha256 of its bytes and keeps them as sent", async () => {
    const store = storeWith();
    const saved = await store.save(chunks("hello ", "world"));
    expect(saved).toEqual({ ok: true, value: { sha256: sha("hello world"), size: 11, type: "text/plain" } });
    expect(fs.readdirSync(store.dir)).toEqual([sha("hello world")]);
    const read = await store.read(sha("hello world"));
    expect(read?.size).toBe(11);
    expect(await text(read!.stream)).toBe("hello world");
  });

  it("sniffs the type from the bytes alone", async () => {
    const store = storeWith();
    const typeOf = async (...parts: (Buffer | string)[]) => {
      const saved = await store.save(chunks(...parts));
      return saved.ok ? saved.value.type : saved.error.code;
    };
    expect(await typeOf(PNG)).toBe("image/png");
    expect(await typeOf(Buffer.from("%PDF-1.4\n%âãÏÓ\n1 0 obj\n"))).toBe("application/pdf");
    expect(await typeOf(Buffer.from("GIF89a\x01\x00\x01\x00\x00\x00\x00;", "latin1"))).toBe("image/gif");
    // HTML is just text: nothing the store hands out is ever typed as a page.
    expect(await typeOf("<!doctype html><script>alert(1)</script>")).toBe("text/plain");
    expect(await typeOf("h\u00e9llo ", "w\u00f6rld \u{1F600}")).toBe("text/plain");
    expect(await typeOf(Buffer.from([0x68, 0x00, 0x69]))).toBe("application/octet-stream"); // a NUL
    expect(await typeOf(Buffer.from([0xc3, 0x28]))).toBe("application/octet-stream"); // not UTF-8
    expect(await typeOf(Buffer.from("caf\u00e9").subarray(0, 4))).toBe("application/octet-stream"); // cut mid-character
    expect(await typeOf(Buffer.alloc(0))).toBe("application/octet-stream");
  });

  it("reads a character split across two chunks as text", async () => {
    const store = storeWith();
    const euro = Buffer.from("price: \u20ac5");
    const saved = await store.save(chunks(euro.subarray(0, 8), euro.subarray(8)));
    expect(saved.ok && saved.value.type).toBe("text/plain");
  });

  it("stores the same bytes once", async () => {
    const store = storeWith();
    const first = await store.save(chunks(PNG));
    const second = await store.save(chunks(PNG.subarray(0, 10), PNG.subarray(10)));
    expect(first).toEqual(second);
    expect(fs.readdirSync(store.dir)).toEqual([sha(PNG)]);
  });

  it("accepts a file of exactly the cap and cuts one byte more, leaving nothing behind", async () => {
    const store = storeWith(1000);
    expect((await store.save(chunks(Buffer.alloc(1000, "a")))).ok).toBe(true);
    const over = await store.save(chunks(Buffer.alloc(1001, "b")));
    expect(over).toMatchObject({ ok: false, error: { code: "payload_too_large" } });
    expect(fs.readdirSync(store.dir)).toEqual([sha(Buffer.alloc(1000, "a"))]);
  });

  it("stops reading an endless source soon after the cap", async () => {
    const store = storeWith(64 * 1024);
    const source = endless(Buffer.alloc(16 * 1024, "x"));
    const over = await store.save(source);
    expect(over).toMatchObject({ ok: false, error: { code: "payload_too_large" } });
    expect(source.sent).toBeLessThan(1024 * 1024);
    expect(source.destroyed).toBe(true);
    expect(fs.readdirSync(store.dir)).toEqual([]);
  });

  it("deletes the temp file when the source fails mid-file", async () => {
    const store = storeWith();
    const source = endless(Buffer.alloc(8 * 1024, "y"));
    setTimeout(() => source.destroy(new Error("Unexpected end of file")), 5);
    const cut = await store.save(source);
    expect(cut).toMatchObject({ ok: false, error: { code: "bad_input" } });
    expect(fs.readdirSync(store.dir)).toEqual([]);
  });

  it("deletes the temp file when the upload is aborted", async () => {
    const store = storeWith();
    const stop = new AbortController();
    const source = new Readable({ read() {} }); // never ends by itself: a client gone quiet
    source.push(Buffer.alloc(4096, "z"));
    setTimeout(() => stop.abort(), 20);
    const cut = await store.save(source, stop.signal);
    expect(cut).toMatchObject({ ok: false, error: { code: "bad_input" } });
    expect(fs.readdirSync(store.dir)).toEqual([]);
  });

  it("deletes the temp file when the upload is aborted before its file is even open", async () => {
    const store = storeWith();
    for (let i = 0; i < 20; i++) {
      const stop = new AbortController();
      const saving = store.save(chunks("too late"), stop.signal);
      stop.abort(); // a refusal in the same parse as the file part's start (a second file part)
      expect(await saving).toMatchObject({ ok: false, error: { code: "bad_input" } });
      expect(fs.readdirSync(store.dir)).toEqual([]);
    }
  });

  it("throws when the disk refuses, and says so", async () => {
    const store = storeWith();
    fs.rmSync(store.dir, { recursive: true });
    await expect(store.save(chunks("lost"))).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("clears temp files a crash left behind when it opens", () => {
    const first = storeWith();
    fs.writeFileSync(path.join(first.dir, ".incoming-left-by-a-crash"), "half");
    fs.writeFileSync(path.join(first.dir, sha("kept")), "kept");
    const reopened = new UploadStore(path.dirname(first.dir), 1000);
    expect(fs.readdirSync(reopened.dir)).toEqual([sha("kept")]);
  });

  it("never turns a name it is given into a path outside its folder", async () => {
    const store = storeWith();
    await store.save(chunks("x"));
    for (const name of ["../mesh.sqlite", "..", "", sha("x").toUpperCase(), `${sha("x")}/../x`]) {
      expect(await store.read(name)).toBeUndefined();
      expect(store.remove(name)).toBe(false);
    }
    expect(fs.readdirSync(store.dir)).toEqual([sha("x")]);
  });

  it("removes a stored file once its saver releases it, once", async () => {
    const store = storeWith();
    await store.save(chunks(PNG));
    expect(store.remove(sha(PNG))).toBe(false); // held until released
    expect(fs.readdirSync(store.dir)).toEqual([sha(PNG)]);
    store.release(sha(PNG)); // nothing uses it: it goes
    expect(fs.readdirSync(store.dir)).toEqual([]);
    expect(store.remove(sha(PNG))).toBe(false);
    expect(await store.read(sha(PNG))).toBeUndefined();
  });

  it("keeps a file a record uses, or another upload of the same bytes still holds", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-uploads-"));
    dirs.push(dir);
    const recorded = new Set<string>();
    const store = new UploadStore(dir, 1024, (sha256) => recorded.has(sha256));
    await store.save(chunks("twice"));
    await store.save(chunks("twice")); // the same bytes again, before the first is recorded
    store.release(sha("twice")); // the first was refused
    expect(fs.readdirSync(store.dir)).toEqual([sha("twice")]);
    recorded.add(sha("twice"));
    store.release(sha("twice")); // the second was recorded
    expect(store.remove(sha("twice"))).toBe(false);
    recorded.clear();
    expect(store.remove(sha("twice"))).toBe(true);
    expect(fs.readdirSync(store.dir)).toEqual([]);
  });
});
