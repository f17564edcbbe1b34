/**
 * The signed-in session in the browser: the token lives in sessionStorage (this tab) or, when the
 * person asked to be remembered, localStorage. A page opened with `#token=<jwt>` signs in with it
 * and removes it from the address bar; `#room=<id>` names the room to join (SPEC §3 additions).
 */

const KEY = "mesh.token";

export interface PageHash {
  room?: string;
  token?: string;
}

/** Reads `#room=…&token=…` and removes the token from the address bar (and history) at once. */
export function takeHash(): PageHash {
  const params = new URLSearchParams(location.hash.replace(/^#/, ""));
  const room = params.get("room") ?? undefined;
  const token = params.get("token") ?? undefined;
  if (token !== undefined) {
    params.delete("token");
    const rest = params.toString();
    history.replaceState(history.state, "", `${location.pathname}${location.search}${rest ? `#${rest}` : ""}`);
  }
  return { room: room || undefined, token: token || undefined };
}

export function storedToken(): string | undefined {
  return sessionStorage.getItem(KEY) ?? localStorage.getItem(KEY) ?? undefined;
}

/**
 * Keeps a token from the address (`#token=`) for this tab only. The remembered sign-in of this
 * browser stays: a link anyone can send must not be able to sign the browser out of its own
 * account (storeToken would forget it), only to open this one tab as whoever the link names.
 */
export function useTokenForTab(token: string): void {
  sessionStorage.setItem(KEY, token);
}

/** Keeps the token for this tab, or (remember) for this browser. */
export function storeToken(token: string, remember = false): void {
  forgetToken();
  (remember ? localStorage : sessionStorage).setItem(KEY, token);
}

export function forgetToken(): void {
  sessionStorage.removeItem(KEY);
  localStorage.removeItem(KEY);
}

/** Why the start page was opened instead of a client: shown above the sign-in form. */
const NOTICE = "mesh.notice";

export function leaveNotice(text: string): void {
  sessionStorage.setItem(NOTICE, text);
}

export function takeNotice(): string | undefined {
  const text = sessionStorage.getItem(NOTICE) ?? undefined;
  sessionStorage.removeItem(NOTICE);
  return text;
}

/** Sends the browser to the start page to sign in, saying why, and to come back here afterwards. */
export function sendToSignIn(why: string): never {
  leaveNotice(why);
  const back = `${location.pathname}${location.hash}`;
  location.assign(`/?next=${encodeURIComponent(back)}`);
  throw new SignInRequired(why);
}

export class SignInRequired extends Error {
  override name = "SignInRequired";
}

/** The `next` page the start page returns to after sign-in: a same-origin path, nothing else. */
export function nextPage(): string | undefined {
  const next = new URLSearchParams(location.search).get("next");
  return next && /^\/[a-z0-9]*(#[\w=&%.-]*)?$/i.test(next) ? next : undefined;
}
