import { spawn } from "node:child_process";
import type { MessageData } from "@mesh/schema";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerUser, startTestServer, type TestServer, type TestUser, waitFor } from "./harness.ts";
import { MESH_TERM, type PtyRun, runInPty } from "./term-driver.ts";

const PASSWORD = "correct horse battery";

/** mesh-term in a real pseudo-terminal against a real server, with an SDK client on the other side. */
describe("mesh-term, the CLI", () => {
  let server: TestServer;
  let owner: TestUser;
  let bob: TestUser;
  const runs: PtyRun[] = [];

  const start = (args: string[], env: Record<string, string | undefined> = {}) => {
    const run = runInPty(process.execPath, [MESH_TERM, "--url", server.url, ...args], env);
    runs.push(run);
    return run;
  };
  const signedIn = async (name: string, env: Record<string, string | undefined> = {}, extra: string[] = []) => {
    const run = start(["--user", name, ...extra], env);
    await run.waitFor(`Password for ${name}: `);
    run.type(`${PASSWORD}\r`);
    await run.waitFor(/Lobby \(lobby\)/);
    return run;
  };

  beforeAll(async () => {
    server = await startTestServer();
    owner = await registerUser(server.url, "cli-owner");
    bob = await registerUser(server.url, "bob");
    await owner.rest.request("POST", "/api/rooms", { id: "hall", name: "The Hall", exits: { south: "lobby" } });
    await owner.rest.request("PATCH", "/api/rooms/lobby", { exits: { north: "hall" } });
  });
  afterAll(async () => {
    for (const run of runs) run.kill();
    await server.stop();
  });

  it("signs in with a password typed without echo, then look, say, tell and go, each seen by an SDK client", async () => {
    const ann = await registerUser(server.url, "ann");
    const lobby = await bob.client.join("lobby");
    const heard: MessageData[] = [];
    lobby.onMessage((m) => heard.push(m));
    const run = await signedIn("ann");
    expect(run.text()).not.toContain(PASSWORD);
    // Others see how ann is connected.
    const listing = (await bob.rest.participants()).find((p) => p.id === ann.participant.id);
    expect(listing).toMatchObject({ status: "online", rooms: ["lobby"], clients: ["cli"] });
    expect((await bob.rest.participants()).find((p) => p.id === bob.participant.id)?.clients).toEqual(["sdk"]);

    let from = run.mark();
    run.type("look\r");
    const look = await run.waitFor(/bob is .*\n/, { from });
    expect(look).toContain("Exits: north to The Hall");

    run.type("say hello from the cli\r");
    const said = await waitFor("bob hears ann", () => heard.find((m) => m.text === "hello from the cli"));
    expect(said.authorId).toBe(ann.participant.id);

    from = run.mark();
    await lobby.sendAndWait("hi ann, welcome");
    await run.waitFor("bob says: hi ann, welcome", { from });

    run.type("tell bob a secret for you\r");
    const dm = await waitFor("bob gets the DM", () => heard.find((m) => m.text === "a secret for you"));
    expect(dm.to).toBe(bob.participant.id);

    const hall = await bob.client.join("hall");
    const inHall: MessageData[] = [];
    hall.onMessage((m) => inHall.push(m));
    from = run.mark();
    run.type("go north\r");
    await run.waitFor(/The Hall \(hall\)[\s\S]*Exits: south to Lobby/, { from });
    const arrived = await waitFor("bob's hall sees ann arrive", () => hall.participant(ann.participant.id));
    expect(arrived.z).toBeLessThan(8); // just inside the hall's south doorway, the way ann came in
    await waitFor("ann gone from the lobby", () => !lobby.participant(ann.participant.id));
    run.type("say made it to the hall\r");
    await waitFor("said in the hall", () => inHall.find((m) => m.text === "made it to the hall"));

    run.type("quit\r");
    expect(await run.exited).toBe(0);
    await hall.leave();
    await lobby.leave();
  });

  it("shows another's escape sequences as inert text: no title change, no cleared screen, no colour", async () => {
    await registerUser(server.url, "inert-reader");
    const lobby = await bob.client.join("lobby");
    const run = await signedIn("inert-reader");
    const from = run.mark();
    await lobby.sendAndWait("evil \u001b]0;pwned\u0007 \u001b[2J \u001b[31mred\u001b[0m \u009b31m \u202Egnp.exe end");
    const seen = await run.waitFor(/evil .* end/, { from });
    const raw = run.raw().slice(from);
    for (const hostile of ["\u001b]0;", "\u001b[2J", "\u001b[31mred", "\u0007", "\u009b", "\u202E"]) expect(raw).not.toContain(hostile);
    // The server strips control characters from message text; what is left of each sequence, and the
    // direction override it keeps, shows as plain visible text (the client renders any control
    // character that does arrive as a picture, ␛ for ESC: see client-term/src/mud/text.test.ts).
    expect(seen).toContain("evil ]0;pwned [2J [31mred[0m 31m <U+202E>gnp.exe end");
    run.type("quit\r");
    expect(await run.exited).toBe(0);
    await lobby.leave();
  });

  it("colours a terminal, and not with NO_COLOR, nor in --plain mode (which also draws no prompt)", async () => {
    await registerUser(server.url, "colour-fan");
    const coloured = await signedIn("colour-fan");
    expect(coloured.raw()).toContain("\u001b[1;36mLobby");
    coloured.type("quit\r");
    await coloured.exited;

    const noColour = await signedIn("colour-fan", { NO_COLOR: "1" });
    expect(noColour.raw()).not.toMatch(/\u001b\[[0-9;]*m/);
    noColour.type("quit\r");
    await noColour.exited;

    const plain = await signedIn("colour-fan", {}, ["--plain"]);
    const from = plain.mark();
    plain.type("look\r");
    await plain.waitFor("You are in the middle.", { from });
    // One event per line, no escape sequences at all: no colour, no cursor movement, no prompt redraws.
    expect(plain.raw()).not.toContain("\u001b");
    plain.type("quit\r");
    expect(await plain.exited).toBe(0);
  });

  it("completes names and exits with Tab, suggests the nearest command, and refuses what cannot be done in words", async () => {
    await registerUser(server.url, "tabber");
    const lobby = await bob.client.join("lobby");
    const run = await signedIn("tabber");
    let from = run.mark();
    run.type("tell bo\t");
    await run.waitFor("tell bob ", { from });
    run.type("\u0015"); // Ctrl-U: clear the line
    from = run.mark();
    run.type("go no\t");
    await run.waitFor("go north ", { from });
    run.type("\u0015");
    from = run.mark();
    run.type("lok\r");
    await run.waitFor("Unknown command 'lok'. Did you mean 'look'?", { from });
    from = run.mark();
    run.type("go west\r");
    await run.waitFor("There is no exit west. Exits: north.", { from });
    run.type("tell nobody-at-all hello\r");
    await run.waitFor("Nobody called 'nobody-at-all' is here.", { from });
    // A 20,000-character line typed into the editor: refused in a sentence, not sent, and the CLI
    // still answers (100,000 characters go through the pipe test below; node's readline echoes a
    // paste key by key, which makes a 100,000-key paste into a pty very slow).
    run.type(`say ${"x".repeat(20_000)}\r`);
    await run.waitFor("That is 20000 characters; a message holds at most 8000.", { from, timeoutMs: 30_000 });
    run.type("look\r");
    await run.waitFor(/Exits: north[\s\S]*You are/, { from });
    run.type("quit\r");
    expect(await run.exited).toBe(0);
    await lobby.leave();
  });

  it("refuses a wrong password, an unreachable server and bad options, each with a sentence and its exit code", async () => {
    await registerUser(server.url, "forgetful");
    const wrong = start(["--user", "forgetful"]);
    await wrong.waitFor("Password for forgetful: ");
    wrong.type("not my password\r");
    expect(await wrong.exited).toBe(3);
    expect(wrong.text()).toContain("Sign-in refused: wrong username or password");

    const nowhere = runInPty(process.execPath, [MESH_TERM, "--url", "http://127.0.0.1:9", "--token", "whatever"]);
    runs.push(nowhere);
    expect(await nowhere.exited).toBe(4);
    expect(nowhere.text()).toContain("Cannot reach the server at http://127.0.0.1:9");

    const forged = start(["--token", "not.a.token"]);
    expect(await forged.exited).toBe(3);
    expect(forged.text()).toContain("sign in again");

    const bad = start(["--colour"]);
    expect(await bad.exited).toBe(2);
    expect(bad.text()).toMatch(/Unknown option '--colour'[\s\S]*Usage: mesh-term/);

    const help = start(["--help"]);
    expect(await help.exited).toBe(0);
    expect(help.text()).toMatch(/Usage: mesh-term[\s\S]*NO_COLOR[\s\S]*Exit codes/);
  });

  it("reads the password and commands from a pipe when standard input is no terminal", async () => {
    await registerUser(server.url, "piper");
    const lobby = await bob.client.join("lobby");
    const heard: MessageData[] = [];
    lobby.onMessage((m) => heard.push(m));
    const child = spawn(process.execPath, [MESH_TERM, "--url", server.url, "--user", "piper"], { stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    child.stdin.write(`${PASSWORD}\nsay ${"y".repeat(100_000)}\nsay piped in\n`);
    await waitFor("bob hears the piped line", () => heard.find((m) => m.text === "piped in"));
    expect(heard.some((m) => m.text.startsWith("yyy"))).toBe(false);
    child.stdin.end();
    expect(await exited).toBe(0);
    expect(out).not.toContain("\u001b"); // not a terminal: no colour
    expect(out).toContain("That is 100000 characters; a message holds at most 8000.");
    expect(out).toContain("piper says: piped in");
    await lobby.leave();
  });
});
