import {
  BUILT_IN_ROLES,
  err,
  ErrorCode,
  isBuiltInRole,
  ok,
  type ParticipantData,
  type Permission,
  type Result,
  type RoleDefinition,
} from "@mesh/schema";
import type { MeshDatabase } from "@mesh/persistence";

const NO_ROLE: RoleDefinition = { ...BUILT_IN_ROLES.spectator, permissions: [] };

export interface Actor {
  participant: ParticipantData;
  role: RoleDefinition;
}

/** Where an action happens; UCAN delegations and room capabilities will narrow by it. */
export interface GateContext {
  roomId?: string;
}

/**
 * The one permission gate. Every REST route and every realtime message calls it at the
 * moment of use, reading the actor's current role, so a demotion applies to the next action.
 */
export class Gate {
  constructor(private readonly db: MeshDatabase) {}

  role(name: string): RoleDefinition | undefined {
    return isBuiltInRole(name) ? BUILT_IN_ROLES[name] : this.db.roles.get(name);
  }

  roles(): RoleDefinition[] {
    return [...Object.values(BUILT_IN_ROLES), ...this.db.roles.list()];
  }

  /**
   * Who is acting, with the role that counts now. A bot's role is its own ∩ its owner's
   * *current* role (read at every use): demote the owner and the bot loses the permission on its
   * next action; a bot whose owner is gone holds nothing. The identity work's UCAN delegations
   * will narrow the same way, here, so every caller of the gate gets them.
   *
   * `owners`: accounts this same decision (one input) has read already, by id, and where the owner
   * read here is kept, so a command to 500 bots of one owner reads that owner once, not 500 times.
   * Make a fresh map per input and drop it after: nothing read here outlives the input.
   */
  actor(participantId: string, owners?: Map<string, ParticipantData | undefined>): Actor | undefined {
    const participant = this.db.users.get(participantId);
    if (!participant) return undefined;
    if (participant.kind !== "bot" || participant.ownerId === "") return this.actorOf(participant, undefined);
    const { ownerId } = participant;
    let owner = owners?.get(ownerId);
    if (!owners?.has(ownerId)) {
      owner = this.db.users.get(ownerId);
      owners?.set(ownerId, owner);
    }
    return this.actorOf(participant, owner);
  }

  /**
   * `actor` for many at once, in two queries (the accounts, then the owners not in `owners`): a
   * command to 500 bots does not read 500 rows one by one. Unknown ids are not in the answer.
   */
  actors(participantIds: readonly string[], owners = new Map<string, ParticipantData | undefined>()): Map<string, Actor> {
    const found = this.db.users.getMany(participantIds);
    const missing = new Set<string>();
    for (const p of found) if (p.kind === "bot" && p.ownerId !== "" && !owners.has(p.ownerId)) missing.add(p.ownerId);
    if (missing.size > 0) {
      for (const id of missing) owners.set(id, undefined);
      for (const owner of this.db.users.getMany([...missing])) owners.set(owner.id, owner);
    }
    const actors = new Map<string, Actor>();
    for (const p of found) actors.set(p.id, this.actorOf(p, p.kind === "bot" ? owners.get(p.ownerId) : undefined));
    return actors;
  }

  /** The role that counts for `participant` now, given its owner's account (bots). */
  private actorOf(participant: ParticipantData, owner: ParticipantData | undefined): Actor {
    const own = this.roleOf(participant.role);
    if (participant.kind !== "bot") return { participant, role: own };
    // An owner is a human: a bot never inherits through another bot.
    const ownerRole = owner && owner.kind === "human" ? this.roleOf(owner.role) : NO_ROLE;
    const role: RoleDefinition = {
      ...own,
      priority: Math.min(own.priority, ownerRole.priority),
      permissions: own.permissions.filter((p) => ownerRole.permissions.includes(p)),
    };
    return { participant, role };
  }

  /** A role deleted from under an account leaves it with no permissions, never with more. */
  private roleOf(name: string): RoleDefinition {
    return this.role(name) ?? NO_ROLE;
  }

  authorize(participantId: string, permission: Permission, _context: GateContext = {}): Result<Actor> {
    const actor = this.actor(participantId);
    if (!actor) return err(ErrorCode.Unauthorized, "unknown participant");
    if (!actor.role.permissions.includes(permission)) {
      return err(ErrorCode.Forbidden, `role '${actor.role.name}' lacks permission '${permission}'`);
    }
    return ok(actor);
  }

  /**
   * Whether `actor` may hand `role` on (grant it, make it the default, create it): it must rank
   * below the actor and hold nothing the actor lacks. Priority alone is not enough: an
   * owner-made role may rank low yet hold what an admin lacks.
   */
  canHandOn(actor: Actor, role: Pick<RoleDefinition, "name" | "priority" | "permissions">): Result<void> {
    if (role.priority >= actor.role.priority) {
      return err(ErrorCode.Forbidden, `'${role.name}' (${role.priority}) is not below your own role '${actor.role.name}' (${actor.role.priority})`);
    }
    const beyond = role.permissions.filter((p) => !actor.role.permissions.includes(p));
    if (beyond.length) return err(ErrorCode.Forbidden, `'${role.name}' holds permissions you lack: ${beyond.join(", ")}`);
    return ok(undefined);
  }

  /**
   * manage_all_bots over the bots of `ownerId`: only for someone who outranks their owner (nobody
   * acts on an equal or higher role through that role's bots: a rotated token hands out the rank
   * the owner lends its bot), or for any holder when the owner is gone.
   */
  manageBotsOf(participantId: string, ownerId: string, context: GateContext = {}): Result<Actor> {
    const over = this.authorizeOver(participantId, "manage_all_bots", ownerId, context);
    if (over.ok) return ok(over.value.actor);
    if (over.error.code === ErrorCode.NotFound) return this.authorize(participantId, "manage_all_bots", context);
    return over;
  }

  /** Authorize, then check the actor outranks the target: nobody acts on an equal or higher role. */
  authorizeOver(
    participantId: string,
    permission: Permission,
    targetId: string,
    context: GateContext = {},
  ): Result<{ actor: Actor; target: Actor }> {
    const allowed = this.authorize(participantId, permission, context);
    if (!allowed.ok) return allowed;
    const target = this.actor(targetId);
    if (!target) return err(ErrorCode.NotFound, `no participant '${targetId}'`);
    if (target.role.priority >= allowed.value.role.priority) {
      return err(
        ErrorCode.Forbidden,
        `cannot act on '${target.participant.name}': role '${target.role.name}' is not below '${allowed.value.role.name}'`,
      );
    }
    return ok({ actor: allowed.value, target });
  }
}
