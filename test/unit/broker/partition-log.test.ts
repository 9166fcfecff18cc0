/** A partition log: offsets assigned on append, reads by offset, idempotent retries, and reload from its file. */
import { appendFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PartitionLog } from '../../../local/broker/storage/partition-log';
import { batchHeader } from '../../../local/broker/storage/record-batch';
import { recordBatch } from '../../integration/broker/support';

const directory = mkdtempSync(join(tmpdir(), 'partition-log-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

it('assigns offsets, reads from the batch holding an offset, and leaves the received buffer alone', () => {
  const log = new PartitionLog(null);
  const first = recordBatch(['a', 'b', 'c']);
  expect(log.append([first])).toBe(0);
  expect(log.append([recordBatch(['d'])])).toBe(3);
  expect(log.highWatermark).toBe(4);
  expect(batchHeader.baseOffset(first)).toBe(0);
  expect(log.read(2, 1_000_000).map(batchHeader.baseOffset)).toEqual([0, 3]);
  expect(log.read(3, 1_000_000).map(batchHeader.baseOffset)).toEqual([3]);
  expect(log.read(3, 1)).toHaveLength(1); // at least one batch even over the limit
  expect(log.read(4, 1_000_000)).toEqual([]);
});

it('answers a repeated (producerId, baseSequence) with the original offset and stores it once', () => {
  const log = new PartitionLog(null);
  log.append([recordBatch(['x'])]);
  const producer = { id: 5, epoch: 0, baseSequence: 0 };
  expect(log.append([recordBatch(['p0', 'p1'], producer)])).toBe(1);
  expect(log.append([recordBatch(['p0', 'p1'], producer)])).toBe(1);
  expect(log.append([recordBatch(['p2'], { ...producer, baseSequence: 2 })])).toBe(3);
  expect(log.highWatermark).toBe(4);
  expect(log.highestProducerId).toBe(5);
  // After an epoch bump the producer's sequences restart at 0: new data, not a retry.
  expect(log.append([recordBatch(['p3'], { ...producer, epoch: 1 })])).toBe(4);
});

it('finds its batches again after a restart and cuts off a torn write at the end', () => {
  const file = join(directory, '0.log');
  const log = new PartitionLog(file);
  log.append([recordBatch(['one', 'two'], { id: 9, epoch: 0, baseSequence: 0 })]);
  log.append([recordBatch(['three'])]);
  log.close();
  const intact = statSync(file).size;
  appendFileSync(file, recordBatch(['torn']).subarray(0, 30));

  const reloaded = new PartitionLog(file);
  expect(statSync(file).size).toBe(intact);
  expect(reloaded.highWatermark).toBe(3);
  expect(reloaded.read(0, 1_000_000).map(batchHeader.baseOffset)).toEqual([0, 2]);
  expect(reloaded.append([recordBatch(['one', 'two'], { id: 9, epoch: 0, baseSequence: 0 })])).toBe(0);
  expect(reloaded.append([recordBatch(['four'])])).toBe(3);
  reloaded.close();
  expect(new PartitionLog(file).highWatermark).toBe(4);
});
