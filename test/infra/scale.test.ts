/**
 * CDK assertions for the scale settings (issue 16): stream readers' filter criteria from the definitions,
 * deployment tiers and their overrides, billing in two availability zones, DynamoDB throttling alarms.
 */
import { functions, functionsTriggeredBy } from '../../system/functions';
import { tables } from '../../system/tables';
import { TIER_SETTINGS } from '../../infra/tiers';
import { deployedFunctions, environmentOf, itRefuses, resourcesOf, synthesize, type Synthesized } from './synth';

const mappingsOf = (s: Synthesized, fnName: string) =>
  Object.values(resourcesOf(s.templates.api, 'AWS::Lambda::EventSourceMapping')).filter((m) =>
    JSON.stringify(m.Properties.FunctionName).includes(`Fn${fnName.replace(/-/g, '')}Function`),
  );
const stageOf = (s: Synthesized) =>
  Object.values(resourcesOf(s.templates.api, 'AWS::ApiGateway::Stage'))[0]!.Properties as {
    MethodSettings: { ThrottlingRateLimit: number; ThrottlingBurstLimit: number; HttpMethod: string }[];
  };
const stageThrottle = (s: Synthesized) => {
  const all = stageOf(s).MethodSettings.find((m) => m.HttpMethod === '*')!;
  return { rateLimit: all.ThrottlingRateLimit, burstLimit: all.ThrottlingBurstLimit };
};

describe.each(['aws', 'localstack-hobby'] as const)('profile %s: stream filters', (profile) => {
  it('gives each stream reader, on each of its tables, exactly the filters of its definition', () => {
    const s = synthesize(profile);
    for (const { name, trigger } of functionsTriggeredBy('table-streams')) {
      expect(trigger.filters?.length).toBeGreaterThan(0);
      const mappings = mappingsOf(s, name);
      expect([name, mappings.length]).toEqual([name, trigger.tables.length]);
      for (const mapping of mappings) {
        const criteria = mapping.Properties.FilterCriteria as { Filters: { Pattern: string }[] };
        expect(criteria.Filters.map((f) => JSON.parse(f.Pattern) as unknown)).toEqual(trigger.filters);
      }
    }
  });
});

describe('tiers', () => {
  const small = () => synthesize('aws');
  const large = () => synthesize('aws', { tier: 'large' });

  it('defaults to small: the stage throttle, audit shards and thresholds of that tier', () => {
    expect(small().deployment.config.tier).toBe('small');
    expect(stageThrottle(small())).toEqual(TIER_SETTINGS.small.apiThrottle);
    expect(environmentOf(deployedFunctions(small()).patients!).AUDIT_SHARDS).toBe(
      String(TIER_SETTINGS.small.auditShards),
    );
  });

  it("creates each Kafka topic with its tier's partitions (a consumer per partition counts ~1,000 events/s)", () => {
    for (const [s, tier] of [
      [small(), TIER_SETTINGS.small],
      [large(), TIER_SETTINGS.large],
    ] as const) {
      for (const topic of ['patient', 'billing']) {
        s.templates.messaging!.hasResourceProperties('AWS::CloudFormation::CustomResource', {
          Topic: topic,
          Partitions: String(tier.topicPartitions),
        });
      }
    }
  });

  it('gives every function that writes patients the same patient shard counts (a writer with fewer would hide patients)', () => {
    const deployed = deployedFunctions(small());
    const { list, search } = TIER_SETTINGS.small.patientShards;
    for (const name of ['patients', 'billing-api'] as const) {
      expect(environmentOf(deployed[name]!)).toMatchObject({
        PATIENT_LIST_SHARDS: String(list),
        PATIENT_SEARCH_SHARDS: String(search),
      });
    }
  });

  it('-c tier=large sizes the stage, billing, audit shards, auth concurrency, memory and alarms for the design load', () => {
    const s = large();
    const tier = TIER_SETTINGS.large;
    expect(stageThrottle(s)).toEqual(tier.apiThrottle);
    s.templates.billing!.hasResourceProperties('AWS::ECS::Service', { DesiredCount: tier.billingMinTasks });
    s.templates.billing!.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      MinCapacity: tier.billingMinTasks,
      MaxCapacity: tier.billingMaxTasks,
    });
    const deployed = deployedFunctions(s);
    expect(environmentOf(deployed.patients!).AUDIT_SHARDS).toBe(String(tier.auditShards));
    expect(deployed.auth!.Properties.ReservedConcurrentExecutions).toBe(tier.authReservedConcurrency);
    expect(deployed.authorizer!.Properties.MemorySize).toBe(tier.memory.authorizer);
    expect(deployed.patients!.Properties.MemorySize).toBe(tier.memory.patients);
    // A definition's own memory is never lowered (auth hashes passwords with 1 GB).
    expect(deployed.auth!.Properties.MemorySize).toBe(functions.auth.memorySize);
    s.templates.observability!.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: '5XXError',
      Threshold: tier.alarms.api5xx,
    });
  });

  it('lets an explicit setting override its tier', () => {
    const s = synthesize('aws', { tier: 'large', apiThrottleRate: '500', billingMinTasks: '3' });
    expect(stageThrottle(s)).toEqual({ rateLimit: 500, burstLimit: TIER_SETTINGS.large.apiThrottle.burstLimit });
    s.templates.billing!.hasResourceProperties('AWS::ECS::Service', { DesiredCount: 3 });
  });

  itRefuses([[{ tier: 'huge' }, /tier must be one of small, medium, large/]]);
});

