/**
 * CDK assertions for the security hardening: a WAF in front of the API, tighter limits on
 * the auth routes (WAF per source address, API Gateway per method, reserved concurrency for the auth
 * function), least privilege on the tables, the logs grant on the data key bound to log groups, safe
 * headers on gateway responses, and SES for the verification mail.
 */
import { Match } from 'aws-cdk-lib/assertions';
import type { Profile } from '../../infra/config';
import { ACCESS_MODES, functions, type FunctionName } from '../../system/functions';
import { routes } from '../../system/routes';
import { tables, type TableName } from '../../system/tables';
import {
  allResources,
  deployedFunctions,
  environmentOf,
  itRefuses,
  logicalId,
  resourcesOf,
  synthesize,
  type Synthesized,
} from './synth';

type Statement = {
  Effect: string;
  Action: string | string[];
  Resource?: unknown;
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
};
const statementsOf = (policy: { Properties: Record<string, unknown> }) =>
  (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement;
const actionsOf = (st: Statement) => ([] as string[]).concat(st.Action);

/** What the role of a deployed function may do, statement by statement (API stack). */
function roleStatements(s: Synthesized, fn: string): Statement[] {
  return Object.values(resourcesOf(s.templates.api, 'AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties.Roles).includes(logicalId(fn)))
    .flatMap(statementsOf);
}

/** The DynamoDB item and table actions a function may perform on one table (its stream aside). */
function tableActions(s: Synthesized, fn: string, table: TableName): string[] {
  const actions = roleStatements(s, fn)
    .filter((st) => JSON.stringify(st.Resource).includes(`Table${table.replace(/-/g, '')}`))
    .flatMap(actionsOf)
    .filter(
      (a) =>
        a.startsWith('dynamodb:') &&
        ![
          'dynamodb:ListStreams',
          'dynamodb:DescribeStream',
          'dynamodb:GetRecords',
          'dynamodb:GetShardIterator',
        ].includes(a),
    );
  return [...new Set(actions)].sort();
}

/** The auth routes as the issue names them: every path under /api/auth/ and the original /auth/ aliases. */
const isAuthPath = (path: string) => path.startsWith('/api/auth/') || path.startsWith('/auth/');

describe.each(['aws'] as Profile[])('WAF on profile %s', (profile) => {
  const s = () => synthesize(profile);
  type Rule = {
    Name: string;
    Statement: Record<string, Record<string, unknown>>;
    Action?: unknown;
    VisibilityConfig: { CloudWatchMetricsEnabled: boolean; SampledRequestsEnabled: boolean };
  };
  const acl = () => {
    const acls = Object.values(resourcesOf(s().templates.api, 'AWS::WAFv2::WebACL'));
    expect(acls).toHaveLength(1);
    return acls[0]!.Properties as {
      Scope: string;
      DefaultAction: unknown;
      VisibilityConfig: { CloudWatchMetricsEnabled: boolean };
      Rules: Rule[];
    };
  };
  const rateRules = () => acl().Rules.filter((r) => r.Statement.RateBasedStatement);

  it('puts a regional web ACL in front of the API stage', () => {
    expect(acl()).toMatchObject({ Scope: 'REGIONAL', DefaultAction: { Allow: {} } });
    const [association] = Object.values(resourcesOf(s().templates.api, 'AWS::WAFv2::WebACLAssociation'));
    const stageId = Object.keys(resourcesOf(s().templates.api, 'AWS::ApiGateway::Stage'))[0]!;
    expect(JSON.stringify(association!.Properties.ResourceArn)).toMatch(new RegExp(`restapis/.*${stageId}`));
  });

  it('limits requests per source address: generally, and tighter on the auth paths (with or without the stage in the path)', () => {
    const general = rateRules().find((r) => !r.Statement.RateBasedStatement!.ScopeDownStatement);
    const auth = rateRules().find((r) => r.Statement.RateBasedStatement!.ScopeDownStatement);
    expect(general!.Statement.RateBasedStatement).toMatchObject({ AggregateKeyType: 'IP', Limit: 2000 });
    expect(auth!.Statement.RateBasedStatement).toMatchObject({ AggregateKeyType: 'IP', Limit: 100 });
    for (const rule of [general!, auth!])
      expect(rule.Action).toEqual({ Block: { CustomResponse: expect.objectContaining({ ResponseCode: 429 }) } });
    const scope = (
      auth!.Statement.RateBasedStatement!.ScopeDownStatement as {
        RegexMatchStatement: { RegexString: string; FieldToMatch: unknown };
      }
    ).RegexMatchStatement;
    expect(scope.FieldToMatch).toEqual({ UriPath: {} });
    const pattern = new RegExp(scope.RegexString);
    // The default endpoint has the stage name first in the path; a custom domain does not.
    for (const route of routes) {
      for (const path of [route.path, `/prod${route.path}`])
        expect([path, pattern.test(path)]).toEqual([path, isAuthPath(route.path)]);
    }
  });

  it("runs AWS's common and known-bad-inputs rule groups, letting bodies up to 64 KiB through to the functions", () => {
    const managed = acl()
      .Rules.map((r) => r.Statement.ManagedRuleGroupStatement)
      .filter((m) => m !== undefined);
    expect(managed.map((m) => m.Name).sort()).toEqual([
      'AWSManagedRulesCommonRuleSet',
      'AWSManagedRulesKnownBadInputsRuleSet',
    ]);
    const common = managed.find((m) => m.Name === 'AWSManagedRulesCommonRuleSet')!;
    expect(common.RuleActionOverrides).toEqual(
      expect.arrayContaining([{ Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } }]),
    );
  });

  it('publishes CloudWatch metrics for the web ACL and every rule, and logs what it blocks without tokens', () => {
    expect(acl().VisibilityConfig.CloudWatchMetricsEnabled).toBe(true);
    for (const rule of acl().Rules)
      expect([rule.Name, rule.VisibilityConfig.CloudWatchMetricsEnabled]).toEqual([rule.Name, true]);
    const [logging] = Object.values(resourcesOf(s().templates.api, 'AWS::WAFv2::LoggingConfiguration'));
    expect(logging!.Properties.RedactedFields).toEqual(
      expect.arrayContaining([{ SingleHeader: { Name: 'authorization' } }, { QueryString: {} }]),
    );
    s().templates.api!.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: 'aws-waf-logs-patient-management-dev',
      KmsKeyId: Match.anyValue(),
    });
  });
});

