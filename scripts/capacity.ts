/**
 * npm run capacity: the capacity model of issue 16. Every operation runs through the project's own adapters
 * against a metering in-memory DynamoDB (scripts/capacity/), on synthetic records; each operation's units,
 * and the load each partition key value receives, follow from the real items' sizes. It prints, per
 * operation, the units it takes and the load on its hottest partition key at 100, 1,000 and 10,000 patient
 * writes/s (reads ten times that); then every partition key pattern at the design load against DynamoDB's
 * per-partition limits; then a monthly cost estimate. Exits non-zero when a key is over its limit.
 *
 * CAPACITY_SAMPLES (default 10,000) sets the number of synthetic patients; AUDIT_SHARDS and the other
 * deployment settings are read as `cdk deploy` reads them (infra/config.ts).
 */
import { App } from 'aws-cdk-lib';
import { loadConfig } from '../infra/config';
import { fmt, HOURS_PER_MONTH, monthlyCosts } from './capacity/costs';
import { keyPattern } from './capacity/keys';
import { familyStatuses, hotPressure, hottestOf, type HotKey } from './capacity/model';
import type { Operation } from './capacity/operation';
import { measureOperations } from './capacity/operations';
import { heading, table } from './capacity/report';
import { PARTITION_READ_UNITS_PER_SECOND, PARTITION_WRITE_UNITS_PER_SECOND } from './capacity/units';
import {
  DESIGN_WRITES,
  HEADLINE_WRITES,
  LEDGER_TRANSACTIONS_PER_PATIENT_WRITE,
  READ_MIX,
  WRITE_MIX,
  loadAt,
  type Load,
} from './capacity/workload';

/** A hot key as printed: its pattern, and which value (or how many alike values) it stands for. */
function shownKey(family: string, hot: HotKey): string {
  if (hot.basis === 'siblings') return `${family} (each of ${hot.siblings.toLocaleString('en-US')})`;
  return /<value>|<n>/.test(keyPattern(hot.key.key)) ? `${family} (${hot.key.key})` : family;
}

/** The sampling error of an estimate (1/√samples behind it); a family mean has none to speak of. */
const noise = (hot: HotKey) =>
  hot.basis === 'family' ? 'mean' : `${Math.round(100 / Math.sqrt(Math.max(1, hot.hits)))}%`;

function operationRows(operations: Operation[], design: Load): string[][] {
  return operations.map((op) => {
    const profile = op.profile(design);
    // The operation alone, at each headline load (the last is the design load).
    const statuses = HEADLINE_WRITES.map((writes) => familyStatuses([op], loadAt(writes)));
    const hottest = hottestOf(statuses.at(-1)!);
    const units = [op.name, fmt(op.rate(design)), fmt(profile.write), fmt(profile.read)];
    if (!hottest) return [...units, '-', '', '', '', '', ''];
    const { family, hot } = hottest;
    const suffix = hot.kind === 'write' ? ' W' : ' R';
    const limit = hot.kind === 'write' ? PARTITION_WRITE_UNITS_PER_SECOND : PARTITION_READ_UNITS_PER_SECOND;
    const loads = statuses.map((at) => at.find((s) => s.family === family)?.[hot.kind].load ?? 0);
    return [
      ...units,
      shownKey(family, hot),
      ...loads.map((l) => `${fmt(l)}${suffix}`),
      `${limit.toLocaleString('en-US')}${suffix}`,
      hotPressure(hot) <= 1 ? 'ok' : 'OVER',
    ];
  });
}

/**
 * Kafka's own per-partition ceiling: one consumer (a Lambda invocation at a time) per partition. The local
 * benchmark's consumer counted ~1,000 events/s (bench/RESULTS.md, events module), an assumption for Lambda too.
 */
const CONSUMER_EVENTS_PER_SECOND = 1_000;

function kafkaNote(load: Load, partitions: number): string {
  const perTopic = {
    patient: load.writes,
    billing: load.writes * (WRITE_MIX.create + LEDGER_TRANSACTIONS_PER_PATIENT_WRITE),
  };
  return Object.entries(perTopic)
    .map(([topic, events]) => {
      const perPartition = events / partitions;
      const needed = Math.ceil(events / CONSUMER_EVENTS_PER_SECOND);
      return (
        `Kafka topic ${topic}: ${fmt(events)} events/s over ${partitions} partitions = ${fmt(perPartition)}/s per partition; ` +
        `one consumer per partition counts ~${CONSUMER_EVENTS_PER_SECOND.toLocaleString('en-US')}/s` +
        (needed > partitions ? `: ${needed} partitions needed to keep up.` : ': enough.')
      );
    })
    .join('\n');
}

/** A hot value in the key table: the value, or how many alike values its figure is the mean of. */
const hotValue = (hot: HotKey) =>
  hot.basis === 'siblings' ? `each of ${hot.siblings.toLocaleString('en-US')}` : hot.key.key;