describe('billing service', () => {
  it('runs at least two tasks by default, in subnets of two availability zones', () => {
    const s = synthesize('aws');
    const service = Object.values(resourcesOf(s.templates.billing, 'AWS::ECS::Service'))[0]!.Properties as {
      DesiredCount: number;
      NetworkConfiguration: { AwsvpcConfiguration: { Subnets: unknown[] } };
    };
    expect(service.DesiredCount).toBeGreaterThanOrEqual(2);
    expect(service.NetworkConfiguration.AwsvpcConfiguration.Subnets).toHaveLength(2);
    const subnets = Object.values(resourcesOf(s.templates.network, 'AWS::EC2::Subnet'));
    const zones = new Set(subnets.map((subnet) => JSON.stringify(subnet.Properties.AvailabilityZone)));
    expect(zones.size).toBe(2);
    s.templates.billing!.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 2 });
  });
});

describe('DynamoDB throttling alarms', () => {
  it('alarm on read and write throttles of every table and global index, to the alarm topic', () => {
    const s = synthesize('aws');
    const alarms = Object.values(resourcesOf(s.templates.observability, 'AWS::CloudWatch::Alarm')).filter(
      (a) => a.Properties.Namespace === 'AWS/DynamoDB',
    );
    const expected = Object.values(tables).flatMap((t) => [
      `${t.name}`,
      ...(t.globalIndexes ?? []).map((i) => `${t.name}/${i.indexName}`),
    ]);
    expect(alarms).toHaveLength(expected.length * 2);
    for (const kind of ['ReadThrottleEvents', 'WriteThrottleEvents']) {
      const ofKind = alarms.filter((a) => a.Properties.MetricName === kind);
      const targets = ofKind.map((a) => {
        const dims = a.Properties.Dimensions as { Name: string; Value: unknown }[];
        const table = JSON.stringify(dims.find((d) => d.Name === 'TableName')!.Value);
        const index = dims.find((d) => d.Name === 'GlobalSecondaryIndexName')?.Value;
        return { table, index };
      });
      expect(targets).toHaveLength(expected.length);
      // Every table's name is a reference to the stateful stack's table; each index appears with its table.
      for (const t of Object.values(tables))
        for (const index of t.globalIndexes ?? [])
          expect(targets.some((target) => target.index === index.indexName)).toBe(true);
    }
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toHaveLength(1);
      expect(alarm.Properties.Threshold).toBe(TIER_SETTINGS.small.alarms.dynamoThrottles);
      expect(alarm.Properties.Statistic).toBe('Sum');
    }
  });
});
