import type { AddressInfo } from "node:net";
import { WebSocket, WebSocketServer } from "ws";
import { timeUntil } from "./latency.ts";

/** The floor: a bare `ws` server on loopback that relays every frame to every other client. */
export interface RawRelay {
  /** A→B: ms from A sending a frame until B receives it. */
  hop(payload: Record<string, unknown>, timeoutMs?: number): Promise<number | undefined>;
  close(): Promise<void>;
}

const opened = (socket: WebSocket) =>
  new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });

export const startRawRelay = async (): Promise<RawRelay> => {
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  server.on("connection", (socket) => {
    socket.on("message", (data, isBinary) => {
      for (const other of server.clients) if (other !== socket && other.readyState === WebSocket.OPEN) other.send(data, { binary: isBinary });
    });
  });
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const a = new WebSocket(url);
  const b = new WebSocket(url);
  await Promise.all([opened(a), opened(b)]);

  let next = 0;
  const hop = (payload: Record<string, unknown>, timeoutMs = 2000) => {
    const id = ++next;
    let arrived = false;
    return timeUntil(
      (check) => {
        // Parsed like a real client would, so both sides pay for decoding.
        const onMessage = (data: Buffer) => {
          arrived ||= (JSON.parse(data.toString()) as { id: number }).id === id;
          check();
        };
        b.on("message", onMessage);
        return () => b.off("message", onMessage);
      },
      () => arrived,
      () => a.send(JSON.stringify({ ...payload, id })),
      timeoutMs,
    );
  };
  const close = async () => {
    a.close();
    b.close();
    for (const socket of server.clients) socket.terminate();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return { hop, close };
};
