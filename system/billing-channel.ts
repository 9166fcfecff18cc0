/**
 * How clients dial billing: the functions, and the container's own health check. On AWS the hop is TLS,
 * trusting exactly the private authority that issued billing's certificate (BILLING_TLS_CA, public; the
 * server's private key lives only in the billing task). Without it (`npm start`, whose billing port the
 * original system's plaintext clients must keep reaching) the channel is plaintext.
 * BILLING_TLS_SERVER_NAME names the certificate's host when the address is an IP (tests, the health check).
 */
import { credentials, type ChannelCredentials, type ChannelOptions } from '@grpc/grpc-js';

export function billingChannel(env: NodeJS.ProcessEnv = process.env): {
  credentials: ChannelCredentials;
  options: ChannelOptions;
} {
  const trusted = env.BILLING_TLS_CA?.trim();
  if (!trusted) return { credentials: credentials.createInsecure(), options: {} };
  const serverName = env.BILLING_TLS_SERVER_NAME?.trim();
  return {
    credentials: credentials.createSsl(Buffer.from(trusted)),
    options: serverName ? { 'grpc.ssl_target_name_override': serverName, 'grpc.default_authority': serverName } : {},
  };
}
