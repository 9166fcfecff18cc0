import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { generateSigningJwk, rotate } from '../../../functions/auth/domain/keys';
import { plannedKeys } from '../../../functions/custom-resources/key-provisioner';

const props = (rotationId: string) => ({
  ServiceToken: 'arn:token',
  SecretId: 'arn:secret',
  ParameterName: '/pms/jwks',
  RotationId: rotationId,
});
const common = {
  ServiceToken: 'arn:token',
  ResponseURL: 'https://example.com',
  StackId: 'stack',
  RequestId: 'r',
  LogicalResourceId: 'Keys',
  ResourceType: 'Custom::SigningKeys',
};
const create = (): CloudFormationCustomResourceEvent => ({
  ...common,
  RequestType: 'Create',
  ResourceProperties: props('1'),
});
const update = (from: string, to: string): CloudFormationCustomResourceEvent => ({
  ...common,
  RequestType: 'Update',
  PhysicalResourceId: 'keys',
  ResourceProperties: props(to),
  OldResourceProperties: props(from),
});

describe('key provisioner plan', () => {
  it('Create makes one fresh key, even if the secret already held some', async () => {
    const old = rotate(undefined, await generateSigningJwk());
    const { keys, rotated } = await plannedKeys(create(), old);
    expect(rotated).toBe(true);
    expect(keys.keys).toHaveLength(1);
    expect(keys.keys[0]!.kid).not.toBe(old.keys[0]!.kid);
    expect(keys.keys[0]!.d).toBeDefined();
  });

  it('Update with a new RotationId: new current key, old current kept as previous', async () => {
    const old = rotate(undefined, await generateSigningJwk());
    const { keys, rotated } = await plannedKeys(update('1', '2'), old);
    expect(rotated).toBe(true);
    expect(keys.keys.map((k) => k.kid)).toEqual([expect.any(String), old.keys[0]!.kid]);
    expect(keys.keys[0]!.kid).not.toBe(old.keys[0]!.kid);
  });

  it('Update with the same RotationId keeps the keys; an empty secret gets a key', async () => {
    const old = rotate(undefined, await generateSigningJwk());
    await expect(plannedKeys(update('1', '1'), old)).resolves.toEqual({ keys: old, rotated: false });
    const repaired = await plannedKeys(update('1', '1'), undefined);
    expect(repaired.rotated).toBe(true);
    expect(repaired.keys.keys).toHaveLength(1);
  });
});
