/**
 * Deploy lint, the deploy-time handlers: traps that are in what they do, not in the templates. The
 * signing-key provisioner must not take a failed read for "no keys" (a rotation would then drop the key
 * that signed the tokens in use); the topic creator must not ignore a changed partition count.
 */
import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { generateSigningJwk, rotate } from '../../functions/auth/domain/keys';
import { handler as provisionKeys } from '../../functions/custom-resources/key-provisioner';
import { ensureTopic } from '../../functions/custom-resources/create-topic';

describe('signing-key provisioner', () => {
  const props = (rotationId: string) => ({
    ServiceToken: 'arn:token',
    SecretId: 'arn:secret',
    ParameterName: '/pms/jwks',
    RotationId: rotationId,
  });
  const rotation: CloudFormationCustomResourceEvent = {
    ServiceToken: 'arn:token',
    ResponseURL: 'https://example.com',
    StackId: 'stack',
    RequestId: 'r',
    LogicalResourceId: 'SigningKeyPair',
    ResourceType: 'AWS::CloudFormation::CustomResource',
    RequestType: 'Update',
    PhysicalResourceId: 'signing-keys:/pms/jwks',
    ResourceProperties: props('2'),
    OldResourceProperties: props('1'),
  };
  let written: string[];
  const reading = (outcome: () => Promise<unknown>) => {
    written = [];
    jest.spyOn(SSMClient.prototype, 'send').mockImplementation(async () => ({}));
    jest.spyOn(SecretsManagerClient.prototype, 'send').mockImplementation(async (command: unknown) => {
      if (command instanceof GetSecretValueCommand) return outcome();
      if (command instanceof PutSecretValueCommand) written.push(command.input.SecretString!);
      return {};
    });
  };
  afterEach(() => jest.restoreAllMocks());

  it('fails a rotation when the secret cannot be read, and writes nothing', async () => {
    reading(() => Promise.reject(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' })));
    await expect(provisionKeys(rotation)).rejects.toThrow('Rate exceeded');
    expect(written).toEqual([]);
  });

  it('keeps the previous key on rotation when the read succeeds', async () => {
    const old = rotate(undefined, await generateSigningJwk());
    reading(async () => ({ SecretString: JSON.stringify(old) }));
    await provisionKeys(rotation);
    expect((JSON.parse(written[0]!) as typeof old).keys.map((k) => k.kid)).toEqual([
      expect.any(String),
      old.keys[0]!.kid,
    ]);
  });

  it.each([
    ['a secret not written yet (its generated placeholder)', async () => ({ SecretString: 'x7-not-a-key-set' })],
    ['no secret', () => Promise.reject(new ResourceNotFoundException({ message: 'not found', $metadata: {} }))],
  ])('starts with a fresh key for %s', async (_case, outcome) => {
    reading(outcome);
    await provisionKeys(rotation);
    expect((JSON.parse(written[0]!) as { keys: unknown[] }).keys).toHaveLength(1);
  });
});

describe('topic creator', () => {
  const admin = (existing: Record<string, number>) => {
    const calls: string[] = [];
    return {
      calls,
      listTopics: async () => Object.keys(existing),
      fetchTopicMetadata: async ({ topics }: { topics: string[] }) => ({
        topics: topics.map((name) => ({
          name,
          partitions: Array.from({ length: existing[name]! }, (_, i) => ({ partitionId: i })),
        })),
      }),
      createTopics: async ({ topics }: { topics: { topic: string; numPartitions?: number }[] }) => {
        calls.push(`create ${topics[0]!.topic} ${topics[0]!.numPartitions}`);
        return true;
      },
      createPartitions: async ({ topicPartitions }: { topicPartitions: { topic: string; count: number }[] }) => {
        calls.push(`grow ${topicPartitions[0]!.topic} ${topicPartitions[0]!.count}`);
        return true;
      },
    };
  };
  type Admin = Parameters<typeof ensureTopic>[0];

  it('creates a missing topic with the partitions asked for', async () => {
    const a = admin({});
    expect(await ensureTopic(a as unknown as Admin, 'patient', 3)).toBe('created');
    expect(a.calls).toEqual(['create patient 3']);
  });

  it('adds partitions when the deployment asks for more', async () => {
    const a = admin({ patient: 3 });
    expect(await ensureTopic(a as unknown as Admin, 'patient', 6)).toBe('grown');
    expect(a.calls).toEqual(['grow patient 6']);
  });

  it('leaves a topic with the partitions asked for alone', async () => {
    const a = admin({ patient: 3 });
    expect(await ensureTopic(a as unknown as Admin, 'patient', 3)).toBe('unchanged');
    expect(a.calls).toEqual([]);
  });

  it('fails the deploy when asked for fewer (Kafka cannot remove partitions)', async () => {
    const a = admin({ patient: 6 });
    await expect(ensureTopic(a as unknown as Admin, 'patient', 3)).rejects.toThrow(
      /has 6 partitions and Kafka cannot remove any/,
    );
    expect(a.calls).toEqual([]);
  });
});
