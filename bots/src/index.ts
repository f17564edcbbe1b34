export { type DirectSendOptions, type ReportedOrderStatus, RoomActions, type SendOptions } from "./actions.ts";
export {
  type BotConnection,
  type BotIdentity,
  type BotMessage,
  type BotOptions,
  type BotOrder,
  type BotRoom,
  type BotSendOptions,
  createBot,
  MeshBot,
} from "./bot.ts";
export { connect, type ConnectOptions, MeshClient, MeshJoinError } from "./client.ts";
export { MeshError, type MeshErrorCode, toMeshError } from "./errors.ts";
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
  type NewBot,
  type ParticipantListing,
  type PollAnswer,
  type RegisteredBot,
  type RoomListing,
  type SearchOptions,
  type SearchResult,
  type Session,
  type SshKey,
  type ThreadListing,
} from "./rest.ts";
export { type JoinOptions, MeshRoom } from "./room.ts";
export type { ParticipantWatcher } from "./watchers.ts";
export {
  signWebhook,
  type VerifyWebhookOptions,
  verifyWebhook,
  WEBHOOK_SIGNATURE_HEADER,
  WEBHOOK_TIMESTAMP_HEADER,
  type WebhookDelivery,
  type WebhookError,
  type WebhookErrorCode,
  type WebhookVerification,
} from "./webhook.ts";
// The wire types a bot's handlers see, so a bot author needs only this package.
export type {
  BotEvent,
  BotEventType,
  BotInfo,
  BotLogLine,
  BotRunState,
  BotRunStatus,
  ErrorCode,
  ErrorPayload,
  MessageData,
  OrderData,
  OrderMessage,
  OrderPayload,
  ParticipantData,
} from "@mesh/schema";
