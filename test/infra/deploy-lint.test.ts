/**
 * Deploy lint: what makes `cdk deploy` fail or a deployed system quietly broken, read from the synthesized
 * templates and assets of every profile (each test names the trap it guards). Then each LocalStack
 * profile against its checked-in coverage list (infra/localstack-coverage.ts).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { LOCALSTACK_COVERAGE, type EventSourceKind } from '../../infra/localstack-coverage';
import { PROFILES, type LocalStackProfile } from '../../infra/profiles';
import { PROVISION_OUTPUT_PREFIX, type ProvisioningCall } from '../../system/provisioning';
import {
  keysIn,
  referenced,
  removeSynthesized,
  resources,
  synthesize,
  type Located,
  type Synthesized,
} from './synthesized';

const VARIANTS: [string, Record<string, string>][] = [
  ...PROFILES.map((profile): [string, Record<string, string>] => [profile, { profile }]),
  ['aws, provisioned MSK', { profile: 'aws', msk: 'provisioned' }],
];
// An alarm e-mail brings the subscription into the templates too.
const s = (context: Record<string, string>) => synthesize({ alarmEmail: 'ops@example.com', ...context });
afterAll(removeSynthesized);

const props = (l: Located) => l.resource.Properties ?? {};
const statements = (policy: unknown) => (policy as { Statement?: Record<string, unknown>[] })?.Statement ?? [];
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);

/** Every file below a folder, relative to it. */
function filesBelow(dir: string, root = dir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesBelow(path, root) : [relative(root, path)];
  });
}

/** Docker image assets of the assembly, with the folder each is built from. */
function imageAssets(x: Synthesized): { stack: string; directory: string; dockerFile: string; platform?: string }[] {
  return Object.keys(x.templates).flatMap((stack) => {
    const manifest = JSON.parse(readFileSync(join(x.outdir, `${stack}.assets.json`), 'utf8')) as {
      dockerImages?: Record<string, { source: { directory: string; dockerFile?: string; platform?: string } }>;
    };
    return Object.values(manifest.dockerImages ?? {}).map(({ source }) => ({
      stack,
      directory: join(x.outdir, source.directory),
      dockerFile: source.dockerFile ?? 'Dockerfile',
      platform: source.platform,
    }));
  });
}

/** Security group rules of a group, inline and separate, as [direction, protocol, from, to, peer]. */
function rulesOf(x: Synthesized, group: Located): string[] {
  const peer = (rule: Record<string, unknown>) => {
    const other = referenced(x, group.stack, rule.SourceSecurityGroupId ?? rule.DestinationSecurityGroupId);
    return other ? (other.id === group.id ? 'itself' : other.id) : String(rule.CidrIp ?? JSON.stringify(rule.CidrIp));
  };
  const rule = (direction: string, r: Record<string, unknown>) =>
    `${direction} ${r.IpProtocol} ${r.FromPort}-${r.ToPort} ${peer(r)}`;
  const inline = [
    ...((props(group).SecurityGroupIngress as Record<string, unknown>[]) ?? []).map((r) => rule('in', r)),
    ...((props(group).SecurityGroupEgress as Record<string, unknown>[]) ?? []).map((r) => rule('out', r)),
  ];
  const separate = (['AWS::EC2::SecurityGroupIngress', 'AWS::EC2::SecurityGroupEgress'] as const).flatMap((type) =>
    resources(x, type)
      .filter((r) => referenced(x, r.stack, props(r).GroupId)?.id === group.id)
      .map((r) => rule(type.endsWith('Ingress') ? 'in' : 'out', props(r))),
  );
  return [...inline, ...separate];
}

