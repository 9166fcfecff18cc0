/**
 * The broker as its own process: `tsx local/broker/main.ts`.
 * KAFKA_PORT (default 9092), KAFKA_HOST (default 127.0.0.1), KAFKA_ADVERTISED_HOST (what clients are
 * told to connect to; default KAFKA_HOST, or 127.0.0.1 when bound to 0.0.0.0), KAFKA_DATA_DIR (in memory
 * if unset), KAFKA_DEFAULT_PARTITIONS (default 3).
 */
import { portOf } from '../ports';
import { startBroker } from './index';

async function main(): Promise<void> {
  const partitions = process.env.KAFKA_DEFAULT_PARTITIONS ? Number(process.env.KAFKA_DEFAULT_PARTITIONS) : undefined;
  const broker = await startBroker({
    port: portOf('kafka'),
    host: process.env.KAFKA_HOST || undefined,
    advertisedHost: process.env.KAFKA_ADVERTISED_HOST || undefined,
    dataDir: process.env.KAFKA_DATA_DIR || undefined,
    defaultPartitions: partitions,
    log: (event, details) =>
      console.error(JSON.stringify({ level: 'WARN', service: 'kafka-broker', message: event, ...details })),
  });
  console.log(
    `Kafka broker listening on ${broker.host}:${broker.port}${process.env.KAFKA_DATA_DIR ? ` (data in ${process.env.KAFKA_DATA_DIR})` : ' (in memory)'}`,
  );
  const stop = (signal: string) => {
    console.log(`${signal}: stopping the Kafka broker`);
    void broker.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: Error) => {
  console.error(`Kafka broker could not start: ${error.message}`);
  process.exit(1);
});
