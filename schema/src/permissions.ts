/** The 34 permissions of SPEC §5, grouped by category. Order here is the canonical order. */
export const PERMISSION_CATEGORIES = {
  general: [
    "view_rooms",
    "send_messages",
    "send_dms",
    "add_reactions",
    "upload_files",
    "move_in_world",
    "use_model_proxy",
  ],
  channels: [
    "create_rooms",
    "manage_rooms",
    "delete_rooms",
    "invite_to_rooms",
    "manage_messages",
    "pin_messages",
    "lock_threads",
    "post_feed_events",
  ],
  members: [
    "view_members",
    "invite_members",
    "kick_members",
    "mute_members",
    "ban_members",
    "assign_roles",
    "manage_roles",
  ],
  bots: [
    "spawn_bots",
    "manage_own_bots",
    "manage_all_bots",
    "command_agents",
    "delegate_capabilities",
    "a2a_tasks",
    "promote_sub_agents",
  ],
  administration: [
    "manage_mesh",
    "manage_federation",
    "view_audit_log",
    "manage_model_proxy",
    "manage_integrations",
  ],
} as const;

export type PermissionCategory = keyof typeof PERMISSION_CATEGORIES;
export type Permission = (typeof PERMISSION_CATEGORIES)[PermissionCategory][number];

export const PERMISSIONS: readonly Permission[] = Object.values(PERMISSION_CATEGORIES).flat();

export function isPermission(value: string): value is Permission {
  return (PERMISSIONS as readonly string[]).includes(value);
}

export interface RoleDefinition {
  name: string;
  priority: number;
  permissions: readonly Permission[];
  builtIn: boolean;
}

const general = PERMISSION_CATEGORIES.general;
const without = (excluded: Permission) => PERMISSIONS.filter((p) => p !== excluded);

export const BUILT_IN_ROLE_NAMES = [
  "owner",
  "admin",
  "moderator",
  "super_agent",
  "member",
  "agent",
  "spectator",
] as const;
export type BuiltInRoleName = (typeof BUILT_IN_ROLE_NAMES)[number];

/** The 7 built-in roles of SPEC §5. */
export const BUILT_IN_ROLES: Readonly<Record<BuiltInRoleName, RoleDefinition>> = {
  owner: { name: "owner", priority: 999, permissions: PERMISSIONS, builtIn: true },
  admin: { name: "admin", priority: 900, permissions: without("manage_mesh"), builtIn: true },
  moderator: {
    name: "moderator",
    priority: 700,
    permissions: [
      ...general,
      "create_rooms",
      "manage_rooms",
      "invite_to_rooms",
      "manage_messages",
      "pin_messages",
      "lock_threads",
      "view_members",
      "kick_members",
      "mute_members",
    ],
    builtIn: true,
  },
  super_agent: {
    name: "super_agent",
    priority: 600,
    permissions: [
      ...general,
      "post_feed_events",
      "lock_threads",
      "view_members",
      "command_agents",
      "a2a_tasks",
      "promote_sub_agents",
    ],
    builtIn: true,
  },
  member: {
    name: "member",
    priority: 400,
    permissions: [
      ...general,
      "create_rooms",
      "invite_to_rooms",
      "view_members",
      "spawn_bots",
      "manage_own_bots",
      "command_agents",
      "delegate_capabilities",
    ],
    builtIn: true,
  },
  agent: {
    name: "agent",
    priority: 300,
    permissions: [
      "view_rooms",
      "send_messages",
      "send_dms",
      "add_reactions",
      "move_in_world",
      "use_model_proxy",
      "post_feed_events",
      "lock_threads",
      "view_members",
    ],
    builtIn: true,
  },
  spectator: {
    name: "spectator",
    priority: 50,
    permissions: ["view_rooms", "view_members"],
    builtIn: true,
  },
};

export function isBuiltInRole(name: string): name is BuiltInRoleName {
  return (BUILT_IN_ROLE_NAMES as readonly string[]).includes(name);
}
