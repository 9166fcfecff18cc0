/**
 * Every cdk-nag finding this deployment accepts, each with its reason, on the stacks where it occurs.
 * Anything not listed here fails the synth (proven in test/infra/deployment.test.ts).
 */
import { Validations, type App, type Stack } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, type NagPack } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import type { Deployment } from './deployment';
import type { DeploymentConfig } from './config';

/**
 * Findings of a rule that the rule's acknowledgement covers (rule id → finding patterns). cdk-nag matches
 * a finding id such as `AwsSolutions-IAM5[Resource::<export>/index/*]` exactly, and those ids embed
 * resolved tokens; so an acknowledged rule covers exactly the findings listed here, no others.
 */
const ACKNOWLEDGED_FINDINGS: Record<string, RegExp[]> = {
  'AwsSolutions-IAM4': [
    /^Policy::arn:(<AWS::Partition>|aws[\w-]*):iam::aws:policy\/service-role\/(AWSLambda(BasicExecutionRole|VPCAccessExecutionRole|MSKExecutionRole)|AmazonAPIGatewayPushToCloudWatchLogs)$/,
  ],
  'AwsSolutions-IAM5': [
    /^Action::kms:(ReEncrypt|GenerateDataKey)\*$/,
    /^Resource::\*$/,
    /^Resource::[^*]*\/index\/\*$/,
    /^Resource::arn:(<AWS::Partition>|aws[\w-]*):kafka:(<AWS::Region>|[\w-]+):(<AWS::AccountId>|\d+):topic\/patient-events-[^/]+\/.*\/\*$/,
    /^Resource::<[A-Za-z0-9]+Function[A-Za-z0-9]*\.Arn>:\*$/,
    /^Resource::arn:(<AWS::Partition>|aws[\w-]*):ses:(<AWS::Region>|[\w-]+):(<AWS::AccountId>|\d+):identity\/\*$/,
    // The web app's deployment function: read its asset from CDK's asset bucket, write the app's bucket.
    /^Action::s3:(GetObject|GetBucket|List|DeleteObject|Abort)\*$/,
    /^Resource::arn:(<AWS::Partition>|aws[\w-]*):s3:::cdk-[a-z0-9]+-assets-(<AWS::AccountId>|\d+)-(<AWS::Region>|[\w-]+)\/\*$/,
    /^Resource::<WebSite[A-Za-z0-9]+\.Arn>\/\*$/,
  ],
};

