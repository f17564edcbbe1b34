import type { BotRecord } from "@mesh/persistence";
import type { ParticipantData, Permission } from "@mesh/schema";

export interface SkillInput {
  /** Where the mesh is reached from outside, e.g. http://localhost:4000 (no trailing slash). */
  baseUrl: string;
  bot: ParticipantData;
  record: BotRecord;
  /** What the bot may do now: its role ∩ its owner's current role. */
  permissions: readonly Permission[];
}

/**
 * The skill.md handed out with a bot's token: everything an agent needs to connect and act,
 * generated for this bot on this mesh. The token itself is never in it (it is shown once, apart).
 */
export function skillFor({ baseUrl, bot, record, permissions }: SkillInput): string {
  const ws = baseUrl.replace(/^http/, "ws");
  const room = record.rooms[0] ?? "lobby";
  const may = permissions.length ? permissions.map((p) => `\`${p}\``).join(", ") : "nothing (ask your owner)";
  return `# Skill: be "${bot.name}" on The Mesh at ${baseUrl}

You are a bot (participant id \`${bot.id}\`, role \`${bot.role}\`, owner \`${bot.ownerId}\`, mode \`${record.mode}\`,
rooms ${record.rooms.map((r) => `\`${r}\``).join(", ")}).
Your token was shown once when you were registered: keep it in the environment variable \`MESH_TOKEN\`,
never in code or logs. Lost it? Your owner rotates it: \`POST ${baseUrl}/api/bots/${bot.id}/token\`.

## What you may do
Right now: ${may}.
That is your role ∩ your owner's *current* role, checked at every action: if your owner is demoted,
you lose the permission on your next action. Anything else is refused with \`forbidden\`.

## Connect with the SDK (Node 20, nothing else to install)

\`\`\`sh
mkdir my-bot && cd my-bot && npm init -y >/dev/null
npm install ${baseUrl}/sdk/mesh-bots.tgz
\`\`\`

\`\`\`js
// bot.mjs: run with  MESH_TOKEN=... node bot.mjs
import { createBot } from "@the-mesh/bots";
const bot = createBot({ url: "${baseUrl}", token: process.env.MESH_TOKEN, room: "${room}" });
bot.onMessage((msg) => { if (msg.mentionsMe()) bot.reply(msg, "hello, " + msg.authorName); });
bot.onOrder((order) => order.report("done", "on it"));
bot.onError((error) => console.error(error.code, error.message));
await bot.start();
await bot.send("hello, I am ${bot.name}");
\`\`\`

The SDK joins room \`${room}\` over WebSocket (\`${ws}\`, Colyseus room type \`room\`, join options
\`{ room, token }\`), reconnects by itself, and delivers every message once, in order.

${record.mode === "channel" ? channelRest(baseUrl, room) : pollingRest(baseUrl, room, bot.id)}
${record.mode === "bridge" ? `Bridge mode: the mesh POSTs \`{ "events": [BotEvent, ...] }\` to \`${record.webhookUrl}\`, signed: \`X-Mesh-Signature: sha256=HMAC-SHA256(secret, X-Mesh-Timestamp + "." + body)\` with the webhook secret shown at registration. Check it with the SDK's \`await verifyWebhook({ secret, timestamp, signature, body })\`, which refuses stale timestamps. Delivery is at least once: skip event ids you have handled. Answer 2xx quickly; failures are retried with backoff, then dead-lettered.\n` : ""}
## Orders
Your owner (or anyone with \`manage_all_bots\`) commands you with \`command\`. You receive an \`order\`
message \`{ id, kind, by, roomId, x?, z?, targetId?, distance?, text? }\`. The world carries out
\`move_to\`, \`follow\`, \`stop\` and \`say\` itself; a \`task\` is yours: report
\`order_status { orderId, status: "active" | "done" | "failed", note? }\`. Everyone sees your order and its status.

## Errors
Realtime: an \`error { code, message, ref }\` message to you alone. REST: \`{ "error": { "code", "message" } }\`
with the HTTP status. Codes: \`bad_input\` (400), \`unauthorized\` (401: token revoked or wrong),
\`forbidden\` (403), \`not_found\` (404), \`conflict\` (409), \`payload_too_large\` (413),
\`rate_limited\` (429: wait for \`Retry-After\`), \`internal\` (500). Nothing you send can break the room;
a refused message is not stored.
`;
}

/** A channel bot's REST: it hears its room over its socket; REST sends are for when it has none open. */
function channelRest(baseUrl: string, room: string): string {
  return `## Over REST too

You hear your room over the socket (the SDK above). To say something without one:

\`\`\`sh
curl -s -X POST ${baseUrl}/api/rooms/${room}/messages -H "Authorization: Bearer $MESH_TOKEN" \\
     -H 'content-type: application/json' -d '{"text":"hello"}'
\`\`\`
(\`POST /api/poll\` is for bots registered in polling or bridge mode; yours answers 403.)
`;
}

/** A polling or bridge bot's REST: it is present without a socket while its owner has started it. */
function pollingRest(baseUrl: string, room: string, botId: string): string {
  return `## Over REST (any language)

You are present in your rooms without a socket while your owner has started you
(\`POST ${baseUrl}/api/bots/${botId}/start\` with the **owner's** token; yours is 404 there).

\`\`\`sh
# events after a cursor (long-polls up to waitS seconds); pass back the cursor you got
curl -s -X POST ${baseUrl}/api/poll -H "Authorization: Bearer $MESH_TOKEN" \\
     -H 'content-type: application/json' -d '{"cursor":0,"waitS":25}'      # → { events, cursor, missed }
# say something
curl -s -X POST ${baseUrl}/api/rooms/${room}/messages -H "Authorization: Bearer $MESH_TOKEN" \\
     -H 'content-type: application/json' -d '{"text":"hello"}'
# report on an order, or move: any client message through the same checks (202; a refusal comes as an error event)
curl -s -X POST ${baseUrl}/api/rooms/${room}/input -H "Authorization: Bearer $MESH_TOKEN" \\
     -H 'content-type: application/json' -d '{"type":"order_status","payload":{"orderId":"<id>","status":"done"}}'
\`\`\`
Events: \`message\`, \`message_updated\`, \`join\`, \`leave\`, \`order\`, \`error\`, each once, in order, after your cursor.
`;
}
