/**
 * A self-signed ECDSA P-256 server certificate for the billing gRPC port, and its private key, in PEM.
 * Clients trust exactly this certificate (it is its own trust anchor), so no CA has to be run or paid
 * for; the deploy-time custom resource (infra/custom-resources/billing-certificate.ts) makes one and
 * keeps the key in Secrets Manager.
 */
import { createPrivateKey, randomBytes, webcrypto } from 'node:crypto';
import { isIP } from 'node:net';
import * as x509 from '@peculiar/x509';

export interface TlsIdentity { certificate: string; privateKey: string }

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

/** `hosts`: the names (and IP addresses) clients dial, the first one also the subject's common name. */
export async function selfSignedCertificate(hosts: string[], validDays: number, now = new Date()): Promise<TlsIdentity> {
  if (hosts.length === 0) throw new Error('A certificate needs at least one host name');
  const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']) as webcrypto.CryptoKeyPair;
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomBytes(16).toString('hex'),
    name: `CN=${hosts[0]}`,
    notBefore: new Date(now.getTime() - 5 * 60_000), // clock skew between the signer and the first clients
    notAfter: new Date(now.getTime() + validDays * 86_400_000),
    signingAlgorithm: ALGORITHM,
    keys: keys as never, // Node's WebCrypto keys, typed apart from the DOM's
    extensions: [
      // A trust anchor of its own: CA true, but it may sign nothing below it (path length 0).
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyCertSign, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(hosts.map((host) => (isIP(host) ? { type: 'ip', value: host } : { type: 'dns', value: host }))),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey as never, false, webcrypto as never),
    ],
  }, webcrypto as never);
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  return {
    certificate: certificate.toString('pem'),
    privateKey: createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }).export({ format: 'pem', type: 'pkcs8' }).toString(),
  };
}
