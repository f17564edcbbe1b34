export { connect, MeshClient, MeshJoinError, type ConnectOptions, type JoinOptions } from "./client.ts";
export { MessageFeed, type FeedEvents, type FetchAfter } from "./feed.ts";
export { MeshRest, MeshRestError, type HistoryQuery, type Session } from "./rest.ts";
export { MeshRoom, type ParticipantView, type PresenceEvent, type SendOptions } from "./room.ts";
