import { describe, expect, it } from "vitest";
import { BUILT_IN_ROLES, PERMISSION_CATEGORIES, PERMISSIONS } from "./permissions.ts";

// Golden copy of SPEC §5, written out by hand: one row per role, one column per permission
// in the order general | channels | members | bots | administration.
const GOLDEN: Record<string, { priority: number; row: string }> = {
  owner: /*       */ { priority: 999, row: "1111111 11111111 1111111 1111111 11111" },
  admin: /*       */ { priority: 900, row: "1111111 11111111 1111111 1111111 01111" },
  moderator: /*   */ { priority: 700, row: "1111111 11011110 1011000 0000000 00000" },
  super_agent: /* */ { priority: 600, row: "1111111 00000011 1000000 0001011 00000" },
  member: /*      */ { priority: 400, row: "1111111 10010000 1000000 1101100 00000" },
  agent: /*       */ { priority: 300, row: "1111011 00000011 1000000 0000000 00000" },
  spectator: /*   */ { priority: 50, row: "1000000 00000000 1000000 0000000 00000" },
};

const COLUMNS = [
  "view_rooms send_messages send_dms add_reactions upload_files move_in_world use_model_proxy",
  "create_rooms manage_rooms delete_rooms invite_to_rooms manage_messages pin_messages lock_threads post_feed_events",
  "view_members invite_members kick_members mute_members ban_members assign_roles manage_roles",
  "spawn_bots manage_own_bots manage_all_bots command_agents delegate_capabilities a2a_tasks promote_sub_agents",
  "manage_mesh manage_federation view_audit_log manage_model_proxy manage_integrations",
];

describe("the role table", () => {
  it("has 34 permissions in 5 categories, in the spec's order", () => {
    expect(PERMISSIONS).toHaveLength(34);
    expect(Object.values(PERMISSION_CATEGORIES).map((c) => c.join(" "))).toEqual(COLUMNS);
    expect(new Set(PERMISSIONS).size).toBe(34);
  });

  it("matches the 7 × 34 golden table exactly", () => {
    const actual = Object.fromEntries(
      Object.values(BUILT_IN_ROLES).map((role) => [
        role.name,
        {
          priority: role.priority,
          row: Object.values(PERMISSION_CATEGORIES)
            .map((category) => category.map((p) => (role.permissions.includes(p) ? "1" : "0")).join(""))
            .join(" "),
        },
      ]),
    );
    expect(actual).toEqual(GOLDEN);
  });

  it("lists no permission twice in any role", () => {
    for (const role of Object.values(BUILT_IN_ROLES)) {
      expect(new Set(role.permissions).size, role.name).toBe(role.permissions.length);
    }
  });
});
