import type { MeshRest, Session } from "@mesh/bots";
import { h } from "../dom.ts";
import { restErrorText } from "../errors.ts";

type Mode = "signin" | "register";

export interface AuthFormOptions {
  rest: MeshRest;
  /** Why the person is here (left by a client page that sent them), shown above the form. */
  notice?: string;
  /** Called once the server accepted the credentials. */
  onSignedIn(session: Session, remember: boolean): void;
}

/**
 * Sign in or create an account: one form, two tabs. The server decides roles (the first account
 * becomes owner); the form only says so, so the person knows what the first sign-up means.
 */
export function authForm({ rest, notice, onSignedIn }: AuthFormOptions): HTMLElement {
  let mode: Mode = "signin";
  const tab = (which: Mode, label: string) =>
    h("button", { type: "button", role: "tab", id: `tab-${which}`, "aria-controls": "auth-form", class: "tab" }, label);
  const tabs = { signin: tab("signin", "Sign in"), register: tab("register", "Create account") };
  const username = h("input", { id: "auth-username", name: "username", required: true, minlength: 3, maxlength: 32, autocomplete: "username", spellcheck: "false" });
  const password = h("input", { id: "auth-password", name: "password", type: "password", required: true, minlength: 8, maxlength: 256 });
  const remember = h("input", { id: "auth-remember", name: "remember", type: "checkbox" });
  const hint = h("p", { class: "hint", id: "auth-hint" });
  const error = h("p", { class: "form-error", role: "alert", id: "auth-error" });
  const submit = h("button", { type: "submit", class: "primary" });
  const form = h(
    "form",
    { id: "auth-form", role: "tabpanel", class: "stack", novalidate: true },
    h("label", { for: "auth-username" }, "Name"),
    username,
    h("label", { for: "auth-password" }, "Password"),
    password,
    h("label", { class: "check", for: "auth-remember" }, remember, "Remember me on this computer"),
    hint,
    error,
    submit,
  );

  const show = (next: Mode) => {
    mode = next;
    for (const [which, button] of Object.entries(tabs)) {
      button.setAttribute("aria-selected", String(which === mode));
      button.tabIndex = which === mode ? 0 : -1;
    }
    form.setAttribute("aria-labelledby", `tab-${mode}`);
    password.autocomplete = mode === "signin" ? "current-password" : "new-password";
    submit.textContent = mode === "signin" ? "Sign in" : "Create account";
    hint.textContent =
      mode === "signin"
        ? "Not signed up yet? Choose Create account."
        : "Names are 3–32 letters, digits, '_', '.' or '-'; passwords at least 8 characters. The first account on a new mesh becomes its owner; later ones join as members.";
    error.textContent = "";
  };
  tabs.signin.addEventListener("click", () => show("signin"));
  tabs.register.addEventListener("click", () => show("register"));
  // Arrow keys move between tabs, as a tab list does.
  const tabList = h("div", { role: "tablist", class: "tabs", "aria-label": "Sign in or create an account" }, tabs.signin, tabs.register);
  tabList.addEventListener("keydown", (event) => {
    if (event.key !== "ArrowLeft" && event.key !== "ArrowRight") return;
    const next = mode === "signin" ? "register" : "signin";
    show(next);
    tabs[next].focus();
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const name = username.value.trim();
    if (name.length < 3) return fail("Your name needs at least 3 characters.", username);
    if (password.value.length < 8) return fail("The password needs at least 8 characters.", password);
    submit.disabled = true;
    error.textContent = "";
    try {
      const session = mode === "signin" ? await rest.login(name, password.value) : await rest.register(name, password.value);
      onSignedIn(session, remember.checked);
    } catch (caught) {
      fail(restErrorText(caught), password);
    } finally {
      submit.disabled = false;
    }
  });
  function fail(text: string, field: HTMLInputElement): void {
    error.textContent = text;
    field.focus();
  }

  show("signin");
  return h(
    "section",
    { class: "card auth" },
    notice ? h("p", { class: "notice", role: "alert", id: "auth-notice" }, notice) : null,
    tabList,
    form,
  );
}