describe('WAF settings', () => {
  it('is off on LocalStack profiles (no WAFv2 in their coverage) and with -c waf=false', () => {
    for (const s of [synthesize('localstack-hobby'), synthesize('aws', { waf: 'false' })])
      expect(allResources(s, 'AWS::WAFv2::WebACL')).toEqual([]);
  });

  it('takes its limits from -c wafRateLimit and -c wafAuthRateLimit', () => {
    const [acl] = Object.values(
      resourcesOf(
        synthesize('aws', { wafRateLimit: '5000', wafAuthRateLimit: '50' }).templates.api,
        'AWS::WAFv2::WebACL',
      ),
    );
    const limits = (acl!.Properties.Rules as { Statement: { RateBasedStatement?: { Limit: number } } }[]).map(
      (r) => r.Statement.RateBasedStatement?.Limit,
    );
    expect(limits.filter(Boolean).sort()).toEqual([50, 5000].sort());
  });

  itRefuses([
    [{ waf: 'maybe' }, /waf must be one of true, false/],
    [{ wafRateLimit: '5' }, /wafRateLimit is not a valid value/],
    [{ wafAuthRateLimit: '1.5' }, /wafAuthRateLimit is not a valid value/],
  ]);
});

describe.each(['aws', 'localstack-hobby', 'localstack-ultimate'] as Profile[])(
  'auth limits on profile %s',
  (profile) => {
    const s = () => synthesize(profile);

    it("throttles every POST auth route at the method, below the stage's limits, keeping its metrics", () => {
      const [stage] = Object.values(resourcesOf(s().templates.api, 'AWS::ApiGateway::Stage'));
      type Setting = {
        ResourcePath: string;
        HttpMethod: string;
        ThrottlingRateLimit: number;
        ThrottlingBurstLimit: number;
        MetricsEnabled?: boolean;
      };
      const settings = stage!.Properties.MethodSettings as Setting[];
      const all = settings.find((m) => m.ResourcePath === '/*' && m.HttpMethod === '*')!;
      // Derived from the route table: a new POST auth route (POST /api/auth/verify-email) is throttled as it lands.
      const expected = routes
        .filter((r) => r.method === 'POST' && isAuthPath(r.path))
        .map((r) => `/${r.path.replace(/\//g, '~1')}`)
        .sort();
      expect(expected).toEqual(
        expect.arrayContaining([
          '/~1api~1auth~1login',
          '/~1api~1auth~1signup',
          '/~1api~1auth~1refresh',
          '/~1api~1auth~1password',
          '/~1auth~1login',
        ]),
      );
      const throttled = settings.filter((m) => m !== all);
      expect(throttled.map((m) => [m.HttpMethod, m.ResourcePath]).sort()).toEqual(
        expected.map((path) => ['POST', path]),
      );
      for (const m of throttled) {
        expect(m).toMatchObject({ ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20, MetricsEnabled: true });
        expect(m.ThrottlingRateLimit).toBeLessThan(all.ThrottlingRateLimit);
        expect(m.ThrottlingBurstLimit).toBeLessThan(all.ThrottlingBurstLimit);
      }
    });

    it('reserves concurrency for the auth function, so password hashing (1024 MB, from its definition) cannot starve the others', () => {
      const auth = deployedFunctions(s()).auth!;
      expect(auth.Properties).toMatchObject({
        ReservedConcurrentExecutions: 20,
        MemorySize: functions.auth.memorySize,
      });
      expect(functions.auth.memorySize).toBe(1024);
      for (const [name, fn] of Object.entries(deployedFunctions(s()))) {
        if (name !== 'auth') expect([name, fn.Properties.ReservedConcurrentExecutions]).toEqual([name, undefined]);
      }
    });
  },
);

