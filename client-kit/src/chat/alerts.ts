import { h } from "../dom.ts";

/** How long a refusal stays on screen unless a newer one replaces it or it is dismissed. */
const SHOW_MS = 15_000;

/** The panel's line for refusals and failures: `role="alert"`, in words, with a way to dismiss it. */
export function alertLine(): { element: HTMLElement; show(text: string): void; clear(): void } {
  const text = h("span", { class: "chat-alert-text" });
  const dismiss = h("button", { type: "button", class: "chat-alert-close", "aria-label": "Dismiss" }, "×");
  const element = h("div", { class: "chat-alert", role: "alert" }, text);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const clear = () => {
    clearTimeout(timer);
    text.textContent = "";
    dismiss.remove();
    element.classList.remove("shown");
  };
  dismiss.addEventListener("click", clear);
  return {
    element,
    show(message) {
      clearTimeout(timer);
      text.textContent = message;
      element.append(dismiss);
      element.classList.add("shown");
      timer = setTimeout(clear, SHOW_MS);
    },
    clear,
  };
}
