/**
 * Committed consumer-group offsets. On disk: <dataDir>/offsets.jsonl, one commit per line, replayed
 * and compacted on start.
 */
import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../../functions/commons/atomic-file';

export interface CommittedOffset {
  offset: number;
  metadata: string | null;
}

interface CommitLine {
  g: string;
  t: string;
  p: number;
  o: number;
  m: string | null;
}

export class OffsetStore {
  private readonly groups = new Map<string, Map<string, Map<number, CommittedOffset>>>();
  private fd: number | null = null;

  constructor(dataDir: string | null) {
    if (dataDir !== null) this.load(join(dataDir, 'offsets.jsonl'));
  }

  commit(group: string, topic: string, partition: number, committed: CommittedOffset): void {
    this.remember(group, topic, partition, committed);
    if (this.fd !== null) writeSync(this.fd, `${JSON.stringify(lineOf(group, topic, partition, committed))}\n`);
  }

  fetch(group: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.groups.get(group)?.get(topic)?.get(partition);
  }

  /** Topic → partitions with a committed offset, for OffsetFetch asking for all topics. */
  topicsOf(group: string): Map<string, number[]> {
    const topics = new Map<string, number[]>();
    for (const [topic, partitions] of this.groups.get(group) ?? [])
      topics.set(
        topic,
        [...partitions.keys()].sort((a, b) => a - b),
      );
    return topics;
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private remember(group: string, topic: string, partition: number, committed: CommittedOffset): void {
    let topics = this.groups.get(group);
    if (!topics) this.groups.set(group, (topics = new Map<string, Map<number, CommittedOffset>>()));
    let partitions = topics.get(topic);
    if (!partitions) topics.set(topic, (partitions = new Map<number, CommittedOffset>()));
    partitions.set(partition, committed);
  }

  private load(file: string): void {
    if (existsSync(file)) {
      for (const text of readFileSync(file, 'utf8').split('\n')) {
        if (text.trim() === '') continue;
        try {
          const line = JSON.parse(text) as CommitLine;
          this.remember(line.g, line.t, line.p, { offset: line.o, metadata: line.m });
        } catch {
          // A line torn by a crash mid-write is the last one; skipping it loses only that commit.
        }
      }
    }
    const compacted: string[] = [];
    for (const [group, topics] of this.groups)
      for (const [topic, partitions] of topics)
        for (const [partition, committed] of partitions)
          compacted.push(`${JSON.stringify(lineOf(group, topic, partition, committed))}\n`);
    writeFileAtomic(file, compacted.join(''));
    this.fd = openSync(file, 'a');
  }
}

function lineOf(group: string, topic: string, partition: number, committed: CommittedOffset): CommitLine {
  return { g: group, t: topic, p: partition, o: committed.offset, m: committed.metadata };
}