describe('auth limit settings', () => {
  it('-c authThrottleRate / authThrottleBurst / authReservedConcurrency (0: none)', () => {
    const s = synthesize('aws', { authThrottleRate: '3', authThrottleBurst: '6', authReservedConcurrency: '0' });
    const [stage] = Object.values(resourcesOf(s.templates.api, 'AWS::ApiGateway::Stage'));
    const login = (stage!.Properties.MethodSettings as { ResourcePath: string }[]).find(
      (m) => m.ResourcePath === '/~1api~1auth~1login',
    );
    expect(login).toMatchObject({ ThrottlingRateLimit: 3, ThrottlingBurstLimit: 6 });
    expect(deployedFunctions(s).auth!.Properties.ReservedConcurrentExecutions).toBeUndefined();
  });

  itRefuses([
    [{ authReservedConcurrency: '-1' }, /authReservedConcurrency is not a valid value/],
    [{ authThrottleRate: '0' }, /authThrottleRate is not a valid value/],
    [{ authThrottleBurst: 'many' }, /authThrottleBurst is not a valid value/],
  ]);
});

describe.each(['aws', 'localstack-hobby', 'localstack-ultimate'] as Profile[])(
  'least privilege on profile %s',
  (profile) => {
    const s = () => synthesize(profile);

    it("grants each function exactly its access mode's actions on each of its tables", () => {
      const deployed = deployedFunctions(s());
      for (const def of Object.values(functions).filter((d) => deployed[d.name])) {
        for (const [table, mode] of Object.entries(def.tables) as [TableName, keyof typeof ACCESS_MODES][]) {
          expect([def.name, table, tableActions(s(), def.name, table)]).toEqual([
            def.name,
            table,
            [...ACCESS_MODES[mode]].sort(),
          ]);
        }
      }
    });

    it('lets no function Scan a table', () => {
      for (const policy of allResources(s(), 'AWS::IAM::Policy')) {
        for (const st of statementsOf(policy)) expect(actionsOf(st)).not.toContain('dynamodb:Scan');
      }
    });

    it('platform (unauthenticated) may only describe the patients table for its health check', () => {
      expect(tableActions(s(), 'platform', 'patients')).toEqual(['dynamodb:DescribeTable']);
      for (const table of Object.keys(tables) as TableName[]) {
        if (table !== 'patients') expect([table, tableActions(s(), 'platform', table)]).toEqual([table, []]);
      }
    });

    it('whoever checks tokens reads revocations by key only: GetItem and BatchGetItem on sessions', () => {
      const checkers: FunctionName[] = s().deployment.config.tokenCheckInFunctions
        ? ['patients', 'analytics-query']
        : ['authorizer'];
      for (const fn of checkers)
        expect([fn, tableActions(s(), fn, 'sessions')]).toEqual([fn, ['dynamodb:BatchGetItem', 'dynamodb:GetItem']]);
    });

    it('patients reads by key or index and writes items (a soft delete removes the email claim and search entries), never Scan or BatchWriteItem', () => {
      const actions = tableActions(s(), 'patients', 'patients');
      expect(actions).toEqual(
        expect.arrayContaining([
          'dynamodb:GetItem',
          'dynamodb:BatchGetItem',
          'dynamodb:Query',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'dynamodb:DeleteItem',
        ]),
      );
      expect(actions).not.toContain('dynamodb:BatchWriteItem');
      // Pending billing only reads a patient and records its account; nobody deletes users.
      expect(tableActions(s(), 'pending-billing', 'patients')).not.toContain('dynamodb:DeleteItem');
      expect(tableActions(s(), 'auth', 'users')).not.toContain('dynamodb:DeleteItem');
    });
  },
);