function coveringFindings<T extends NagPack>(pack: T): T {
  const target = pack as unknown as { isAcknowledged(node: IConstruct, ruleId: string): boolean };
  const exact = target.isAcknowledged.bind(target);
  target.isAcknowledged = (node, ruleId) => {
    if (exact(node, ruleId)) return true;
    const match = /^([^[]+)\[(.*)\]$/.exec(ruleId);
    if (!match) return false;
    const [, rule, finding] = match as unknown as [string, string, string];
    return exact(node, rule) && (ACKNOWLEDGED_FINDINGS[rule] ?? []).some((pattern) => pattern.test(finding));
  };
  return pack;
}

/** cdk-nag's AwsSolutions and HIPAA Security packs, run on every synth of `app`. */
export function addNagPacks(app: App): void {
  Validations.of(app).addPlugins(
    coveringFindings(new AwsSolutionsChecks(app)),
    coveringFindings(new HIPAASecurityChecks(app)),
  );
}

type StackKey = 'network' | 'stateful' | 'messaging' | 'billing' | 'api' | 'observability' | 'web';
const FUNCTIONS: StackKey[] = ['stateful', 'messaging', 'api'];

/** `when`: the acknowledgement holds for these settings only. */
const ACKNOWLEDGED: { id: string; stacks: StackKey[]; reason: string; when?: (config: DeploymentConfig) => boolean }[] =
  [
    // Identity and access
    {
      id: 'AwsSolutions-IAM4',
      stacks: [...FUNCTIONS, 'billing'],
      reason:
        "AWS managed execution-role policies (basic logging, VPC ENIs, MSK event source) grant only what the Lambda service needs to run the function; data access is granted per table by bindTable. API Gateway's account logging role takes AWS's AmazonAPIGatewayPushToCloudWatchLogs, which writes logs only.",
    },
    {
      id: 'AwsSolutions-IAM5',
      stacks: [...FUNCTIONS, 'billing'],
      reason:
        'Wildcards are scoped: kms:GenerateDataKey*/ReEncrypt* on the one data key (CDK grant), GSI queries on <table>/index/*, X-Ray and ENI actions that only accept "*", topics of our own cluster, the custom-resource framework invoking its own function versions, and ses:SendEmail on this account\'s SES identities with ses:FromAddress fixed to the one sender (in the SES sandbox, SES also checks each recipient\'s identity).',
    },
    {
      id: 'HIPAA.Security-IAMNoInlinePolicy',
      stacks: [...FUNCTIONS, 'billing'],
      reason:
        'Each role gets its own least-privilege policy from CDK grants, scoped to the exact tables, secret, parameter and topic it uses; a shared managed policy would widen access.',
    },
    // Functions
    {
      id: 'AwsSolutions-L1',
      stacks: FUNCTIONS,
      reason:
        'Functions run nodejs22.x, the runtime the project is tested on; the custom-resource framework functions are CDK-managed.',
    },
    {
      id: 'HIPAA.Security-LambdaDLQ',
      stacks: FUNCTIONS,
      reason:
        'API functions are invoked synchronously (the caller gets the error); the stream and Kafka consumers have an encrypted SQS on-failure destination on their event source mappings.',
    },
    {
      id: 'HIPAA.Security-LambdaConcurrency',
      stacks: FUNCTIONS,
      reason:
        'The auth function has reserved concurrency (authReservedConcurrency: password hashing must not starve the others); the rest are bounded by API Gateway throttling, and reserving theirs would cap a clinic at peak times without protecting data.',
    },
    {
      id: 'HIPAA.Security-IAMNoInlinePolicy',
      stacks: ['network', 'observability'],
      reason: 'CDK-generated role policies (flow logs delivery, custom resources) are scoped to their one resource.',
    },
    {
      id: 'HIPAA.Security-LambdaInsideVPC',
      stacks: ['stateful', 'messaging', 'api'],
      reason:
        'Only CDK custom-resource framework functions run outside the VPC; they handle no patient data. All application functions run in the isolated subnets.',
    },
    // API
    {
      id: 'AwsSolutions-APIG2',
      stacks: ['api'],
      reason:
        'Request bodies are validated by the functions with the same zod schemas that generate the OpenAPI document (unknown fields → 400 problem+json).',
    },
    {
      id: 'AwsSolutions-APIG3',
      stacks: ['api'],
      when: (c) => !c.waf,
      reason:
        'Only where the deployment has no WAF (LocalStack community has no WAFv2, or -c waf=false): abuse is then limited by stage and per-method throttling and the login rate limit.',
    },
    {
      id: 'AwsSolutions-APIG4',
      stacks: ['api'],
      reason:
        'Only health, the OpenAPI document, the JWKS and the auth routes (which check credentials or tokens themselves) are public; every patient and analytics route has the Lambda TOKEN authorizer (on the LocalStack community profile, which has no Lambda authorizers, the same decision code runs inside those functions).',
    },
    {
      id: 'AwsSolutions-COG4',
      stacks: ['api'],
      reason:
        "Authentication is the project's own auth service (ES256 JWTs) enforced by a Lambda TOKEN authorizer (or by the same code inside the functions on the LocalStack community profile), not Cognito.",
    },
    {
      id: 'AwsSolutions-APIG6',
      stacks: ['api'],
      reason:
        'Execution logging would write request and response data (personal health data) to logs; JSON access logs without bodies are kept instead.',
    },
    {
      id: 'HIPAA.Security-APIGWExecutionLoggingEnabled',
      stacks: ['api'],
      reason: 'As APIG6: execution logs would carry personal data; access logs are enabled.',
    },
    {
      id: 'HIPAA.Security-APIGWCacheEnabledAndEncrypted',
      stacks: ['api'],
      reason: 'Responses carry personal data and must reflect revocation at once: no API cache.',
    },
    {
      id: 'HIPAA.Security-APIGWSSLEnabled',
      stacks: ['api'],
      reason:
        'All integrations are Lambda proxy integrations; there is no HTTP backend to present a client certificate to.',
    },
    {
      id: 'AwsSolutions-SQS3',
      stacks: ['api'],
      reason: 'This queue is itself the on-failure destination of the event source mappings.',
    },
    // Secrets
    {
      id: 'AwsSolutions-SMG4',
      stacks: ['stateful', 'api'],
      reason:
        "Signing keys rotate through the key-provisioner custom resource (cdk deploy -c signingKeyRotationId=...), keeping the previous key in the JWKS; billing's TLS server certificate is replaced through its certificate custom resource (-c billingCertificateRotationId=..., valid 825 days) and its authority is never handed out; the cursor key only seals short-lived list cursors; the first-admin secret is used once, then the password is changed.",
    },
    {
      id: 'HIPAA.Security-SecretsManagerRotationEnabled',
      stacks: ['stateful', 'api'],
      reason:
        "As SMG4: signing keys and billing's TLS identity rotate through their custom resources; the first-admin secret is read once by the operator, who then changes the password.",
    },
    {
      id: 'HIPAA.Security-DynamoDBInBackupPlan',
      stacks: ['stateful'],
      reason:
        'Every table has point-in-time recovery (35 days); an AWS Backup plan can be added per account for longer retention.',
    },
    // Network
    {
      id: 'AwsSolutions-EC23',
      stacks: ['network'],
      reason:
        'Interface endpoint security groups admit HTTPS from the VPC CIDR only (cdk-nag cannot resolve the CIDR token).',
    },
    {
      id: 'HIPAA.Security-EC2RestrictedSSH',
      stacks: ['network'],
      reason: 'As EC23: endpoint security groups admit 443 from the VPC CIDR only; no SSH anywhere.',
    },
    {
      id: 'HIPAA.Security-EC2RestrictedCommonPorts',
      stacks: ['network'],
      reason: 'As EC23: endpoint security groups admit 443 from the VPC CIDR only.',
    },
    {
      id: 'HIPAA.Security-VPCDefaultSecurityGroupClosed',
      stacks: ['network'],
      reason: 'Nothing uses the default security group; every resource has its own.',
    },
    {
      id: 'HIPAA.Security-CloudWatchLogGroupEncrypted',
      stacks: ['network'],
      reason:
        'VPC flow logs hold addresses and ports, no personal data; CloudWatch encrypts them at rest with its own key.',
    },
    {
      id: 'AwsSolutions-VPC7',
      stacks: ['network'],
      when: (c) => !c.flowLogs,
      reason:
        'LocalStack profiles only: LocalStack does not emulate VPC flow logs (AWS::EC2::FlowLog is outside its CloudFormation coverage, infra/localstack-coverage.ts); the aws profile has them.',
    },
    {
      id: 'HIPAA.Security-VPCFlowLogsEnabled',
      stacks: ['network'],
      when: (c) => !c.flowLogs,
      reason: 'As VPC7: LocalStack profiles only, which hold no real patient data; the aws profile has flow logs.',
    },
    // Web app (CloudFront and S3; the deployment function is CDK's BucketDeployment)
    {
      id: 'AwsSolutions-IAM4',
      stacks: ['web'],
      reason: "CDK's BucketDeployment function logs with AWSLambdaBasicExecutionRole (logging only).",
    },
    {
      id: 'AwsSolutions-IAM5',
      stacks: ['web'],
      reason:
        "CDK's BucketDeployment function reads its asset from CDK's asset bucket and writes, lists and prunes the objects of the app's bucket only (CDK grants: s3:GetObject*, List*, DeleteObject*, Abort* on those two buckets; CloudFront invalidation accepts only \"*\").",
    },
    {
      id: 'HIPAA.Security-IAMNoInlinePolicy',
      stacks: ['web'],
      reason: "The BucketDeployment function's policy is CDK's grant on the two buckets it copies between.",
    },
    {
      id: 'AwsSolutions-L1',
      stacks: ['web'],
      reason:
        "CDK's BucketDeployment function runs the runtime CDK ships it with; it handles the app's static files only.",
    },
    {
      id: 'HIPAA.Security-LambdaDLQ',
      stacks: ['web'],
      reason:
        'The BucketDeployment function runs as a CloudFormation custom resource: a failure fails the deployment, which rolls back.',
    },
    {
      id: 'HIPAA.Security-LambdaConcurrency',
      stacks: ['web'],
      reason: 'The BucketDeployment function runs once per deployment.',
    },
    {
      id: 'HIPAA.Security-LambdaInsideVPC',
      stacks: ['web'],
      reason:
        "The BucketDeployment function copies the app's static files between S3 buckets; it handles no patient data and needs no VPC.",
    },
    {
      id: 'HIPAA.Security-S3BucketReplicationEnabled',
      stacks: ['web'],
      reason:
        "The app's bucket holds a build that every deployment makes again from source; the log bucket holds CloudFront and S3 access logs (versioned, kept a year).",
    },
    {
      id: 'HIPAA.Security-S3DefaultEncryptionKMS',
      stacks: ['web'],
      reason:
        "SSE-S3: the app's bucket holds public static code (no patient data) read through origin access control, and CloudFront's standard logs can only be delivered to an SSE-S3 bucket.",
    },
    {
      id: 'AwsSolutions-CFR1',
      stacks: ['web'],
      reason: 'Clinics and patients may be anywhere; access is controlled by sign-in, not by geography.',
    },
    {
      id: 'AwsSolutions-CFR2',
      stacks: ['web'],
      reason:
        "The app is static code; the API behind /api/* keeps its own regional WAF and throttling (a CloudFront WAF would have to live in us-east-1, outside this stack's region).",
    },
    {
      id: 'AwsSolutions-CFR4',
      stacks: ['web'],
      reason:
        "The distribution uses CloudFront's default *.cloudfront.net certificate, whose minimum viewer protocol CloudFront fixes; a custom domain with its own certificate would set TLSv1.2_2021. Viewers are HTTPS only either way.",
    },
    // Billing
    {
      id: 'AwsSolutions-ECS2',
      stacks: ['billing'],
      reason: 'Container environment holds only non-secret configuration (table name, port, drain time).',
    },
  ];

export function acknowledgeFindings(deployment: Deployment): void {
  for (const { id, stacks, reason, when } of ACKNOWLEDGED) {
    if (when && !when(deployment.config)) continue;
    for (const key of stacks) {
      const stack = deployment[key] as Stack | undefined; // billing is absent where it runs elsewhere
      if (stack) Validations.of(stack).acknowledge({ id, reason });
    }
  }
}
