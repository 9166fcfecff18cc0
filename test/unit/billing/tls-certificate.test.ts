import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { certificateAuthority, daysLeft, issuedBy, serverCertificate } from '../../../system/tls-certificate';
import { keepsServerCertificate } from '../../../functions/custom-resources/billing-certificate';

describe('billing TLS certificates', () => {
  it('a P-256 authority issues server certificates for the given names and days, each matching its key', async () => {
    const now = new Date('2026-06-01T00:00:00Z');
    const authority = await certificateAuthority('billing CA', 3650, now);
    const ca = new X509Certificate(authority.certificate);
    expect(ca.ca).toBe(true);
    expect(ca.verify(ca.publicKey)).toBe(true);

    const { certificate, privateKey } = await serverCertificate(
      authority,
      ['billing.patient-prod.internal', 'localhost', '127.0.0.1'],
      825,
      now,
    );
    const cert = new X509Certificate(certificate);
    expect(cert.ca).toBe(false);
    expect(cert.subject).toBe('CN=billing.patient-prod.internal');
    expect(cert.subjectAltName).toBe('DNS:billing.patient-prod.internal, DNS:localhost, IP Address:127.0.0.1');
    expect(cert.checkHost('billing.patient-prod.internal')).toBe('billing.patient-prod.internal');
    expect(cert.checkHost('billing.patient-dev.internal')).toBeUndefined();
    expect(cert.checkIssued(ca) && cert.verify(ca.publicKey)).toBe(true);
    expect(cert.checkPrivateKey(createPrivateKey(privateKey))).toBe(true);
    expect(createPublicKey(certificate).asymmetricKeyDetails).toEqual({ namedCurve: 'prime256v1' });
    expect(new Date(cert.validTo).getTime() - now.getTime()).toBe(825 * 86_400_000);
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']); // extended key usage: server authentication only
    expect(daysLeft(certificate, now)).toBe(825);
    expect(daysLeft(certificate, new Date(now.getTime() + 826 * 86_400_000))).toBe(-1);
  });

  it('tells which authority issued a certificate', async () => {
    const [ours, theirs] = await Promise.all([certificateAuthority('ours', 1), certificateAuthority('theirs', 1)]);
    const issued = await serverCertificate(ours, ['x'], 1);
    expect(issuedBy(issued.certificate, ours.certificate)).toBe(true);
    expect(issuedBy(issued.certificate, theirs.certificate)).toBe(false);
    expect(issuedBy('garbage', ours.certificate)).toBe(false);
  });
});

describe('certificate custom resource', () => {
  it('keeps the server certificate only for the same rotation, the same hosts and the same authority', async () => {
    const authority = await certificateAuthority('ca', 1);
    const props = { Hosts: 'billing.patient-dev.internal,localhost', RotationId: 'initial' };
    const current = {
      ...(await serverCertificate(authority, props.Hosts.split(','), 1)),
      rotationId: 'initial',
      hosts: props.Hosts,
    };
    expect(keepsServerCertificate(current, props, authority)).toBe(true);
    expect(keepsServerCertificate(undefined, props, authority)).toBe(false);
    expect(keepsServerCertificate(current, { ...props, RotationId: '2027' }, authority)).toBe(false);
    expect(keepsServerCertificate(current, { ...props, Hosts: 'billing.patient-prod.internal' }, authority)).toBe(
      false,
    );
    expect(keepsServerCertificate(current, props, await certificateAuthority('a new ca', 1))).toBe(false);
  });
});
