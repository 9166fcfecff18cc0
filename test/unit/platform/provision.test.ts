/**
 * The deploy script's stand-in for custom resources (scripts/provision.ts): it finds the provisioning
 * calls among the stack outputs and calls each handler as CloudFormation would, Create first, then Update
 * with the properties applied before, the handler's environment set before its module loads.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { provision, provisioningCalls } from '../../../scripts/provision';

const root = mkdtempSync(join(tmpdir(), 'provision-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
// A handler that reports what it was called with, and what its environment held when its module loaded.
writeFileSync(
  join(root, 'handler.js'),
  `
const loadedWith = process.env.PROVISION_TEST_TABLE;
exports.handler = async (event) => {
  (globalThis.provisionEvents ??= []).push({ event, loadedWith });
  return { PhysicalResourceId: 'made:' + event.ResourceProperties.Name };
};`,
);
const events = () =>
  (globalThis as unknown as { provisionEvents: { event: CloudFormationCustomResourceEvent; loadedWith: string }[] })
    .provisionEvents;

const call = (name: string) =>
  JSON.stringify({
    entry: 'handler.js',
    handler: 'handler',
    properties: { Name: name },
    environment: { PROVISION_TEST_TABLE: 'users-table' },
  });
const outputs = {
  'Pms-dev-Api': { ApiUrl: 'https://api', ProvisionFirstAdminUser: call('admin') },
  'Pms-dev-Stateful': { ProvisionSigningKeyPair: call('keys') },
};

it('finds the provisioning calls among the outputs of every stack', () => {
  expect(provisioningCalls(outputs).map((p) => `${p.stack}/${p.id}:${p.call.properties.Name}`)).toEqual([
    'Pms-dev-Api/FirstAdminUser:admin',
    'Pms-dev-Stateful/SigningKeyPair:keys',
  ]);
});

it('creates first, then updates from what it applied, as CloudFormation would', async () => {
  const calls = provisioningCalls(outputs);
  const state = await provision(calls, { root, region: 'us-east-1', state: {} });
  expect(state['Pms-dev-Api/FirstAdminUser']).toEqual({
    properties: { Name: 'admin' },
    physicalResourceId: 'made:admin',
  });
  expect(events().map((e) => [e.event.RequestType, e.event.LogicalResourceId, e.loadedWith])).toEqual([
    ['Create', 'FirstAdminUser', 'users-table'],
    ['Create', 'SigningKeyPair', 'users-table'],
  ]);

  await provision(calls, { root, region: 'us-east-1', state });
  const update = events()[2]!.event as Extract<CloudFormationCustomResourceEvent, { RequestType: 'Update' }>;
  expect(update).toEqual(
    expect.objectContaining({
      RequestType: 'Update',
      PhysicalResourceId: 'made:admin',
      LogicalResourceId: 'FirstAdminUser',
      ResourceProperties: expect.objectContaining({ Name: 'admin' }),
      OldResourceProperties: expect.objectContaining({ Name: 'admin' }),
    }),
  );
});
