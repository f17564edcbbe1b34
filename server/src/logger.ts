import { pino, type Logger } from "pino";
import { PinoPretty } from "pino-pretty";

export type { Logger };

/**
 * JSON lines, one per event, for machines and log collectors; on a terminal, the same
 * events as readable coloured lines (LOG_FORMAT=json keeps JSON there too).
 */
export function createLogger(level: string, format: "auto" | "json" | "pretty" = "json"): Logger {
  const options = { level, base: { svc: "mesh" } };
  if (format === "json" || (format === "auto" && !process.stdout.isTTY)) return pino(options);
  return pino(options, PinoPretty({ colorize: process.stdout.isTTY, ignore: "pid,hostname,svc", translateTime: "HH:MM:ss" }));
}
