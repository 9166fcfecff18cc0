/**
 * The container's HEALTHCHECK: asks the local server's grpc.health.v1.Health for the server as a whole.
 * Exit 0 when SERVING, 1 otherwise (not answering within 2 s, NOT_SERVING, any error).
 */
import { Metadata } from '@grpc/grpc-js';
import { HealthCheckResponse_ServingStatus, HealthClient } from '../../proto/gen/grpc/health/v1/health';
import { billingChannel } from '../../system/billing-channel';

const port = process.env.BILLING_PORT?.trim() || '9001';
// With TLS (the task has the authority's certificate), the server's certificate names localhost for this check.
const authority = process.env.BILLING_TLS_CA?.trim();
const channel = billingChannel(authority ? { BILLING_TLS_CA: authority, BILLING_TLS_SERVER_NAME: 'localhost' } : {});
const client = new HealthClient(`127.0.0.1:${port}`, channel.credentials, channel.options);

client.check({ service: '' }, new Metadata(), { deadline: Date.now() + 2000 }, (error, response) => {
  client.close();
  const serving = !error && response.status === HealthCheckResponse_ServingStatus.SERVING;
  if (!serving) console.error(`billing health: ${error ? error.message : `status ${response.status}`}`);
  process.exit(serving ? 0 : 1);
});
