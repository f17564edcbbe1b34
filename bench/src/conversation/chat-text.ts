/** Seeded chat lines for the conversation benches: varied, skewed word use, some unicode. */

/** Ordered by how often they come up: the first few are in most lines (like "the" in English). */
const COMMON = (
  "the to and you that it for is on with this are was have but not just can all what" +
  " team today build deploy server room meeting review ticket branch merge release test bug" +
  " fix please think need know about from there when will would could should after before" +
  " still again maybe really thanks later lunch coffee morning tonight weekend tomorrow" +
  " agent bot human queue log error crash patch update schema client network latency memory" +
  " design sketch draft note plan idea question answer issue check ping status channel thread" +
  " window screen map walk north south east west door garden library kitchen office" +
  " yellow green blue red purple orange small large quick slow quiet loud happy tired"
).split(" ");

/** Words with diacritics or outside Latin: search must fold or match them. */
const UNICODE = ["café", "naïve", "über", "Zürich", "façade", "résumé", "jalapeño", "Ærøskøbing", "日本語", "привет", "🎉", "mañana"];

/** Each shows up in about one line in RARE_EVERY, so a search for one finds a handful. */
export const RARE = ["quokka", "zeppelin", "marzipan", "obsidian", "fjordland", "kumquat", "theremin", "axolotl"];
const RARE_EVERY = 400;

const NAMES = ["ada", "grace", "linus", "alan", "barbara", "ken", "margaret", "dennis"];

/** A line of 4–14 words; earlier COMMON words far more often than later ones. */
export const chatLine = (rand: () => number): string => {
  const length = 4 + Math.floor(rand() * 11);
  const words: string[] = [];
  for (let i = 0; i < length; i++) {
    const r = rand();
    if (r < 0.03) words.push(UNICODE[Math.floor(rand() * UNICODE.length)]);
    else if (r < 0.04) words.push(`@${NAMES[Math.floor(rand() * NAMES.length)]}`);
    else words.push(COMMON[Math.floor(COMMON.length * rand() ** 2)]);
  }
  if (rand() < 1 / RARE_EVERY) words.splice(Math.floor(rand() * words.length), 0, RARE[Math.floor(rand() * RARE.length)]);
  const text = words.join(" ");
  return `${text[0].toUpperCase()}${text.slice(1)}${rand() < 0.3 ? "?" : rand() < 0.5 ? "." : ""}`;
};
