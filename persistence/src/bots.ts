import type BetterSqlite3 from "better-sqlite3";

/** How a bot hears the mesh: a socket (channel), webhooks (bridge) or REST polling. */
export type BotMode = "channel" | "bridge" | "polling";

/** What only bots have; their name, role and owner live in `users` like every participant's. */
export interface BotRecord {
  id: string;
  ownerId: string;
  mode: BotMode;
  /** The reference program the controller runs ("" = bring your own: the controller cannot start it). */
  program: string;
  /** Bridge mode: where events are POSTed. */
  webhookUrl: string;
  /** Bridge mode: the HMAC key events are signed with (shown to the owner once, like the token). */
  webhookSecret: string;
  /** Rooms a controller-run, bridge or polling bot is present in. */
  rooms: string[];
  /** The controller should keep it running (so it comes back after a server restart). */
  running: boolean;
  createdAt: number;
}

interface BotRow {
  id: string;
  owner_id: string;
  mode: BotMode;
  program: string;
  webhook_url: string;
  webhook_secret: string;
  rooms: string;
  running: number;
  created_at: number;
}

const COLUMNS = "id, owner_id, mode, program, webhook_url, webhook_secret, rooms, running, created_at";

/** Bot rows. Create the bot's user first (same transaction, see `MeshDatabase.sqlite.transaction`). */
export class BotRepo {
  private readonly insert: BetterSqlite3.Statement<[BotRow]>;
  private readonly byId: BetterSqlite3.Statement<[string], BotRow>;
  private readonly byOwner: BetterSqlite3.Statement<[string], BotRow>;
  private readonly all: BetterSqlite3.Statement<[], BotRow>;
  private readonly wanted: BetterSqlite3.Statement<[], BotRow>;
  private readonly setRunningStmt: BetterSqlite3.Statement<[number, string]>;
  private readonly countOwner: BetterSqlite3.Statement<[string], { n: number }>;
  private readonly updateStmt: BetterSqlite3.Statement<[string, string, string, string, string]>;

  constructor(db: BetterSqlite3.Database) {
    this.insert = db.prepare(
      `INSERT INTO bots (${COLUMNS})
       VALUES (@id, @owner_id, @mode, @program, @webhook_url, @webhook_secret, @rooms, @running, @created_at)`,
    );
    this.byId = db.prepare(`SELECT ${COLUMNS} FROM bots WHERE id = ?`);
    this.byOwner = db.prepare(`SELECT ${COLUMNS} FROM bots WHERE owner_id = ? ORDER BY created_at, rowid`);
    this.all = db.prepare(`SELECT ${COLUMNS} FROM bots ORDER BY created_at, rowid`);
    this.wanted = db.prepare(`SELECT ${COLUMNS} FROM bots WHERE running = 1 ORDER BY created_at, rowid`);
    this.setRunningStmt = db.prepare("UPDATE bots SET running = ? WHERE id = ?");
    this.countOwner = db.prepare("SELECT count(*) AS n FROM bots WHERE owner_id = ?");
    this.updateStmt = db.prepare("UPDATE bots SET mode = ?, webhook_url = ?, webhook_secret = ?, rooms = ? WHERE id = ?");
  }

  create(bot: Omit<BotRecord, "createdAt" | "running">): BotRecord {
    const row: BotRow = {
      id: bot.id,
      owner_id: bot.ownerId,
      mode: bot.mode,
      program: bot.program,
      webhook_url: bot.webhookUrl,
      webhook_secret: bot.webhookSecret,
      rooms: JSON.stringify(bot.rooms),
      running: 0,
      created_at: Date.now(),
    };
    this.insert.run(row);
    return toRecord(row);
  }

  get(id: string): BotRecord | undefined {
    const row = this.byId.get(id);
    return row && toRecord(row);
  }

  ofOwner(ownerId: string): BotRecord[] {
    return this.byOwner.all(ownerId).map(toRecord);
  }

  list(): BotRecord[] {
    return this.all.all().map(toRecord);
  }

  /** Bots the controller should be running. */
  wantedRunning(): BotRecord[] {
    return this.wanted.all().map(toRecord);
  }

  setRunning(id: string, running: boolean): boolean {
    return this.setRunningStmt.run(running ? 1 : 0, id).changes > 0;
  }

  countOf(ownerId: string): number {
    return this.countOwner.get(ownerId)?.n ?? 0;
  }

  update(id: string, change: Pick<BotRecord, "mode" | "webhookUrl" | "webhookSecret" | "rooms">): boolean {
    return this.updateStmt.run(change.mode, change.webhookUrl, change.webhookSecret, JSON.stringify(change.rooms), id).changes > 0;
  }
}

function toRecord(row: BotRow): BotRecord {
  return {
    id: row.id,
    ownerId: row.owner_id,
    mode: row.mode,
    program: row.program,
    webhookUrl: row.webhook_url,
    webhookSecret: row.webhook_secret,
    rooms: JSON.parse(row.rooms) as string[],
    running: row.running === 1,
    createdAt: row.created_at,
  };
}
