/**
 * The container's HEALTHCHECK: asks the local server's grpc.health.v1.Health for the server as a whole.
 * Exit 0 when SERVING, 1 otherwise (not answering within 2 s, NOT_SERVING, any error).
 */
import { credentials, Metadata } from '@grpc/grpc-js';
import { HealthCheckResponse_ServingStatus, HealthClient } from '../../proto/gen/grpc/health/v1/health';

const port = process.env.BILLING_PORT?.trim() || '9001';
const client = new HealthClient(`127.0.0.1:${port}`, credentials.createInsecure());

client.check({ service: '' }, new Metadata(), { deadline: Date.now() + 2000 }, (error, response) => {
  client.close();
  const serving = !error && response.status === HealthCheckResponse_ServingStatus.SERVING;
  if (!serving) console.error(`billing health: ${error ? error.message : `status ${response.status}`}`);
  process.exit(serving ? 0 : 1);
});
