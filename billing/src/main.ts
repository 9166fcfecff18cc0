/**
 * The billing container's entry point (also what `npm start` runs): configuration from the environment,
 * one log line when listening, a graceful drain on SIGTERM/SIGINT, exit 0 once drained.
 */
import { billingConfigFromEnv } from './config';
import { logger } from './logger';
import { startBillingServer } from './server';
import { daysLeft } from '../../system/tls-certificate';

const DAY_MS = 86_400_000;

async function main(): Promise<void> {
  const config = billingConfigFromEnv();
  const server = await startBillingServer(config);
  logger.info('billing server listening', {
    host: config.host,
    port: server.port,
    table: config.tableName,
    tls: Boolean(config.tls),
  });
  // Nothing renews the certificate by itself: its days left, at start and daily, feed an alarm (observability stack).
  if (config.tls) {
    const certificate = config.tls.certificate;
    const report = () => logger.info('tls certificate', { tlsCertificateDaysLeft: daysLeft(certificate, new Date()) });
    report();
    setInterval(report, DAY_MS).unref();
  }

  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    // A second signal means "now": do not wait for the drain again.
    if (stopping) {
      logger.warn('second signal, exiting without waiting', { signal });
      process.exit(1);
    }
    stopping = true;
    logger.info('billing server stopping', { signal });
    server.stop().then(
      () => {
        logger.info('billing server stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error('billing server failed to stop cleanly', { error: (error as Error).name });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

// A rejection nobody handled is a bug; log its kind (never its message, which could quote data) and keep serving.
process.on('unhandledRejection', (reason) =>
  logger.error('unhandled rejection', { error: (reason as Error)?.name ?? typeof reason }),
);

main().catch((error: unknown) => {
  logger.error('billing server failed to start', { error: (error as Error).message });
  process.exit(1);
});
