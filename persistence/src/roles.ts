import type { Permission, Result, RoleDefinition } from "@mesh/schema";
import { err, isBuiltInRole, isPermission, ok } from "@mesh/schema";
import type BetterSqlite3 from "better-sqlite3";
import { isUniqueViolation } from "./sqlite-errors.ts";

export interface NewRole {
  name: string;
  priority: number;
  permissions: readonly Permission[];
  createdBy: string;
}

interface RoleRow {
  name: string;
  priority: number;
  permissions: string;
}

/** Custom roles only; the built-in ones live in @mesh/schema and their names are reserved. */
export class RoleRepo {
  private readonly insert: BetterSqlite3.Statement<[string, number, string, string, number]>;
  private readonly byName: BetterSqlite3.Statement<[string], RoleRow>;
  private readonly all: BetterSqlite3.Statement<[], RoleRow>;

  constructor(db: BetterSqlite3.Database) {
    this.insert = db.prepare(
      "INSERT INTO roles (name, priority, permissions, created_by, created_at) VALUES (?, ?, ?, ?, ?)",
    );
    this.byName = db.prepare("SELECT name, priority, permissions FROM roles WHERE name = ?");
    this.all = db.prepare(
      "SELECT name, priority, permissions FROM roles ORDER BY priority DESC, name",
    );
  }

  create(role: NewRole): Result<RoleDefinition> {
    if (isBuiltInRole(role.name)) {
      return err("conflict", `"${role.name}" is a built-in role`);
    }
    const permissions = [...new Set(role.permissions)];
    try {
      this.insert.run(role.name, role.priority, JSON.stringify(permissions), role.createdBy, Date.now());
    } catch (error) {
      if (isUniqueViolation(error, "roles.name")) {
        return err("conflict", `role "${role.name}" already exists`);
      }
      throw error;
    }
    return ok({ name: role.name, priority: role.priority, permissions, builtIn: false });
  }

  get(name: string): RoleDefinition | undefined {
    const row = this.byName.get(name);
    return row && toRole(row);
  }

  /** Highest priority first. */
  list(): RoleDefinition[] {
    return this.all.all().map(toRole);
  }
}

function toRole(row: RoleRow): RoleDefinition {
  const stored = JSON.parse(row.permissions) as string[];
  // A permission a later schema dropped is ignored rather than trusted.
  return { name: row.name, priority: row.priority, permissions: stored.filter(isPermission), builtIn: false };
}
