/**
 * The billing gRPC port's TLS identities, in PEM: a private certificate authority that lives for years
 * and is all the clients trust, and the server certificates it issues for the hosts clients dial.
 * Replacing the server certificate then never touches the clients, and old and new tasks are both
 * trusted while a rotation rolls out. The deploy-time custom resource (functions/custom-resources/
 * billing-certificate.ts) makes both and keeps the private keys in Secrets Manager.
 */
import { createPrivateKey, randomBytes, webcrypto, X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import * as x509 from '@peculiar/x509';

export interface TlsIdentity {
  certificate: string;
  privateKey: string;
}

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
// Node's WebCrypto, typed apart from the DOM's that @peculiar/x509 declares.
const crypto = webcrypto as never;

const validity = (now: Date, days: number) => ({
  notBefore: new Date(now.getTime() - 5 * 60_000), // clock skew between the signer and the first clients
  notAfter: new Date(now.getTime() + days * 86_400_000),
});

async function identity(certificate: x509.X509Certificate, keys: webcrypto.CryptoKeyPair): Promise<TlsIdentity> {
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  return {
    certificate: certificate.toString('pem'),
    privateKey: createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' })
      .export({ format: 'pem', type: 'pkcs8' })
      .toString(),
  };
}

const newKeys = () => webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);

/** A certificate authority that may issue server certificates and nothing below them (path length 0). */
export async function certificateAuthority(name: string, validDays: number, now = new Date()): Promise<TlsIdentity> {
  const keys = await newKeys();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: randomBytes(16).toString('hex'),
      name: `CN=${name}`,
      ...validity(now, validDays),
      signingAlgorithm: ALGORITHM,
      keys: keys as never,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
      ],
    },
    crypto,
  );
  return identity(certificate, keys);
}

/** A server certificate for `hosts` (names and IP addresses; the first is also the common name), issued by `authority`. */
export async function serverCertificate(
  authority: TlsIdentity,
  hosts: string[],
  validDays: number,
  now = new Date(),
): Promise<TlsIdentity> {
  if (hosts.length === 0) throw new Error('A certificate needs at least one host name');
  const issuer = new x509.X509Certificate(authority.certificate);
  const der = createPrivateKey(authority.privateKey).export({ format: 'der', type: 'pkcs8' });
  const signingKey = await webcrypto.subtle.importKey('pkcs8', der, ALGORITHM, false, ['sign']);
  const keys = await newKeys();
  const certificate = await x509.X509CertificateGenerator.create(
    {
      serialNumber: randomBytes(16).toString('hex'),
      subject: `CN=${hosts[0]}`,
      issuer: issuer.subject,
      ...validity(now, validDays),
      signingAlgorithm: ALGORITHM,
      publicKey: keys.publicKey,
      signingKey: signingKey as never,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        new x509.SubjectAlternativeNameExtension(
          hosts.map((host) => (isIP(host) ? { type: 'ip', value: host } : { type: 'dns', value: host })),
        ),
        await x509.AuthorityKeyIdentifierExtension.create(issuer, false, crypto),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
      ],
    },
    crypto,
  );
  return identity(certificate, keys);
}

/** Whole days until `certificate` expires (negative once it has). */
export function daysLeft(certificate: string, now: Date): number {
  return Math.floor((new Date(new X509Certificate(certificate).validTo).getTime() - now.getTime()) / 86_400_000);
}

/** Was `certificate` issued (and signed) by `authority`? */
export function issuedBy(certificate: string, authority: string): boolean {
  try {
    const [leaf, ca] = [new X509Certificate(certificate), new X509Certificate(authority)];
    return leaf.checkIssued(ca) && leaf.verify(ca.publicKey);
  } catch {
    return false;
  }
}
