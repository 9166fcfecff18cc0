/**
 * Topics and their partition logs. On disk: <dataDir>/topics/<topic>/topic.json ({"partitions": n})
 * and one <partition>.log per partition; everything is found again on start.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../../functions/commons/atomic-file';
import { ErrorCode } from '../protocol/errors';
import { PartitionLog } from './partition-log';

const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;
const MAX_PARTITIONS = 1000;

export function isValidTopicName(name: string): boolean {
  return TOPIC_NAME.test(name) && name !== '.' && name !== '..';
}

export class TopicStore {
  private readonly topics = new Map<string, PartitionLog[]>();
  private readonly directory: string | null;

  constructor(dataDir: string | null) {
    this.directory = dataDir === null ? null : join(dataDir, 'topics');
    if (this.directory !== null) this.load(this.directory);
  }

  names(): string[] {
    return [...this.topics.keys()].sort();
  }

  partitions(topic: string): readonly PartitionLog[] | undefined {
    return this.topics.get(topic);
  }

  partition(topic: string, index: number): PartitionLog | undefined {
    return this.topics.get(topic)?.[index];
  }

  validate(name: string, partitions: number): ErrorCode {
    if (!isValidTopicName(name)) return ErrorCode.INVALID_TOPIC;
    if (this.topics.has(name)) return ErrorCode.TOPIC_ALREADY_EXISTS;
    if (!Number.isInteger(partitions) || partitions < 1 || partitions > MAX_PARTITIONS)
      return ErrorCode.INVALID_PARTITIONS;
    return ErrorCode.NONE;
  }

  create(name: string, partitions: number): ErrorCode {
    const error = this.validate(name, partitions);
    if (error !== ErrorCode.NONE) return error;
    let folder: string | null = null;
    if (this.directory !== null) {
      folder = join(this.directory, name);
      mkdirSync(folder, { recursive: true });
      writeFileAtomic(join(folder, 'topic.json'), JSON.stringify({ partitions }));
    }
    this.topics.set(
      name,
      Array.from({ length: partitions }, (_, index) => new PartitionLog(folder && join(folder, `${index}.log`))),
    );
    return ErrorCode.NONE;
  }

  /** The highest producer id found in any log, so ids handed out after a restart never repeat. */
  highestProducerId(): number {
    let highest = -1;
    for (const logs of this.topics.values()) for (const log of logs) highest = Math.max(highest, log.highestProducerId);
    return highest;
  }

  close(): void {
    for (const logs of this.topics.values()) for (const log of logs) log.close();
  }

  private load(directory: string): void {
    mkdirSync(directory, { recursive: true });
    for (const name of readdirSync(directory)) {
      const meta = join(directory, name, 'topic.json');
      if (!isValidTopicName(name) || !existsSync(meta)) continue;
      const { partitions } = JSON.parse(readFileSync(meta, 'utf8')) as { partitions: number };
      this.topics.set(
        name,
        Array.from({ length: partitions }, (_, index) => new PartitionLog(join(directory, name, `${index}.log`))),
      );
    }
  }
}
