import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorsOf, registerUser, restRefusal, startTestServer, type TestServer, type TestUser, waitFor } from "./harness.ts";

/** The eight bytes every PNG starts with, then some: enough for the type to be sniffed. */
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0]);

describe("attachments on messages", () => {
  let server: TestServer;
  let ann: TestUser;
  let ben: TestUser;

  beforeAll(async () => {
    server = await startTestServer();
    ann = await registerUser(server.url, "ann");
    ben = await registerUser(server.url, "ben");
    await ann.rest.request("POST", "/api/rooms", { id: "annex", name: "Annex" });
  });
  afterAll(() => server.stop());

  it("a message carries its uploads' name, sniffed type and size, in state and history; deleting it drops them", async () => {
    const a = await ann.client.join("lobby");
    const b = await ben.client.join("lobby");
    const picture = await ann.rest.upload("lobby", "cat.png", PNG, "text/plain");
    const notes = await ann.rest.upload("lobby", "notes.txt", new TextEncoder().encode("plain words"));
    const sent = await a.sendAndWait("look", { attachments: [picture.id, notes.id] });
    expect(sent.attachments).toEqual([
      { id: picture.id, name: "cat.png", type: "image/png", size: PNG.length },
      { id: notes.id, name: "notes.txt", type: "text/plain", size: 11 },
    ]);
    const shown = await waitFor("Ben sees the attachments", () => [...b.state.messages].find((m) => m.id === sent.id && m.attachments.length === 2));
    expect(shown.attachments.map((x) => [x.name, x.type, x.size])).toEqual([
      ["cat.png", "image/png", PNG.length],
      ["notes.txt", "text/plain", 11],
    ]);
    expect((await ben.rest.download(picture.id)).bytes).toEqual(PNG);
    a.delete(sent.id);
    await waitFor("attachments gone with the message", () => [...b.state.messages].find((m) => m.id === sent.id && m.deleted && m.attachments.length === 0));
    const history = await ben.rest.history("lobby", { limit: 10 });
    expect(history.find((m) => m.id === sent.id)?.attachments).toEqual([]);
    await a.leave();
    await b.leave();
  });

  it("only your own uploads to this room can ride on your message", async () => {
    const b = await ben.client.join("lobby");
    const errors = errorsOf(b);
    const annsUpload = await ann.rest.upload("lobby", "hers.txt", new TextEncoder().encode("hers"));
    const elsewhere = await ben.rest.upload("annex", "there.txt", new TextEncoder().encode("there"));
    b.sendRaw("send_message", { text: "borrowed", attachments: [annsUpload.id], nonce: "borrowed" });
    b.sendRaw("send_message", { text: "wrong room", attachments: [elsewhere.id], nonce: "wrong-room" });
    b.sendRaw("send_message", { text: "made up", attachments: ["no-such-upload"], nonce: "made-up" });
    b.sendRaw("send_message", { text: "too many", attachments: Array.from({ length: 11 }, (_, i) => `u${i}`), nonce: "too-many" });
    await waitFor("four refusals", () => errors.length >= 4);
    expect(errors.map((e) => [e.ref, e.code])).toEqual([
      ["send_message:borrowed", "not_found"],
      ["send_message:wrong-room", "not_found"],
      ["send_message:made-up", "not_found"],
      ["send_message:too-many", "bad_input"],
    ]);
    // The same rule over REST.
    const refused = await restRefusal(ben.rest.request("POST", "/api/rooms/lobby/messages", { text: "rest", attachments: [annsUpload.id] }));
    expect(refused).toMatchObject({ status: 404, code: "not_found" });
    const history = await ben.rest.history("lobby", { limit: 20 });
    expect(history.some((m) => ["borrowed", "wrong room", "made up", "too many", "rest"].includes(m.text))).toBe(false);
    await b.leave();
  });
});
