import { connect, type Session } from "@mesh/bots";
import { h } from "../dom.ts";
import { isSignedOut, restErrorText } from "../errors.ts";
import { forgetToken, nextPage, storedToken, storeToken, takeNotice } from "../session.ts";
import { authForm } from "./auth-form.ts";
import { dashboard } from "./dashboard.ts";
import "./start.css";

/**
 * The front door (/): the sign-in form when there is no session (with the notice a client left
 * when it sent the person here), else the rooms. After signing in, `?next=` wins: the client that
 * sent the person here gets them back.
 */
export async function startPage(root: HTMLElement): Promise<void> {
  const notice = takeNotice();
  const token = storedToken();
  if (!token) return showSignIn(root, notice);
  const client = connect({ url: location.origin, token });
  try {
    const me = await client.rest.me();
    const board = dashboard({
      client,
      me: me.participant,
      permissions: new Set(me.permissions),
      onSignedOut: (why) => {
        forgetToken();
        showSignIn(root, why);
      },
    });
    root.replaceChildren(board.element);
  } catch (caught) {
    if (isSignedOut(caught)) {
      forgetToken();
      return showSignIn(root, notice ?? "Your session has ended: sign in again.");
    }
    root.replaceChildren(
      h("h1", {}, "The Mesh"),
      h("p", { class: "form-error", role: "alert" }, restErrorText(caught)),
      h("p", {}, h("a", { href: "/" }, "Try again")),
    );
  }
}

function showSignIn(root: HTMLElement, notice: string | undefined): void {
  const rest = connect({ url: location.origin, token: "" }).rest;
  const signedIn = (session: Session, remember: boolean) => {
    storeToken(session.token, remember);
    const next = nextPage();
    if (next) location.assign(next);
    else void startPage(root);
  };
  root.replaceChildren(
    h("header", { class: "top" }, h("div", {}, h("h1", {}, "The Mesh"), h("p", { class: "lead" }, "A self-hosted world where people and AI agents work side by side."))),
    authForm({ rest, notice, onSignedIn: signedIn }),
    h("p", { class: "dim footer" }, h("a", { href: "/status" }, "Server status")),
  );
  root.querySelector<HTMLInputElement>("#auth-username")?.focus();
}
