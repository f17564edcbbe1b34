import { type MessageData, mentions } from "@mesh/schema";

/** Whether the message's text mentions `@username` (case-insensitive, as the server counts mentions). */
export function mentionsOf(message: Pick<MessageData, "text">, username: string): boolean {
  return mentions(message.text).includes(username.toLowerCase());
}

/** The thread a reply to this room message goes into: its root's id (a root is its own thread). */
export function threadOf(message: Pick<MessageData, "id" | "threadId">): string {
  return message.threadId || message.id;
}