describe('data key', () => {
  it("lets CloudWatch Logs use the key only for this account's log groups in this region (encryption context)", () => {
    const [key] = Object.values(resourcesOf(synthesize('aws').templates.stateful, 'AWS::KMS::Key'));
    const logs = (key!.Properties.KeyPolicy as { Statement: Statement[] }).Statement.filter((st) =>
      JSON.stringify(st.Principal ?? '').includes('"logs."'),
    );
    expect(logs.length).toBeGreaterThan(0);
    for (const st of logs) {
      const arn = JSON.stringify(st.Condition?.ArnLike?.['kms:EncryptionContext:aws:logs:arn']);
      expect(arn).toMatch(/:logs:".*AWS::Region.*AWS::AccountId.*:log-group:\*/);
    }
  });
});

describe.each(['aws', 'localstack-hobby', 'localstack-ultimate'] as Profile[])(
  'gateway responses on profile %s',
  (profile) => {
    it('carry nosniff and no-store on every gateway response, and WWW-Authenticate: Bearer on every 401', () => {
      const responses = Object.values(
        resourcesOf(synthesize(profile).templates.api, 'AWS::ApiGateway::GatewayResponse'),
      );
      expect(responses.map((r) => r.Properties.ResponseType)).toEqual(
        expect.arrayContaining(['DEFAULT_4XX', 'DEFAULT_5XX', 'UNAUTHORIZED', 'ACCESS_DENIED', 'THROTTLED']),
      );
      for (const { Properties: p } of responses) {
        const headers = p.ResponseParameters as Record<string, string>;
        expect([
          p.ResponseType,
          headers['gatewayresponse.header.X-Content-Type-Options'],
          headers['gatewayresponse.header.Cache-Control'],
        ]).toEqual([p.ResponseType, "'nosniff'", "'no-store'"]);
        if (p.StatusCode === '401' || p.ResponseType === 'UNAUTHORIZED') {
          expect([p.ResponseType, headers['gatewayresponse.header.WWW-Authenticate']]).toEqual([
            p.ResponseType,
            "'Bearer'",
          ]);
        }
      }
    });
  },
);

describe('verification mail (SES)', () => {
  const sesStatements = (s: Synthesized, fn: string) =>
    roleStatements(s, fn).filter((st) => actionsOf(st).some((a) => a.startsWith('ses:')));
  const endpoints = (s: Synthesized) => JSON.stringify(resourcesOf(s.templates.network, 'AWS::EC2::VPCEndpoint'));

  it('-c mailFrom: an SES identity for the address, MAIL_FROM for the auth function, which alone may send, and only as that address', () => {
    const s = synthesize('aws', { mailFrom: 'no-reply@clinic.example' });
    s.templates.api!.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'no-reply@clinic.example' });
    expect(environmentOf(deployedFunctions(s).auth!).MAIL_FROM).toBe('no-reply@clinic.example');
    const [send, ...others] = sesStatements(s, 'auth');
    expect(others).toEqual([]);
    expect(send).toMatchObject({
      Effect: 'Allow',
      Action: 'ses:SendEmail',
      Condition: { StringEquals: { 'ses:FromAddress': 'no-reply@clinic.example' } },
    });
    expect(JSON.stringify(send!.Resource)).toMatch(/:ses:.*:identity\//);
    for (const name of Object.keys(deployedFunctions(s)).filter((n) => n !== 'auth'))
      expect([name, sesStatements(s, name)]).toEqual([name, []]);
    // The functions have no internet route: SES's API is reached through an interface endpoint.
    expect(endpoints(s)).toMatch(/\.email"/);
  });

  it('-c mailFromDomain: the whole domain is the identity, its DKIM records are outputs', () => {
    const s = synthesize('aws', { mailFrom: 'no-reply@clinic.example', mailFromDomain: 'clinic.example' });
    s.templates.api!.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'clinic.example' });
    expect(Object.keys(s.templates.api!.findOutputs('*')).filter((o) => o.startsWith('MailDkimRecord'))).toHaveLength(
      3,
    );
  });

  it('without it (AWS, stages other than prod): no identity, no MAIL_FROM, no SES access, no endpoint', () => {
    const s = synthesize('aws');
    expect(allResources(s, 'AWS::SES::EmailIdentity')).toEqual([]);
    expect(environmentOf(deployedFunctions(s).auth!).MAIL_FROM).toBeUndefined();
    expect(sesStatements(s, 'auth')).toEqual([]);
    expect(endpoints(s)).not.toMatch(/\.email"/);
  });

  it('on LocalStack (which keeps the mail it is asked to send): a default sender', () => {
    const s = synthesize('localstack-hobby');
    s.templates.api!.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'no-reply@example.com' });
    expect(environmentOf(deployedFunctions(s).auth!).MAIL_FROM).toBe('no-reply@example.com');
  });

  itRefuses([
    [{ stage: 'prod' }, /mailFrom is required for stage prod/],
    [{ mailFrom: 'clinic.example' }, /mailFrom is not an email address/],
    [{ mailFromDomain: 'clinic.example' }, /mailFromDomain needs mailFrom/],
    [
      { mailFrom: 'no-reply@clinic.example', mailFromDomain: 'other.example' },
      /mailFromDomain "other.example" must be the domain of mailFrom/,
    ],
  ]);
});
