/**
 * The CloudWatch dashboard (the deployed twin of the local GET /dashboard) and alarms to an SNS topic:
 * registrations over time and by state / age band / gender (EMF metrics of the analytics consumer),
 * API latency and errors, every function's errors, duration and throttles, the Kafka consumer's offset
 * lag, the billing service's CPU, memory and task count, DynamoDB throttling per table and index, and the auth function's security events
 * (functions/auth/security-log.ts) as metrics from its log group. Where the target has no dashboards and
 * no log metric filters (LocalStack), only the alarms on the services' own metrics.
 */
import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import type { DeploymentConfig } from '../config';
import { functionsTriggeredBy, type FunctionName } from '../../system/functions';
import { tables, type TableName } from '../../system/tables';
import { billingWidgets } from '../constructs/billing-dashboard';

export interface ObservabilityStackProps extends StackProps {
  config: DeploymentConfig;
  api: apigw.RestApi;
  functions: Partial<Record<FunctionName, lambda.IFunction>>;
  /** The auth function's log group, where its security events are written. */
  securityLog: logs.ILogGroup;
  /** Every table of system/tables.ts, for their throttling alarms. */
  tables: Record<TableName, dynamodb.ITable>;
  billing?: { service: ecs.FargateService; clusterName: string; logGroup: logs.ILogGroup };
}

const NAMESPACE = 'PatientManagement';

/** Security events that page someone, and how many within 5 minutes do. */
const SECURITY_ALARMS = [
  {
    event: 'REFRESH_TOKEN_REUSED',
    threshold: 1,
    description: 'a used refresh token was presented again (token theft or a broken client); its login was revoked',
  },
  {
    event: 'LOGIN_THROTTLED',
    threshold: 20,
    description: 'many logins refused by the failed-login throttle (password guessing)',
  },
  {
    event: 'LOGIN_FAILED',
    threshold: 100,
    description: 'many failed logins (password guessing or credential stuffing)',
  },
] as const;

export class ObservabilityStack extends Stack {
  /** Absent where the target has no CloudWatch dashboards (LocalStack). */
  readonly dashboard?: cloudwatch.Dashboard;
  readonly alarms: sns.Topic;