describe.each(VARIANTS)('%s', (_name, context) => {
  const x = () => s(context);

  it('logs the API stage through an account CloudWatch role the stack sets (a new account or region has none: the stage would fail)', () => {
    const loggingStages = resources(x(), 'AWS::ApiGateway::Stage').filter(
      (st) => props(st).AccessLogSetting || props(st).MethodSettings,
    );
    expect(loggingStages.length).toBeGreaterThan(0);
    for (const stage of loggingStages) {
      const account = resources(x(), 'AWS::ApiGateway::Account').find((a) => a.stack === stage.stack);
      expect(account).toBeDefined();
      const role = referenced(x(), account!.stack, props(account!).CloudWatchRoleArn);
      expect(JSON.stringify(role?.resource)).toMatch(
        /apigateway\.amazonaws\.com[\s\S]*AmazonAPIGatewayPushToCloudWatchLogs/,
      );
      expect(stage.resource.DependsOn).toContain(account!.id);
    }
  });

  it('builds the billing image for the CPU of the task that runs it (Fargate cannot start an image of another CPU)', () => {
    for (const task of resources(x(), 'AWS::ECS::TaskDefinition')) {
      const cpu = (props(task).RuntimePlatform as { CpuArchitecture: string }).CpuArchitecture;
      const images = imageAssets(x()).filter((i) => i.stack === task.stack);
      expect(images.length).toBeGreaterThan(0);
      for (const image of images) expect(image.platform).toBe(cpu === 'ARM64' ? 'linux/arm64' : 'linux/amd64');
    }
  });

  it('builds the billing image from what its Dockerfile copies only (any other edit would rebuild it and roll the service)', () => {
    for (const image of imageAssets(x())) {
      const dockerfile = readFileSync(join(image.directory, image.dockerFile), 'utf8');
      const copied = [...dockerfile.matchAll(/^COPY\s+(?!--from)(.+)\s+\S+$/gm)].flatMap((m) =>
        m[1]!.trim().split(/\s+/),
      );
      const allowed = (file: string) =>
        file.startsWith(image.dockerFile) ||
        copied.some((src) => file === src || file.startsWith(`${src.replace(/\/$/, '')}/`));
      const files = filesBelow(image.directory);
      expect(files.filter((f) => !allowed(f) || f.endsWith('.md'))).toEqual([]);
      expect(files).toContain('package-lock.json');
    }
  });

  it("lets Lambda's MSK pollers reach the brokers and, without an internet route, the Lambda, STS and SQS endpoints", () => {
    const mappings = resources(x(), 'AWS::Lambda::EventSourceMapping').filter(
      (m) => props(m).AmazonManagedKafkaEventSourceConfig,
    );
    for (const mapping of mappings) {
      const cluster = referenced(x(), mapping.stack, props(mapping).EventSourceArn)!;
      expect(cluster.resource.Type).toMatch(/^AWS::MSK::(Serverless)?Cluster$/);
      const groups =
        cluster.resource.Type === 'AWS::MSK::Cluster'
          ? (props(cluster).BrokerNodeGroupInfo as { SecurityGroups: unknown[] }).SecurityGroups
          : (props(cluster).VpcConfigs as { SecurityGroups: unknown[] }[]).flatMap((c) => c.SecurityGroups);
      expect(groups.length).toBeGreaterThan(0);
      for (const group of groups.map((g) => referenced(x(), cluster.stack, g)!)) {
        expect(rulesOf(x(), group)).toEqual(
          expect.arrayContaining(['in tcp 9098-9098 itself', 'out tcp 9098-9098 itself', 'out tcp 443-443 0.0.0.0/0']),
        );
      }
      const endpoints = resources(x(), 'AWS::EC2::VPCEndpoint')
        .filter((e) => props(e).VpcEndpointType === 'Interface' && props(e).PrivateDnsEnabled === true)
        .map((e) => JSON.stringify(props(e).ServiceName).match(/\.([a-z-]+)"\]\]\}$/)?.[1]);
      const failures = referenced(
        x(),
        mapping.stack,
        (props(mapping).DestinationConfig as { OnFailure: { Destination: unknown } }).OnFailure.Destination,
      );
      expect(endpoints).toEqual(
        expect.arrayContaining(['lambda', 'sts', ...(failures?.resource.Type === 'AWS::SQS::Queue' ? ['sqs'] : [])]),
      );
    }
  });

  it('lets CloudWatch use the key of every topic an alarm notifies (alarm e-mails would never arrive)', () => {
    const alarms = resources(x(), 'AWS::CloudWatch::Alarm');
    expect(alarms.length).toBeGreaterThan(0);
    for (const alarm of alarms) {
      for (const action of (props(alarm).AlarmActions as unknown[]) ?? []) {
        const topic = referenced(x(), alarm.stack, action)!;
        const key = referenced(x(), topic.stack, props(topic).KmsMasterKeyId);
        if (!key) continue; // no customer key: SNS's own
        const allowed = statements(props(key).KeyPolicy)
          .filter(
            (st) =>
              st.Effect === 'Allow' &&
              list((st.Principal as { Service?: unknown })?.Service).includes('cloudwatch.amazonaws.com'),
          )
          .flatMap((st) => list(st.Action));
        expect([key.id, allowed]).toEqual([key.id, expect.arrayContaining(['kms:Decrypt', 'kms:GenerateDataKey*'])]);
      }
    }
  });

  it("names the dashboard per region (dashboard names are the account's, across regions)", () => {
    for (const dashboard of resources(x(), 'AWS::CloudWatch::Dashboard')) {
      if (props(dashboard).DashboardName !== undefined)
        expect(JSON.stringify(props(dashboard).DashboardName)).toContain('{"Ref":"AWS::Region"}');
    }
  });

  it('keeps each custom resource on the provider it was created with (CloudFormation refuses an update to a new service token)', () => {
    // The providers of 5c81b44's templates, by custom resource: a deployed stack can only keep them.
    const providers: Record<string, string> = {
      SigningKeyPair: 'KeyProvisionerProviderframeworkonEvent49CA6D01',
      BillingTlsCertificate: 'BillingCertificateProviderframeworkonEvent20128BFC',
      PatientTopic: 'TopicProviderframeworkonEventCBC18C23',
      FirstAdminUser: 'FirstAdminProviderframeworkonEvent179DA661',
      BootstrapBrokersA235978C: 'AWS679f53fac002430cb0da5b7982bd22872D164C4C',
      // The ledger's topic, on the patient topic's provider since it was added (h-ledger).
      BillingTopic: 'TopicProviderframeworkonEventCBC18C23',
      // The web app's files, copied by CDK's BucketDeployment function (h-web).
      WebAppCustomResource256MiBF171B001: 'CustomCDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C256MiB5F7BD223',
    };
    const custom = Object.entries(x().templates).flatMap(([stack, t]) =>
      Object.entries(t.Resources)
        .filter(([, r]) => r.Type === 'AWS::CloudFormation::CustomResource' || r.Type.startsWith('Custom::'))
        .map(([id, resource]) => ({ stack, id, resource })),
    );
    for (const resource of custom) {
      expect([resource.id, referenced(x(), resource.stack, props(resource).ServiceToken)?.id]).toEqual([
        resource.id,
        providers[resource.id],
      ]);
    }
  });

  it('deletes every encrypted log group with the key that encrypts it (else it outlives its key, unreadable)', () => {
    for (const group of resources(x(), 'AWS::Logs::LogGroup').filter((g) => props(g).KmsKeyId)) {
      const key = referenced(x(), group.stack, props(group).KmsKeyId)!;
      if ((key.resource.DeletionPolicy ?? 'Delete') === 'Delete')
        expect([group.id, group.resource.DeletionPolicy ?? 'Delete']).toEqual([group.id, 'Delete']);
    }
  });
});

const EVENT_SOURCES: [EventSourceKind, (p: Record<string, unknown>) => boolean][] = [
  ['kafka-msk', (p) => Boolean(p.AmazonManagedKafkaEventSourceConfig)],
  ['kafka-self-managed', (p) => Boolean(p.SelfManagedEventSource)],
  ['dynamodb-stream', (p) => JSON.stringify(p.EventSourceArn ?? '').includes('StreamArn')],
];

describe.each(Object.keys(LOCALSTACK_COVERAGE) as LocalStackProfile[])(
  '%s: within its LocalStack coverage list',
  (profile) => {
    const x = () => s({ profile });
    const coverage = LOCALSTACK_COVERAGE[profile];
    const outside = (used: Iterable<string>, listed: object) => [...new Set(used)].filter((u) => !(u in listed)).sort();

    it('uses only the resource types, intrinsic functions and template sections its plan runs', () => {
      const templates = Object.values(x().templates);
      expect(
        outside(
          templates.flatMap((t) => Object.values(t.Resources).map((r) => r.Type)),
          coverage.resourceTypes,
        ),
      ).toEqual([]);
      const intrinsics = templates.flatMap((t) =>
        [...keysIn([t.Resources, t.Outputs])].filter((k) => k === 'Ref' || k.startsWith('Fn::')),
      );
      expect(outside(intrinsics, coverage.intrinsics)).toEqual([]);
      expect(
        outside(
          templates.flatMap((t) => Object.keys(t)),
          coverage.sections,
        ),
      ).toEqual([]);
    });

    it('maps only the event sources its plan polls', () => {
      const used = resources(x(), 'AWS::Lambda::EventSourceMapping').map(
        (m) => EVENT_SOURCES.find(([, is]) => is(props(m)))?.[0] ?? 'unknown',
      );
      expect(outside(used, coverage.eventSources)).toEqual([]);
    });

    it('filters stream records only where its plan applies filter criteria', () => {
      const filtered = resources(x(), 'AWS::Lambda::EventSourceMapping').filter((m) => props(m).FilterCriteria);
      expect(filtered.length).toBeGreaterThan(0);
      expect(coverage.relies.map((r) => r.source)).toContain('esmFilters');
    });

    it('where custom resources do not run, hands their work to the deploy script, and names the consumer the sidecars feed', () => {
      const x0 = x();
      const calls = Object.values(x0.templates)
        .flatMap((t) => Object.entries(t.Outputs ?? {}))
        .filter(([name]) => name.startsWith(PROVISION_OUTPUT_PREFIX))
        .map(([name]) => name.slice(PROVISION_OUTPUT_PREFIX.length))
        .sort();
      const custom = [
        ...resources(x0, 'AWS::CloudFormation::CustomResource'),
        ...Object.values(x0.templates)
          .flatMap((t) => Object.values(t.Resources))
          .filter((r) => r.Type.startsWith('Custom::')),
      ];
      if (x0.deployment.config.customResources) expect(calls).toEqual([]);
      else {
        expect(custom).toEqual([]);
        expect(calls).toEqual(['BillingTopic', 'FirstAdminUser', 'PatientTopic', 'SigningKeyPair']);
      }
      const outputs = Object.assign({}, ...Object.values(x0.templates).map((t) => t.Outputs ?? {})) as Record<
        string,
        unknown
      >;
      expect('AnalyticsConsumerFunction' in outputs).toBe(!x0.deployment.config.kafkaEventSourceMapping);
    });
  },
);

it('every provisioning call names a handler module the deploy script can load', () => {
  const { templates } = s({ profile: 'localstack-hobby' });
  for (const output of Object.values(templates).flatMap((t) => Object.entries(t.Outputs ?? {}))) {
    if (!output[0].startsWith(PROVISION_OUTPUT_PREFIX)) continue;
    const value = output[1].Value as string | { 'Fn::Join': [string, unknown[]] };
    // Deploy-time values (ARNs, names) stand in the JSON as tokens: read around them.
    const text =
      typeof value === 'string'
        ? value
        : value['Fn::Join'][1].map((p) => (typeof p === 'string' ? p : 'token')).join('');
    const call = JSON.parse(text) as ProvisioningCall;
    expect(readFileSync(join(__dirname, '../..', call.entry), 'utf8')).toMatch(
      new RegExp(`export async function ${call.handler}\\(`),
    );
  }
});
