export { type DirectSendOptions, RoomActions, type SendOptions } from "./actions.ts";
export { connect, type ConnectOptions, MeshClient, MeshJoinError } from "./client.ts";
export { counterpartOf, DirectFeeds, type DirectHistory } from "./direct-feeds.ts";
export { type FeedEvents, type FetchAfter, MessageFeed } from "./feed.ts";
export { type ConnectionState, LEFT, type ReconnectOptions, RESUME_FAILED } from "./link.ts";
export { mentionsOf, threadOf } from "./messages.ts";
export type { ParticipantView, PresenceEvent } from "./participants.ts";
export { MeshSendError, type SendPayload } from "./pending.ts";
export {
  type BanRecord,
  type DirectQuery,
  type Download,
  type HistoryQuery,
  MeshRest,
  MeshRestError,
  type MessagePage,
  type ParticipantListing,
  type RoomListing,
  type SearchOptions,
  type SearchResult,
  type Session,
  type ThreadListing,
} from "./rest.ts";
export { type JoinOptions, MeshRoom } from "./room.ts";
