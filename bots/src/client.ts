import { Client, type Room } from "@colyseus/sdk";
import { type ExitDirection, JoinErrorCode, PROTOCOL_VERSION, type ParticipantData, ROOM_TYPE, RoomState } from "@mesh/schema";
import { MeshRest, MeshRestError } from "./rest.ts";
import { type JoinOptions, MeshRoom } from "./room.ts";

export interface ConnectOptions {
  /** The server's base URL, e.g. http://localhost:4000 */
  url: string;
  /** A session JWT (or a bot token). */
  token: string;
}

/** A join the server refused: `code` is the Colyseus code (see JoinErrorCode). */
export class MeshJoinError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = "MeshJoinError";
  }

  get unauthorized(): boolean {
    return this.code === JoinErrorCode.AuthFailed;
  }
}

/** A connection to one mesh server: REST plus realtime rooms, with one identity. */
export class MeshClient {
  readonly rest: MeshRest;
  private readonly colyseus: Client;
  private whoami?: Promise<ParticipantData>;

  constructor(readonly options: ConnectOptions) {
    this.rest = new MeshRest(options.url, options.token);
    this.colyseus = new Client(options.url);
  }

  /** Who this token belongs to (fetched once). */
  async me(): Promise<string> {
    return (await this.identity()).id;
  }

  /** This token's participant: id, name, kind, owner (fetched once; a failed fetch is tried again next time). */
  identity(): Promise<ParticipantData> {
    if (!this.whoami) {
      this.whoami = this.rest.me().then((me) => me.participant);
      this.whoami.catch(() => {
        this.whoami = undefined;
      });
    }
    return this.whoami;
  }

  async join(roomId: string, options: JoinOptions = {}): Promise<MeshRoom> {
    let participantId: string;
    try {
      participantId = await this.me();
    } catch (error) {
      // A refused token is the same failure whether REST or the socket notices it first.
      if (error instanceof MeshRestError && error.status === 401) throw new MeshJoinError(JoinErrorCode.AuthFailed, error.message);
      throw error;
    }
    const open = () => this.open(roomId, options.entrance, options.client);
    // `open` again is how the room comes back when a restarted server no longer knows its seat.
    const mesh = new MeshRoom(roomId, participantId, await open(), this.rest, options, open);
    await mesh.ready();
    return mesh;
  }

  /** One Colyseus connection to the room: a new seat, this client's token. */
  private async open(roomId: string, entrance?: ExitDirection, client?: string): Promise<Room<unknown, RoomState>> {
    try {
      const options = {
        room: roomId,
        token: this.options.token,
        protocol: PROTOCOL_VERSION,
        ...(entrance ? { entrance } : {}),
        ...(client ? { client } : {}),
      };
      return await this.colyseus.joinOrCreate<RoomState>(ROOM_TYPE, options, RoomState);
    } catch (error) {
      const { code, message } = error as { code?: number; message?: string };
      throw new MeshJoinError(code ?? 0, message ?? String(error));
    }
  }
}

/** Connect to a mesh server (SPEC §7: `createBot` builds on this). */
export function connect(options: ConnectOptions): MeshClient {
  return new MeshClient(options);
}
