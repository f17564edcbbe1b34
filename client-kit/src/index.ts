import "./no-eval.ts";
import "./theme.css";

export { append, byId, clear, h, isSafeUrl, orderRows } from "./dom.ts";
export { forgetToken, leaveNotice, nextPage, type PageHash, SignInRequired, sendToSignIn, storedToken, storeToken, takeHash, takeNotice, useTokenForTab } from "./session.ts";
export { type ClientSession, connectionBanner, enterRoom, type RoomInfo, RoomUnavailable, showFatal, signIn } from "./shell.ts";
export { type ChatPanel, createChatPanel } from "./chat/index.ts";
export { isRoomId } from "./room-id.ts";
export { CLIENT_PAGES, type ClientPage, clientLink } from "./clients.ts";
export { isSignedOut, restErrorText, roomErrorText } from "./errors.ts";
export { type AvatarEvents, AvatarModel } from "./world/avatars.ts";
export { DOOR_GAP, type ExitView, exitViews, wallSpans } from "./world/exits.ts";
export { lerpAngle, RENDER_DELAY_MS, SAMPLES, SampleRing } from "./world/interpolation.ts";
