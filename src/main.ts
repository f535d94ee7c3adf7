import { type Config, ConfigError, readConfig } from './config.js';
import { createLogger } from './logger.js';
import { startGateway } from './server/start.js';

let config: Config;
try {
  config = readConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`invitegate: ${error.message}\n`);
  process.exit(1);
}

const logger = createLogger(config.logLevel);
const gateway = await startGateway(config, logger).catch((error: unknown) => {
  logger.fatal({ err: error }, 'could not start');
  process.stderr.write(`invitegate: could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    gateway.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}
