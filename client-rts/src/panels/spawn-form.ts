import { type MeshRoom, MeshRestError } from "@mesh/bots";
import { h, restErrorText } from "@mesh/client-kit";
import { botNameProblem, defaultBotName, PROGRAM_WORDS, REFERENCE_PROGRAMS, type ReferenceProgram } from "./bot-words.ts";
import type { PanelContext } from "./index.ts";

/**
 * Spawning a reference bot into this room: register it (POST /api/bots with this room), start it,
 * and have the list show it. Without spawn_bots the form is a sentence saying so.
 */
export function createSpawnForm(
  ctx: PanelContext,
  deps: { takenNames(): string[]; spawned(): void },
): { element: HTMLElement; setRoom(room: MeshRoom, roomId: string): void; destroy(): void } {
  const { session } = ctx;
  let room = ctx.room;
  let roomId = ctx.info.id;
  const heading = h("h2", { id: "rp-spawn-title" }, "Spawn a reference bot");
  const element = h("section", { class: "rp-section rp-spawn", "aria-labelledby": "rp-spawn-title" }, heading);
  if (!session.permissions.has("spawn_bots")) {
    element.append(h("p", { class: "rp-note" }, "Your role may not create bots, so there is no spawning here. Someone who manages this mesh can give you the permission (spawn_bots)."));
    return { element, setRoom() {}, destroy() {} };
  }

  const program = h("select", { id: "rp-spawn-program", name: "program" });
  for (const name of REFERENCE_PROGRAMS) program.append(h("option", { value: name }, name));
  const about = h("p", { id: "rp-spawn-about", class: "rp-hint rp-about", "aria-live": "polite" });
  program.setAttribute("aria-describedby", "rp-spawn-about");
  const describe = () => {
    about.textContent = `${program.value[0].toUpperCase()}${program.value.slice(1)} ${PROGRAM_WORDS[program.value as ReferenceProgram]}.`;
  };
  const name = h("input", { id: "rp-spawn-name", name: "name", type: "text", required: true, minlength: 3, maxlength: 32, autocomplete: "off", spellcheck: "false", "aria-describedby": "rp-spawn-rules" });
  const submit = h("button", { type: "submit", class: "primary" }, "Create & start");
  const result = h("p", { class: "rp-spawn-result", role: "status", "aria-live": "polite" });
  const form = h(
    "form",
    { class: "rp-form", "aria-label": "Spawn a reference bot" },
    h("label", { for: "rp-spawn-program" }, "Program"),
    program,
    about,
    h("label", { for: "rp-spawn-name" }, "Name"),
    name,
    h("p", { id: "rp-spawn-rules", class: "rp-hint" }, "3–32 letters, digits, '_', '.', '-'. It joins this room."),
    submit,
    result,
  );
  element.append(form);

  // The default follows the program (orderly-1, orderly-2, …) until the person types a name of their own.
  let typed = false;
  // Names taken that the lists may not show yet (just spawned, or a person elsewhere): not suggested again.
  const takenToo = new Set<string>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const later = (fn: () => void, ms: number) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
  };
  const suggest = () => {
    if (typed && name.value !== "") return;
    const taken = [...deps.takenNames(), ...room.participants().map((p) => p.name), ...takenToo];
    name.value = defaultBotName(program.value, taken);
    typed = false;
  };
  name.addEventListener("input", () => {
    typed = true;
  });
  program.addEventListener("change", () => {
    describe();
    typed = false;
    suggest();
  });
  const say = (text: string, tone: "ok" | "bad") => {
    result.textContent = text;
    result.dataset.tone = tone;
  };

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void spawn();
  });

  async function spawn(): Promise<void> {
    const botName = name.value.trim();
    const problem = botNameProblem(botName);
    if (problem) {
      say(problem, "bad");
      name.focus();
      return;
    }
    const chosen = program.value as ReferenceProgram;
    submit.disabled = true;
    form.setAttribute("aria-busy", "true");
    say(`Creating ${botName}…`, "ok");
    const rest = session.client.rest;
    try {
      const created = await rest.registerBot({ name: botName, program: chosen, rooms: [roomId] });
      takenToo.add(botName);
      say(`${botName} is created; starting it…`, "ok");
      deps.spawned();
      try {
        await rest.startBot(created.bot.id);
        say(`${botName} (${chosen}) is starting in this room.`, "ok");
      } catch (error) {
        say(`${botName} was created but could not be started. ${restErrorText(error)}`, "bad");
      }
      typed = false;
      deps.spawned();
    } catch (error) {
      if (error instanceof MeshRestError && error.status === 409) {
        takenToo.add(botName);
        typed = false;
        say(`${botName} was not created. ${restErrorText(error)} A free name is filled in instead.`, "bad");
      } else say(`${botName} was not created. ${restErrorText(error)}`, "bad");
    } finally {
      submit.disabled = false;
      form.removeAttribute("aria-busy");
    }
    suggest();
    // Again once the list has the new name, so the next default is free.
    later(suggest, 1500);
  }

  describe();
  suggest();
  // The list of your bots arrives a moment after the form: suggest again with it.
  later(suggest, 1500);
  return {
    element,
    setRoom(next, nextId) {
      room = next;
      roomId = nextId;
      suggest();
    },
    destroy() {
      for (const timer of timers) clearTimeout(timer);
    },
  };
}
