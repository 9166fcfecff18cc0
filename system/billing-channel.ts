/**
 * How clients dial billing: the functions, and the container's own health check. On AWS the hop is TLS,
 * trusting exactly the private authority that issued billing's certificate (BILLING_TLS_CA, public; the
 * server's private key lives only in the billing task). Without it (`npm start`, whose billing port the
 * original system's plaintext clients must keep reaching) the channel is plaintext.
 * BILLING_TLS_SERVER_NAME names the certificate's host when the address is an IP (tests, the health check).
 *
 * Load balancing across billing's tasks. On AWS the address is a Cloud Map name (infra/stacks/billing-stack.ts):
 * a multivalue A record per healthy task (up to 8 answers), no load balancer in between. grpc-js resolves the
 * name by DNS, but its default policy (`pick_first`) connects to one address and sends every call there for
 * the life of the channel, i.e. of the Lambda container: a scale-out would only serve containers started
 * after it. `round_robin` connects to every address resolved and spreads calls across them. The tasks are
 * found again when a connection ends: round_robin then asks for a new resolution (at most every 30 s), and
 * billing's server closes each connection after a maximum age (BILLING_MAX_CONNECTION_AGE_MS, billing/src/server.ts),
 * so every container picks up new tasks within about a minute and lets go of stopped ones. (Behind an NLB,
 * round_robin would see one address; only the connection age would rebalance.)
 */
import { credentials, type ChannelCredentials, type ChannelOptions } from '@grpc/grpc-js';

/** The service config every billing channel uses: one connection per resolved task, calls in turn across them. */
export const BILLING_SERVICE_CONFIG = { loadBalancingConfig: [{ round_robin: {} }] } as const;

/**
 * How long billing's server keeps a client connection before asking it to reconnect (GOAWAY; grpc-js adds
 * ±10 % jitter so clients do not reconnect in step), and how long calls already on it may still finish.
 * The grace outlasts the billing client's whole budget per call (functions/commons/clients/billing.ts).
 */
export const BILLING_MAX_CONNECTION_AGE_MS = 60_000;
export const BILLING_MAX_CONNECTION_AGE_GRACE_MS = 10_000;

export function billingChannel(env: NodeJS.ProcessEnv = process.env): {
  credentials: ChannelCredentials;
  options: ChannelOptions;
} {
  const balanced: ChannelOptions = { 'grpc.service_config': JSON.stringify(BILLING_SERVICE_CONFIG) };
  const trusted = env.BILLING_TLS_CA?.trim();
  if (!trusted) return { credentials: credentials.createInsecure(), options: balanced };
  const serverName = env.BILLING_TLS_SERVER_NAME?.trim();
  return {
    credentials: credentials.createSsl(Buffer.from(trusted)),
    options: serverName
      ? { ...balanced, 'grpc.ssl_target_name_override': serverName, 'grpc.default_authority': serverName }
      : balanced,
  };
}
