/**
 * True when `error` is SQLite refusing a duplicate key; `column` ("table.column") narrows it.
 * SQLite names the offending columns in the message, e.g. "UNIQUE constraint failed: users.id".
 */
export function isUniqueViolation(error: unknown, column?: string): boolean {
  if (!(error instanceof Error) || !("code" in error)) return false;
  const code = error.code;
  if (code !== "SQLITE_CONSTRAINT_UNIQUE" && code !== "SQLITE_CONSTRAINT_PRIMARYKEY") return false;
  return column === undefined || error.message.includes(column);
}
