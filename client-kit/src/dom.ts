/**
 * Building the page without HTML strings: every piece of text goes in through `textContent`, so
 * whatever someone types (`<img onerror>`, `javascript:` links, direction overrides) stays text.
 */

type Attrs = Record<string, string | number | boolean | undefined>;
type Child = Node | string | number | null | undefined | false;

/** An element with attributes (`class`, `aria-*`, `data-*`, …) and children; strings become text nodes. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (/^on/i.test(name)) throw new Error(`h(): '${name}' is an event handler; use addEventListener`);
    if ((name === "href" || name === "src") && !isSafeUrl(String(value))) throw new Error(`h(): refusing ${name}=${String(value)}`);
    element.setAttribute(name, value === true ? "" : String(value));
  }
  append(element, ...children);
  return element;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === "string" || typeof child === "number" ? document.createTextNode(String(child)) : child);
  }
}

export function clear(element: Element): void {
  element.replaceChildren();
}

/** Same-origin paths and http(s) URLs only: never `javascript:` or `data:`. */
export function isSafeUrl(url: string): boolean {
  if (url.startsWith("/") && !url.startsWith("//")) return true;
  if (url.startsWith("#")) return true;
  try {
    const parsed = new URL(url, location.href);
    return parsed.protocol === "http:" || parsed.protocol === "https:" || parsed.protocol === "blob:";
  } catch {
    return false;
  }
}

/** An element the page must have (by id); a missing one is a build mistake, said plainly. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no #${id}`);
  return element as T;
}

/**
 * Makes `list`'s children the rows named by `order`, in that order, and drops (from the page and
 * from `rows`) every row not named. Only rows out of place are moved: moving the one holding the
 * keyboard focus would drop the focus, so a list refreshed every few seconds stays usable.
 */
export function orderRows(list: Element, rows: Map<string, { element: Element }>, order: readonly string[]): void {
  let previous: Element | null = null;
  for (const id of order) {
    const row = rows.get(id);
    if (!row) continue;
    const expected: Element | null = previous ? previous.nextElementSibling : list.firstElementChild;
    if (expected !== row.element) list.insertBefore(row.element, expected);
    previous = row.element;
  }
  const keep = new Set(order);
  for (const [id, row] of rows) {
    if (keep.has(id)) continue;
    row.element.remove();
    rows.delete(id);
  }
}
