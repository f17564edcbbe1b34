import { MeshRest, MeshRestError } from "@mesh/bots";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerUser, restRefusal, startTestServer, type TestServer, type TestUser, waitFor } from "./harness.ts";

/** A polling bot's whole life through the SDK's REST client only, as a non-TypeScript-socket bot would live it. */
describe("MeshRest: bots from registration to deletion", () => {
  let server: TestServer;
  let ann: TestUser;

  beforeAll(async () => {
    server = await startTestServer();
    await registerUser(server.url, "root");
    ann = await registerUser(server.url, "ann");
  });
  afterAll(() => server.stop());

  it("registers, starts, polls, acts, rotates, stops and deletes a bot", async () => {
    const registered = await ann.rest.registerBot({ name: "clerk", mode: "polling" });
    expect(registered.bot).toMatchObject({ name: "clerk", mode: "polling", ownerId: ann.participant.id, running: false });
    expect(registered.skill).toContain("POST");
    expect((await ann.rest.bots()).map((b) => b.name)).toEqual(["clerk"]);
    const botId = registered.bot.id;
    expect((await ann.rest.startBot(botId)).state).toBe("running"); // present without a socket
    expect((await ann.rest.bots())[0].running).toBe(true);

    const clerk = new MeshRest(server.url, registered.token);
    const room = await ann.client.join("lobby");
    await waitFor("the clerk is present", () => room.state.participants.get(botId));
    await room.sendAndWait("anyone at the desk?");
    let cursor = 0;
    let heard = false;
    for (let i = 0; i < 20 && !heard; i++) {
      const answer = await clerk.poll(cursor, { waitS: 1 });
      cursor = answer.cursor;
      heard = answer.events.some((e) => e.type === "message" && (e.data as { text: string }).text === "anyone at the desk?");
    }
    expect(heard).toBe(true);
    const reply = await clerk.postMessage("lobby", { text: "here" });
    expect(reply.authorId).toBe(botId);
    await clerk.input("lobby", "move", { x: 30, z: 30 });
    await waitFor("the clerk walks", () => (room.state.participants.get(botId)?.x ?? 0) < 31, 10_000);

    const fresh = await ann.rest.rotateBotToken(botId);
    expect((await restRefusal(clerk.poll(cursor))).status).toBe(401);
    const renewed = new MeshRest(server.url, fresh);
    expect((await renewed.poll(cursor)).cursor).toBeGreaterThanOrEqual(cursor);

    const logs = await ann.rest.botLogs(botId);
    expect(Array.isArray(logs.logs)).toBe(true);
    await ann.rest.stopBot(botId);
    await waitFor("the clerk left", () => !room.state.participants.get(botId));
    await ann.rest.revokeBotToken(botId);
    expect((await restRefusal(renewed.poll(cursor))).status).toBe(401);
    await ann.rest.deleteBot(botId);
    expect(await ann.rest.bots()).toEqual([]);
    await expect(ann.rest.startBot(botId)).rejects.toBeInstanceOf(MeshRestError);
    await room.leave();
  });
});
