import type { DynamoLocal } from '../../local/dynamo';

export default async function teardown(): Promise<void> {
  await (globalThis as { __DYNAMO__?: DynamoLocal }).__DYNAMO__?.stop();
}
