/**
 * The web clients a room can be entered with. `ready: false` ones are listed as coming soon
 * (their issues come later and flip the flag); only ready ones become links.
 */
export interface ClientPage {
  path: string;
  label: string;
  ready: boolean;
}

export const CLIENT_PAGES: readonly ClientPage[] = [
  { path: "/3d", label: "Walk in 3D", ready: true },
  { path: "/rts", label: "Command", ready: true },
  { path: "/term", label: "Terminal", ready: true },
];

/** The address that opens `page` in `roomId`. */
export function clientLink(page: ClientPage, roomId: string): string {
  return `${page.path}#room=${encodeURIComponent(roomId)}`;
}
