import { MeshJoinError, MeshRestError, MeshSendError, type ParticipantListing, type RoomListing } from "@mesh/bots";
import { describe, expect, it } from "vitest";
import { plainText } from "../mud/text.ts";
import { describeRooms, describeWho, errorText } from "./reports.ts";

function participant(id: string, extra: Partial<ParticipantListing> = {}): ParticipantListing {
  return { id, name: id, kind: "human", role: "member", ownerId: "", createdAt: 0, status: "online", rooms: ["lobby"], clients: [], ...extra } as ParticipantListing;
}

function room(id: string, extra: Partial<RoomListing> = {}): RoomListing {
  return { id, name: `The ${id}`, topic: "", width: 30, depth: 30, exits: {}, online: 0, unread: 0, mentions: 0, readSeq: 0, ...extra } as RoomListing;
}

describe("describeWho", () => {
  it("lists everyone online by name, with rooms, clients and status, and counts the offline", () => {
    const lines = describeWho(
      [
        participant("zed", { clients: ["3d"] }),
        participant("Ann", { clients: ["term", "ssh"], rooms: ["lobby", "garden"] }),
        participant("bob", { status: "away", clients: ["cli"] }),
        participant("Bot-7", { kind: "bot", ownerId: "Ann", rooms: ["garden"] }),
        participant("Bot-9", { kind: "bot", ownerId: "Ann", clients: ["sdk"] }),
        participant("gone", { status: "offline", rooms: [] }),
        participant("lurker", { status: "offline", rooms: ["lobby"] }),
        participant("idle", { rooms: [] }),
      ],
      "Ann",
    );
    expect(lines.map(plainText)).toEqual([
      "7 online (1 offline)",
      "  Ann in lobby, garden via term, ssh",
      "  bob in lobby via cli [away]",
      "  Bot-7 (bot) in garden via bridge",
      "  Bot-9 (bot) in lobby via sdk",
      "  idle in no room via —",
      "  lurker in lobby via — [offline]",
      "  zed in lobby via 3d",
    ]);
    expect(lines[1]?.find((s) => s.text === "Ann")?.tone).toBe("me");
    expect(lines[3]?.find((s) => s.text === "Bot-7")?.tone).toBe("bot");
  });

  it("says when nobody is online", () => {
    expect(describeWho([], "me").map(plainText)).toEqual(["0 online (0 offline)"]);
  });

  it("shows hostile names inert", () => {
    expect(describeWho([participant("\x1b[2Jx")], "me").map(plainText)[1]).toBe("  ␛[2Jx in lobby via —");
  });
});

describe("describeRooms", () => {
  it("lists each room with who is in it, unread, mentions and exits; yours marked", () => {
    const lines = describeRooms(
      [
        room("lobby", { online: 3, exits: { north: "garden", east: "hall" } }),
        room("garden", { online: 0, unread: 4, mentions: 1, exits: { south: "lobby" } }),
        room("hall", { online: 1, unread: 2, mentions: 3 }),
      ],
      "lobby",
    );
    expect(lines.map(plainText)).toEqual([
      "3 rooms (join <id> to go):",
      "* lobby The lobby — 3 here (exits north, east)",
      "  garden The garden — 0 here, 4 unread, 1 mention (exits south)",
      "  hall The hall — 1 here, 2 unread, 3 mentions",
    ]);
    expect(lines[2]?.find((s) => s.text.includes("mention"))?.tone).toBe("mention");
  });

  it("one room, no room, and not being in any", () => {
    expect(describeRooms([room("lobby")], undefined).map(plainText)).toEqual(["1 room (join <id> to go):", "  lobby The lobby — 0 here"]);
    expect(describeRooms([], "lobby").map(plainText)).toEqual(["There are no rooms you can enter."]);
  });
});

describe("errorText", () => {
  it("one sentence for each kind of failure", () => {
    expect(errorText(new MeshRestError(0, "network", "fetch failed"))).toBe("The server cannot be reached.");
    expect(errorText(new MeshRestError(403, "forbidden", "You may not do that."))).toBe("You may not do that.");
    expect(errorText(new MeshJoinError(4001, "Room is full."))).toBe("Room is full.");
    expect(errorText(new MeshSendError("timeout", "No answer in time.", "n1"))).toBe("No answer in time.");
    expect(errorText(new Error("boom"))).toBe("boom");
    expect(errorText("plain string")).toBe("plain string");
    expect(errorText(42)).toBe("42");
  });
});
