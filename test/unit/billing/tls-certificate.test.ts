import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { selfSignedCertificate } from '../../../billing/src/tls-certificate';
import { keepsCertificate } from '../../../infra/custom-resources/billing-certificate';

describe('billing TLS certificate', () => {
  it('is a self-signed P-256 server certificate for the given names, valid for the given days, matching its key', async () => {
    const now = new Date('2026-06-01T00:00:00Z');
    const { certificate, privateKey } = await selfSignedCertificate(['billing.patient-prod.internal', 'localhost', '127.0.0.1'], 397, now);
    const cert = new X509Certificate(certificate);
    expect(cert.subject).toBe('CN=billing.patient-prod.internal');
    expect(cert.subjectAltName).toBe('DNS:billing.patient-prod.internal, DNS:localhost, IP Address:127.0.0.1');
    expect(cert.checkHost('billing.patient-prod.internal')).toBe('billing.patient-prod.internal');
    expect(cert.checkHost('billing.patient-dev.internal')).toBeUndefined();
    expect(cert.verify(cert.publicKey)).toBe(true); // self-signed
    expect(cert.checkPrivateKey(createPrivateKey(privateKey))).toBe(true);
    expect(createPublicKey(certificate).asymmetricKeyDetails).toEqual({ namedCurve: 'prime256v1' });
    expect(new Date(cert.validTo).getTime() - now.getTime()).toBe(397 * 86_400_000);
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']); // extended key usage: server authentication only
  });

  it('gives each call its own key', async () => {
    const [a, b] = await Promise.all([selfSignedCertificate(['x'], 1), selfSignedCertificate(['x'], 1)]);
    expect(a.privateKey).not.toBe(b.privateKey);
  });
});

describe('certificate custom resource', () => {
  const event = (type: 'Create' | 'Update', now: Record<string, string>, before?: Record<string, string>) =>
    ({ RequestType: type, ResourceProperties: now, ...(before ? { OldResourceProperties: before } : {}) }) as unknown as CloudFormationCustomResourceEvent;
  const props = { SecretId: 's', Hosts: 'billing.patient-dev.internal,localhost', ValidDays: '397', RotationId: 'initial' };

  it('issues on create, on a new rotation id and on new host names; keeps the certificate otherwise', () => {
    expect(keepsCertificate(event('Create', props))).toBe(false);
    expect(keepsCertificate(event('Update', props, props))).toBe(true);
    expect(keepsCertificate(event('Update', { ...props, RotationId: '2027' }, props))).toBe(false);
    expect(keepsCertificate(event('Update', { ...props, Hosts: 'billing.patient-prod.internal' }, props))).toBe(false);
  });
});
