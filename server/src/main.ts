import { helpText, loadConfig } from "./config.ts";
import { createLogger } from "./logger.ts";
import { StartupError, startServer } from "./server.ts";

/** `npm start`: run the server until SIGTERM or SIGINT, then shut down cleanly. */
async function main(argv: string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(helpText());
    return 0;
  }
  const unknown = argv.filter((arg) => arg.startsWith("-"));
  if (unknown.length) {
    console.error(`unknown option ${unknown[0]}; settings are environment variables, see --help`);
    return 2;
  }
  const config = loadConfig();
  if (!config.ok) {
    for (const problem of config.errors) console.error(`config: ${problem}`);
    console.error("see --help for every setting and its default");
    return 2;
  }
  const log = createLogger(config.value.logLevel, config.value.logFormat);
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer(config.value, log);
  } catch (error) {
    if (error instanceof StartupError) {
      log.fatal(error.message);
      console.error(`The Mesh could not start: ${error.message}`);
      return 1;
    }
    throw error;
  }
  log.info({ url: server.url, dataDir: config.value.dataDir }, `The Mesh is running at ${server.url}`);
  if (server.ssh) {
    log.info({ port: server.ssh.port, hostKey: server.ssh.fingerprint }, `SSH front door on port ${server.ssh.port} (host key ${server.ssh.fingerprint})`);
  }
  if (server.services.db.users.count() === 0) {
    log.info(`No accounts yet: the first to register (POST ${server.url}/api/auth/register) becomes the owner`);
  }
  const stop = async (signal: string) => {
    log.info({ signal }, "shutting down");
    await server.close();
    log.info("stopped cleanly");
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop("SIGTERM"));
  process.once("SIGINT", () => void stop("SIGINT"));
  return -1;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    console.error("The Mesh crashed while starting:", error);
    process.exit(1);
  },
);
