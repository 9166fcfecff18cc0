/**
 * The billing figures on the CloudWatch dashboard (the deployed twin of the local /dashboard's billing
 * sections), from the analytics consumer's EMF metrics: what was charged, paid and refunded per currency
 * (per day, and in 5-minute steps), what patients owe (BillingOutstanding, after each batch), and accounts opened.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';

const flow = (namespace: string, metric: string, label: string, period: Duration) =>
  new cloudwatch.MathExpression({
    label,
    period,
    expression: `SEARCH('{${namespace},Currency,service} MetricName="${metric}"', 'Sum', ${period.toSeconds()})`,
  });

export function billingWidgets(namespace: string): cloudwatch.IWidget[] {
  const day = Duration.days(1);
  return [
    new cloudwatch.GraphWidget({
      title: 'Billing per day (minor units, per currency)',
      width: 12,
      period: day,
      left: [
        flow(namespace, 'BillingCharged', 'charged', day),
        flow(namespace, 'BillingPaid', 'paid', day),
        flow(namespace, 'BillingRefunded', 'refunded', day),
      ],
    }),
    new cloudwatch.GraphWidget({
      title: 'Billing outstanding (charged − paid + refunded, per currency)',
      width: 6,
      left: [
        new cloudwatch.MathExpression({
          label: 'outstanding',
          period: Duration.minutes(5),
          expression: `SEARCH('{${namespace},Currency,service} MetricName="BillingOutstanding"', 'Maximum', 300)`,
        }),
      ],
    }),
    new cloudwatch.GraphWidget({
      title: 'Billing accounts opened',
      width: 6,
      left: [
        new cloudwatch.Metric({
          namespace,
          metricName: 'BillingAccountsOpened',
          dimensionsMap: { service: 'analytics' },
          statistic: 'Sum',
          period: Duration.hours(1),
        }),
      ],
    }),
  ];
}