  constructor(scope: Construct, id: string, props: ObservabilityStackProps) {
    super(scope, id, props);
    // Its own key: CloudWatch must be let in to encrypt what it publishes (AWS: "Amazon SNS topic encryption for
    // alarm actions"), and nothing that encrypts patient data should let it in. Alarms hold no personal data.
    const alarmsKey = new kms.Key(this, 'AlarmsKey', {
      description: 'Encrypts the alarm topic; CloudWatch may use it to publish alarms',
      enableKeyRotation: true,
      removalPolicy: props.config.removalPolicy,
    });
    alarmsKey.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    this.alarms = new sns.Topic(this, 'Alarms', {
      masterKey: alarmsKey,
      enforceSSL: true,
      displayName: 'Patient Management alarms',
    });
    if (props.config.alarmEmail)
      this.alarms.addSubscription(new subscriptions.EmailSubscription(props.config.alarmEmail));
    const alarm = (
      id: string,
      metric: cloudwatch.IMetric,
      threshold: number,
      description: string,
      comparisonOperator = cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    ) =>
      new cloudwatch.Alarm(this, id, {
        metric,
        threshold,
        evaluationPeriods: 1,
        alarmDescription: description,
        comparisonOperator,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }).addAlarmAction(new actions.SnsAction(this.alarms));

    const registered = (dimension?: string) =>
      new cloudwatch.MathExpression({
        label: dimension ? `by ${dimension}` : 'registrations',
        expression: dimension
          ? `SEARCH('{${NAMESPACE},${dimension},service} MetricName="PatientRegistered"', 'Sum', 300)`
          : `SEARCH('{${NAMESPACE},service} MetricName="PatientRegistered"', 'Sum', 300)`,
        period: Duration.minutes(5),
      });
    const fnWidgets = (Object.entries(props.functions) as [FunctionName, lambda.IFunction][]).map(([name, fn]) => {
      alarm(`Errors-${name}`, fn.metricErrors({ period: Duration.minutes(5) }), 1, `${name} function errors`);
      return new cloudwatch.GraphWidget({
        title: `λ ${name}`,
        width: 8,
        left: [fn.metricErrors(), fn.metricThrottles()],
        right: [fn.metricDuration({ statistic: 'p99' })],
      });
    });
    const offsetLag = functionsTriggeredBy('kafka').map(
      ({ name }) =>
        new cloudwatch.Metric({
          namespace: 'AWS/Lambda',
          metricName: 'OffsetLag',
          statistic: 'Maximum',
          label: `${name} offset lag`,
          dimensionsMap: { FunctionName: props.functions[name]!.functionName },
          period: Duration.minutes(1),
        }),
    );
    offsetLag.forEach((lag, i) =>
      alarm(
        i === 0 ? 'KafkaLag' : `KafkaLag${i + 1}`,
        lag,
        props.config.alarmThresholds.kafkaLag,
        `${lag.label} falls behind its topics`,
      ),
    );
    // The stream readers report failed records instead of failing, so their Errors alarm stays quiet while
    // Kafka or billing is down; the age of the oldest record they have not taken tells it.
    for (const { name, trigger } of functionsTriggeredBy('table-streams')) {
      const fn = props.functions[name];
      if (!fn) continue;
      alarm(
        `StreamAge-${name}`,
        fn.metric('IteratorAge', { statistic: 'Maximum', period: Duration.minutes(5) }),
        5 * 60 * 1000,
        `${name} is more than 5 minutes behind the ${trigger.tables.join(' and ')} stream${trigger.tables.length > 1 ? 's' : ''} (what it writes to unreachable?)`,
      );
    }
    // DynamoDB throttling, per table and per global index, read and write apart. The tables are on-demand, so a
    // throttle is a hot partition key (over ~3,000 reads/s or 1,000 writes/s on one key), a table's own ceiling
    // (it doubles only as traffic grows), an index that cannot keep up (which throttles the table's writes too),
    // or the account's quota. The SDK retries throttled requests, so a few are noise; the tier sets how many.
    const throttles = Object.values(tables).flatMap((definition) => {
      const tableName = props.tables[definition.name].tableName;
      const targets = [
        { id: definition.name, label: definition.name, dimensionsMap: { TableName: tableName } },
        ...(definition.globalIndexes ?? []).map((index) => ({
          id: `${definition.name}-${index.indexName}`,
          label: `${definition.name} index ${index.indexName}`,
          dimensionsMap: { TableName: tableName, GlobalSecondaryIndexName: index.indexName },
        })),
      ];
      return targets.flatMap(({ id, label, dimensionsMap }) =>
        (['Read', 'Write'] as const).map((kind) => {
          const metric = new cloudwatch.Metric({
            namespace: 'AWS/DynamoDB',
            metricName: `${kind}ThrottleEvents`,
            dimensionsMap,
            statistic: 'Sum',
            period: Duration.minutes(5),
          });
          alarm(
            `DynamoThrottles-${id}-${kind}`,
            metric,
            props.config.alarmThresholds.dynamoThrottles,
            `DynamoDB throttles ${kind.toLowerCase()}s on ${label} (a hot key, the table's or index's ceiling, or a quota)`,
          );
          // Labelled on the dashboard only: a label would make the alarm a metric-math alarm.
          return metric.with({ label: `${label} ${kind.toLowerCase()} throttles` });
        }),
      );
    });
    alarm(
      'Api5xx',
      props.api.metricServerError({ period: Duration.minutes(5) }),
      props.config.alarmThresholds.api5xx,
      'API answers 5xx',
    );
    const logMetrics = props.config.dashboardAndLogMetrics;
    if (props.billing && logMetrics) {
      // Billing logs its TLS certificate's days left at start and daily; nothing renews it by itself.
      const daysLeft = new logs.MetricFilter(this, 'BillingCertificateDaysLeft', {
        logGroup: props.billing.logGroup,
        metricNamespace: NAMESPACE,
        metricName: 'BillingTlsCertificateDaysLeft',
        metricValue: '$.tlsCertificateDaysLeft',
        filterPattern: logs.FilterPattern.stringValue('$.message', '=', 'tls certificate'),
      }).metric({ statistic: 'Minimum', period: Duration.days(1) });
      alarm(
        'BillingCertificateExpiry',
        daysLeft,
        30,
        'billing TLS certificate expires within 30 days: deploy with -c billingCertificateRotationId=<new id>',
        cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      );
    }
    const securityMetrics = !logMetrics
      ? []
      : SECURITY_ALARMS.map(({ event, threshold, description }) => {
          const metric = new logs.MetricFilter(this, `SecurityEvents-${event}`, {
            logGroup: props.securityLog,
            metricNamespace: NAMESPACE,
            metricName: event,
            metricValue: '1',
            filterPattern: logs.FilterPattern.stringValue('$.securityEvent', '=', event),
          }).metric({ statistic: 'Sum', period: Duration.minutes(5) });
          alarm(`Security-${event}`, metric, threshold, description);
          return metric;
        });

    if (!props.config.dashboardAndLogMetrics) return;
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      // Dashboard names are the account's, in every region: each region's deployment needs its own.
      dashboardName: `patient-management-${props.config.stage}-${this.region}`,
      widgets: [
        [
          new cloudwatch.GraphWidget({ title: 'Registrations over time', width: 12, left: [registered()] }),
          new cloudwatch.GraphWidget({
            title: 'Deletions',
            width: 12,
            left: [
              new cloudwatch.Metric({
                namespace: NAMESPACE,
                metricName: 'PatientDeleted',
                dimensionsMap: { service: 'analytics' },
                statistic: 'Sum',
              }),
            ],
          }),
        ],
        [
          new cloudwatch.GraphWidget({ title: 'Registrations by state', width: 8, left: [registered('State')] }),
          new cloudwatch.GraphWidget({ title: 'Registrations by age band', width: 8, left: [registered('AgeBand')] }),
          new cloudwatch.GraphWidget({ title: 'Registrations by gender', width: 8, left: [registered('Gender')] }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'API latency',
            width: 12,
            left: [props.api.metricLatency({ statistic: 'p50' }), props.api.metricLatency({ statistic: 'p99' })],
          }),
          new cloudwatch.GraphWidget({
            title: 'API errors',
            width: 12,
            left: [props.api.metricClientError(), props.api.metricServerError()],
          }),
        ],
        billingWidgets(NAMESPACE),
        fnWidgets,
        [
          new cloudwatch.GraphWidget({ title: 'Security events', width: 12, left: securityMetrics }),
          new cloudwatch.GraphWidget({ title: 'Kafka consumer offset lag', width: 12, left: offsetLag }),
          new cloudwatch.GraphWidget({ title: 'DynamoDB throttles', width: 12, left: throttles }),
          ...(props.billing
            ? [
                new cloudwatch.GraphWidget({
                  title: 'Billing service',
                  width: 12,
                  left: [props.billing.service.metricCpuUtilization(), props.billing.service.metricMemoryUtilization()],
                  right: [
                    new cloudwatch.Metric({
                      namespace: 'ECS/ContainerInsights',
                      metricName: 'RunningTaskCount',
                      dimensionsMap: {
                        ClusterName: props.billing.clusterName,
                        ServiceName: props.billing.service.serviceName,
                      },
                      statistic: 'Average',
                    }),
                  ],
                }),
              ]
            : []),
        ],
      ],
    });
  }
}
