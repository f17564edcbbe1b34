import type BetterSqlite3 from "better-sqlite3";

/** Small key/value store for mesh-wide settings. */
export class SettingsRepo {
  private readonly read: BetterSqlite3.Statement<[string], { value: string }>;
  private readonly write: BetterSqlite3.Statement<[string, string]>;

  constructor(db: BetterSqlite3.Database) {
    this.read = db.prepare("SELECT value FROM settings WHERE key = ?");
    this.write = db.prepare(
      "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    );
  }

  get(key: string): string | undefined {
    return this.read.get(key)?.value;
  }

  set(key: string, value: string): void {
    this.write.run(key, value);
  }
}
