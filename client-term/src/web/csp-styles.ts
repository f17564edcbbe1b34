/**
 * xterm.js styles itself in two ways the page's Content Security Policy (`style-src 'self'`: no
 * inline styles) refuses; both are turned into the CSSOM, which the policy allows. Only script
 * from this origin can reach them, so the policy still keeps injected markup from styling the page.
 */

/**
 * xterm.js writes its theme colours and cell sizes into `<style>` elements it creates, and the
 * page's Content Security Policy (`style-src 'self'`, no inline styles) refuses those: the
 * terminal would draw black on black with rows of the wrong height, and the browser would report
 * a violation. While `build` runs (the terminal's `open()`), a `<style>` the document creates is
 * a stand-in element whose text goes into a constructed stylesheet adopted by the document
 * instead: constructed stylesheets are made through the CSSOM, not inline, so the policy allows
 * them. xterm keeps writing to the same elements later (a resize, a theme change), and the
 * stylesheets follow.
 */
export function withAdoptedStyles<T>(build: () => T): T {
  const create = Document.prototype.createElement;
  const stub = function (this: Document, tag: string, options?: ElementCreationOptions): HTMLElement {
    if (tag.toLowerCase() !== "style") return create.call(this, tag, options);
    return adoptedStyle(this, create.call(this, "mesh-style"));
  };
  Object.defineProperty(document, "createElement", { value: stub, configurable: true, writable: true });
  try {
    return build();
  } finally {
    // The document's own property goes; its prototype's createElement shows through again.
    delete (document as unknown as { createElement?: unknown }).createElement;
  }
}

/** An inert element standing for a `<style>`: setting its text sets the adopted sheet's rules; removing it drops the sheet. */
function adoptedStyle(document: Document, element: HTMLElement): HTMLElement {
  const sheet = new CSSStyleSheet();
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  let text = "";
  element.hidden = true;
  Object.defineProperty(element, "textContent", {
    configurable: true,
    get: () => text,
    set: (value: string | null) => {
      text = value ?? "";
      sheet.replaceSync(text);
    },
  });
  const remove = element.remove.bind(element);
  element.remove = () => {
    remove();
    document.adoptedStyleSheets = document.adoptedStyleSheets.filter((s) => s !== sheet);
  };
  return element;
}

/** Marks our setAttribute, so a second terminal does not wrap it twice. */
const THROUGH_CSSOM = Symbol("style attributes through the CSSOM");

/**
 * xterm's DOM renderer colours selected cells (and 24-bit colours) with `setAttribute("style", …)`,
 * which the policy refuses as an inline style attribute (`style-src-attr`): every selection would
 * be reported. The same declarations set through `element.style.cssText` are allowed; this makes
 * `setAttribute("style")` on an HTML element do that instead.
 */
export function styleAttributesThroughCssom(): void {
  const set = Element.prototype.setAttribute;
  if ((set as { [THROUGH_CSSOM]?: boolean })[THROUGH_CSSOM]) return;
  const patched = function (this: Element, name: string, value: string): void {
    if (this instanceof HTMLElement && name.toLowerCase() === "style") this.style.cssText = value;
    else set.call(this, name, value);
  };
  Object.defineProperty(patched, THROUGH_CSSOM, { value: true });
  Element.prototype.setAttribute = patched;
}
