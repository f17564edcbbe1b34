import { MeshRestError, MeshSendError } from "@mesh/bots";
import type { ErrorPayload } from "@mesh/schema";

/** The server's own words, as a sentence: a capital first letter and a full stop. */
function sentence(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) return "";
  const capital = trimmed[0].toUpperCase() + trimmed.slice(1);
  return /[.!?…]$/.test(capital) ? capital : `${capital}.`;
}

/**
 * What went wrong with a REST call, said to a person: the kind of refusal first, then the
 * server's reason. Anything that is not a refusal (a bug) still becomes words, never a stack.
 */
export function restErrorText(error: unknown): string {
  if (error instanceof MeshRestError) {
    const reason = sentence(error.message);
    switch (error.status) {
      case 0:
        return "Cannot reach the server. Check the connection and try again.";
      case 400:
        return `That was not accepted: ${reason}`;
      case 401:
        return `You are not signed in: ${reason}`;
      case 403:
        return `Not allowed: ${reason}`;
      case 404:
        return `Not found: ${reason}`;
      case 409:
        return `Already taken: ${reason}`;
      case 413:
        return `Too large: ${reason}`;
      case 429:
        return "Too many requests: wait a moment and try again.";
      default:
        return `The server could not do that (${error.status}): ${reason}`;
    }
  }
  return `Something went wrong: ${sentence(error instanceof Error ? error.message : String(error))}`;
}

/** A room's refusal (`error { code, message, ref }`) in words. */
export function roomErrorText(error: ErrorPayload): string {
  const reason = sentence(error.message);
  switch (error.code) {
    case "forbidden":
      return `Not allowed: ${reason}`;
    case "rate_limited":
      return `Slow down: you are sending too fast. Wait a moment and try again. (${reason})`;
    case "bad_input":
      return `That was not accepted: ${reason}`;
    case "not_found":
      return `Not found: ${reason} It may have been deleted, or that person left.`;
    case "not_implemented":
      return `The server does not do that yet: ${reason}`;
    default:
      return `Something went wrong: ${reason}`;
  }
}

/** A send the SDK gave up on (closed room, no answer); server refusals also reach onError. */
export function sendErrorText(error: unknown): string {
  if (error instanceof MeshSendError) {
    if (error.code === "closed") return `Not sent: the room is closed. ${sentence(error.message)}`;
    if (error.code === "timeout") return "Not sent: the server did not answer in time. Try again.";
    return roomErrorText({ code: error.code, message: error.message, ref: "" });
  }
  return restErrorText(error);
}

/** A REST refusal that means the session is over: the page should ask to sign in again. */
export function isSignedOut(error: unknown): boolean {
  return error instanceof MeshRestError && error.status === 401;
}
