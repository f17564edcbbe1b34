import { byId } from "../dom.ts";

interface Health {
  ok: boolean;
  version: string;
  protocol: number;
  tickHz: number;
  rooms: number;
  online: number;
  uptimeS: number;
}

const duration = (s: number) => (s < 60 ? `${s} s` : s < 3600 ? `${Math.floor(s / 60)} min` : `${(s / 3600).toFixed(1)} h`);

async function refresh(): Promise<void> {
  try {
    const res = await fetch("/api/health");
    const health = (await res.json()) as Health;
    byId("dot").className = health.ok ? "dot ok" : "dot bad";
    byId("state").textContent = health.ok ? "Server is running" : "Server reports a problem";
    byId("version").textContent = health.version;
    byId("protocol").textContent = `v${health.protocol}`;
    byId("tick").textContent = `${health.tickHz} Hz`;
    byId("rooms").textContent = String(health.rooms);
    byId("online").textContent = String(health.online);
    byId("uptime").textContent = duration(health.uptimeS);
  } catch {
    byId("dot").className = "dot bad";
    byId("state").textContent = "Cannot reach the server";
  }
}

void refresh();
setInterval(refresh, 2000);
