/**
 * AWS WAF (v2, regional) in front of a REST API stage: per-address rate limits, a general one and a tighter
 * one on the auth paths; AWS's known-bad-inputs and common rule sets (the latter's 8 KB body limit only
 * counted, as the API takes bodies up to 64 KiB); CloudWatch metrics for the web ACL and every rule; and
 * a log of the requests it blocked or counted (tokens and query strings redacted) in a KMS-encrypted group.
 * There is no L2 construct for WAFv2 in aws-cdk-lib, hence the L1 resources.
 */
import { ArnFormat, Stack, type RemovalPolicy } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { problemOf } from '../../system/problem';

export interface ApiFirewallProps {
  stage: apigw.Stage;
  /** Names the web ACL, its metrics and its log group (`aws-waf-logs-<name>`, as WAF requires). */
  name: string;
  /** Requests per source address in 5 minutes, on any path. */
  rateLimit: number;
  /** Requests per source address in 5 minutes on paths that match `authPaths`. */
  authRateLimit: number;
  /** A regular expression (WAF's syntax) for the paths of the auth routes, as the request line has them. */
  authPaths: string;
  key: IKey;
  logRetention: logs.RetentionDays;
  removalPolicy: RemovalPolicy;
}

const TOO_MANY = 'too-many-requests';

export class ApiFirewall extends Construct {
  readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, props: ApiFirewallProps) {
    super(scope, id);
    const visibility = (metric: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName: `${props.name}-${metric}`,
    });
    // Over the limit: 429 problem+json-shaped (WAF allows only a few content types), as API Gateway's own throttle answers.
    const tooMany: wafv2.CfnWebACL.RuleActionProperty = {
      block: { customResponse: { responseCode: 429, customResponseBodyKey: TOO_MANY } },
    };
    const perAddress = (
      name: string,
      priority: number,
      limit: number,
      scopeDownStatement?: wafv2.CfnWebACL.StatementProperty,
    ): wafv2.CfnWebACL.RuleProperty => ({
      name,
      priority,
      action: tooMany,
      visibilityConfig: visibility(name),
      statement: { rateBasedStatement: { aggregateKeyType: 'IP', limit, scopeDownStatement } },
    });
    const managed = (
      name: string,
      priority: number,
      ruleActionOverrides?: wafv2.CfnWebACL.RuleActionOverrideProperty[],
    ): wafv2.CfnWebACL.RuleProperty => ({
      name,
      priority,
      overrideAction: { none: {} },
      visibilityConfig: visibility(name),
      statement: { managedRuleGroupStatement: { vendorName: 'AWS', name, ruleActionOverrides } },
    });
    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      name: props.name,
      description:
        'Rate limits per source address, tighter on the auth routes, and AWS managed rules for the Patient Management API',
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('web-acl'),
      customResponseBodies: {
        [TOO_MANY]: {
          contentType: 'APPLICATION_JSON',
          content: JSON.stringify(problemOf(429, 'Too many requests from this address; try again in a few minutes')),
        },
      },
      rules: [
        // Decoded and normalized first, so /api/%61uth/login or //api/auth/login count as the auth path they reach.
        perAddress('auth-rate', 0, props.authRateLimit, {
          regexMatchStatement: {
            regexString: props.authPaths,
            fieldToMatch: { uriPath: {} },
            textTransformations: [
              { priority: 0, type: 'URL_DECODE' },
              { priority: 1, type: 'NORMALIZE_PATH' },
            ],
          },
        }),
        perAddress('rate', 1, props.rateLimit),
        managed('AWSManagedRulesKnownBadInputsRuleSet', 2),
        // Its SizeRestrictions_BODY blocks bodies over 8 KB; the functions take (and bound) up to 64 KiB themselves.
        managed('AWSManagedRulesCommonRuleSet', 3, [{ name: 'SizeRestrictions_BODY', actionToUse: { count: {} } }]),
      ],
    });
    new wafv2.CfnWebACLAssociation(this, 'Association', {
      resourceArn: props.stage.stageArn,
      webAclArn: this.webAcl.attrArn,
    });

    const logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `aws-waf-logs-${props.name}`,
      retention: props.logRetention,
      encryptionKey: props.key,
      removalPolicy: props.removalPolicy,
    });
    new wafv2.CfnLoggingConfiguration(this, 'Logging', {
      resourceArn: this.webAcl.attrArn,
      // WAF wants the log group's ARN without the ":*" that LogGroup.logGroupArn ends with.
      logDestinationConfigs: [
        Stack.of(this).formatArn({
          service: 'logs',
          resource: 'log-group',
          resourceName: logGroup.logGroupName,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
      // Bearer tokens and query strings (patient search terms) never reach the log.
      redactedFields: [{ singleHeader: { Name: 'authorization' } }, { queryString: {} }],
      // Only what a rule blocked or counted: allowed traffic is in the API's access logs already.
      loggingFilter: {
        DefaultBehavior: 'DROP',
        Filters: [
          {
            Behavior: 'KEEP',
            Requirement: 'MEETS_ANY',
            Conditions: [{ ActionCondition: { Action: 'BLOCK' } }, { ActionCondition: { Action: 'COUNT' } }],
          },
        ],
      },
    });
  }
}