async function main(): Promise<void> {
  // The deployment sized for the design load (infra/tiers.ts `large`), unless a tier is named.
  const config = loadConfig(new App({ context: { tier: process.env.TIER ?? 'large' } }));
  const samples = Number(process.env.CAPACITY_SAMPLES ?? 10_000);
  const started = Date.now();
  const { operations, largestItems } = await measureOperations({
    samples,
    seed: 16,
    auditShards: config.auditShards,
    patientShards: config.patientShards,
    topicPartitions: config.topicPartitions,
  });
  const design = loadAt(DESIGN_WRITES);

  console.log(heading('Capacity model (issue 16)'));
  console.log(
    [
      `Design load: ${design.writes.toLocaleString('en-US')} patient writes/s and ${design.reads.toLocaleString('en-US')} reads/s.`,
      `Writes: ${Object.entries(WRITE_MIX)
        .map(([k, v]) => `${k} ${v * 100}%`)
        .join(', ')}. ` +
        `Reads: ${Object.entries(READ_MIX)
          .map(([k, v]) => `${k} ${v * 100}%`)
          .join(', ')}.`,
      `Deployment: tier ${config.tier} (infra/tiers.ts); write shards: audit ${config.auditShards}, patient list ${config.patientShards.list}, ` +
        `patient search ${config.patientShards.search}. Measured on ${samples.toLocaleString('en-US')} synthetic patients through the real adapters; ` +
        `Kafka partitions per topic ${config.topicPartitions}.`,
      `Units: W = write units/s, R = read units/s on one partition key value. Limits: ${PARTITION_WRITE_UNITS_PER_SECOND.toLocaleString('en-US')} W, ${PARTITION_READ_UNITS_PER_SECOND.toLocaleString('en-US')} R per partition.`,
    ].join('\n'),
  );

  console.log(heading('Operations: units per operation, and the hottest partition key'));
  console.log(
    table(
      [
        'operation',
        'ops/s at design',
        'WCU/op',
        'RCU/op',
        'hottest key',
        ...HEADLINE_WRITES.map((w) => `@${w.toLocaleString('en-US')} w/s`),
        'limit',
        'status',
      ],
      operationRows(operations, design),
      [1, 2, 3, 5, 6, 7, 8],
    ),
  );

  const statuses = familyStatuses(operations, design);
  console.log(heading('Partition keys at the design load (every operation summed)'));
  console.log(
    table(
      ['table/index key pattern', 'values seen', 'hottest writes', 'W', '±', 'hottest reads', 'R', '±', 'status'],
      statuses.map((s) => [
        s.family,
        s.values.toLocaleString('en-US'),
        ...[s.write, s.read].flatMap((hot) =>
          hot.load > 0 ? [hotValue(hot), fmt(hot.load), noise(hot)] : ['-', '0', ''],
        ),
        s.ok ? 'ok' : 'OVER',
      ]),
      [1, 3, 4, 6, 7],
    ),
  );

  console.log(
    'Each figure is the larger of: the mean of the hottest group of alike values (the shards of one partition, ' +
      'every id: "each of N"), and the value picked as hottest on half of the samples, measured on the other half. ' +
      '± is the sampling error (1/√samples); "mean": values seen once, the family\'s mean per value.',
  );
  console.log(`\n${kafkaNote(design, config.topicPartitions)}`);

  console.log(heading('Largest items stored by the runs (DynamoDB takes 400 KB at most)'));
  console.log(
    table(
      ['table partition key / sort key', 'bytes'],
      largestItems.slice(0, 12).map((item) => [item.kind, item.bytes.toLocaleString('en-US')]),
      [1],
    ),
  );

  console.log(heading(`Monthly cost estimate (each load sustained for ${HOURS_PER_MONTH} hours)`));
  const costs = HEADLINE_WRITES.map((writes) => monthlyCosts(operations, loadAt(writes), config));
  const rows = costs[0]!.lines.map((line, i) => [
    line.component,
    costs.at(-1)!.lines[i]!.item,
    ...costs.map((c) => `$${fmt(c.lines[i]!.monthly)}`),
    costs.at(-1)!.lines[i]!.note ?? '',
  ]);
  rows.push(['Total', '', ...costs.map((c) => `$${fmt(c.lines.reduce((sum, l) => sum + l.monthly, 0))}`), '']);
  console.log(
    table(
      [
        'component',
        'item (at design)',
        ...HEADLINE_WRITES.map((w) => `@${w.toLocaleString('en-US')} w/s`),
        'at design',
      ],
      rows,
      [2, 3, 4],
    ),
  );
  console.log(
    'List prices, us-east-1, as published 2026 (scripts/capacity/costs.ts PRICES); request units as measured above; ' +
      'storage: what a month of the load adds, TTL expiry ignored (an upper bound).',
  );
  const tasks = costs.at(-1)!.billingTasks;
  if (tasks.needed > tasks.max)
    console.log(
      `Note: the billing service needs ${tasks.needed} tasks at the design load; the deployment allows ${tasks.max} (billingMaxTasks).`,
    );

  const within = statuses.filter((s) => s.ok).length;
  const over = statuses.filter((s) => !s.ok);
  if (over.length > 0)
    console.log(
      `\nOver their limits: ${over.map((s) => `${s.family} (${fmt(Math.max(hotPressure(s.write), hotPressure(s.read)) * 100)}%)`).join(', ')}`,
    );
  console.log(`(measured in ${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
  console.log(
    `${within} of ${statuses.length} partition keys within their limits at ${design.writes.toLocaleString('en-US')} writes/s and ${design.reads.toLocaleString('en-US')} reads/s`,
  );
  process.exitCode = within < statuses.length ? 1 : 0;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 2;
});
