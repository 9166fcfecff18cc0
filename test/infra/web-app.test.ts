/** The web app on AWS (aws profile): private bucket behind CloudFront with OAC, HTTPS only, security headers, the API on the same origin. */
import { Match } from 'aws-cdk-lib/assertions';
import { CLOUDFRONT_API_PATTERNS, CONTENT_SECURITY_POLICY, HSTS_MAX_AGE_SECONDS } from '../../system/web-app';
import { PROFILES, resourcesOf, synthesize } from './synth';

/** AWS's managed policies, by id. */
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const ALL_VIEWER_EXCEPT_HOST_HEADER = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';

describe('web app on AWS', () => {
  const web = () => synthesize('aws').templates.web!;
  const distribution = () =>
    Object.values(resourcesOf(web(), 'AWS::CloudFront::Distribution'))[0]!.Properties.DistributionConfig as Record<
      string,
      unknown
    > & {
      DefaultCacheBehavior: Record<string, unknown>;
      CacheBehaviors: Record<string, unknown>[];
      Origins: {
        Id: string;
        DomainName: unknown;
        OriginPath?: string;
        S3OriginConfig?: unknown;
        OriginAccessControlId?: unknown;
        CustomOriginConfig?: Record<string, unknown>;
      }[];
    };

  it('keeps the app in a private, encrypted bucket that refuses plain HTTP and is read by this distribution only', () => {
    const site = Object.entries(resourcesOf(web(), 'AWS::S3::Bucket')).find(([id]) => id.startsWith('WebSite'))!;
    expect(site[1].Properties).toEqual(
      expect.objectContaining({
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        VersioningConfiguration: { Status: 'Enabled' },
      }),
    );
    web().hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: site[0] },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Effect: 'Allow',
            Action: 's3:GetObject',
            Principal: { Service: 'cloudfront.amazonaws.com' },
            Condition: { StringEquals: { 'AWS:SourceArn': Match.anyValue() } },
          }),
        ]),
      },
    });
    web().resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    const s3Origin = distribution().Origins.find((o) => o.S3OriginConfig)!;
    expect(s3Origin.OriginAccessControlId).toBeDefined();
  });

  it("serves HTTPS only, with the app's CSP (no inline script) and HSTS, and client routes rewritten to index.html", () => {
    const config = distribution();
    expect(config.DefaultCacheBehavior).toEqual(expect.objectContaining({ ViewerProtocolPolicy: 'https-only' }));
    for (const behaviour of config.CacheBehaviors) expect(behaviour.ViewerProtocolPolicy).toBe('https-only');
    web().hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: Match.objectLike({
        SecurityHeadersConfig: Match.objectLike({
          ContentSecurityPolicy: { ContentSecurityPolicy: CONTENT_SECURITY_POLICY, Override: true },
          StrictTransportSecurity: {
            AccessControlMaxAgeSec: HSTS_MAX_AGE_SECONDS,
            IncludeSubdomains: true,
            Preload: true,
            Override: true,
          },
          FrameOptions: { FrameOption: 'DENY', Override: true },
          ContentTypeOptions: { Override: true },
        }),
      }),
    });
    expect(CONTENT_SECURITY_POLICY).toMatch(/script-src 'self'(;|$)/);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(config.DefaultCacheBehavior.FunctionAssociations).toEqual([
      expect.objectContaining({ EventType: 'viewer-request' }),
    ]);
    expect(config.DefaultRootObject).toBe('index.html');
    // A distribution-wide error page would turn the API's 403 and 404 into the app's page: routing is the function's job.
    expect(config.CustomErrorResponses).toBeUndefined();
    expect(config.Logging).toEqual(expect.objectContaining({ Prefix: 'cloudfront/' }));
  });

  it("routes /api/*, /fhir/* and /.well-known/* to API Gateway's stage, uncached, with every viewer header but Host", () => {
    const config = distribution();
    const apiOrigin = config.Origins.find((o) => o.CustomOriginConfig)!;
    expect(apiOrigin.CustomOriginConfig).toEqual(expect.objectContaining({ OriginProtocolPolicy: 'https-only' }));
    // Host and stage come from the API's URL (https://{id}.execute-api.{region}.amazonaws.com/prod/), exported by the API stack.
    expect(JSON.stringify(apiOrigin.DomainName)).toMatch(/Pms-dev-Api:ExportsOutputRefApi.*\.execute-api\..*Stageprod/);
    expect(apiOrigin.CustomOriginConfig!.OriginSSLProtocols).toEqual(['TLSv1.2']);
    const patterns = config.CacheBehaviors.map((b) => b.PathPattern);
    expect(patterns).toEqual(expect.arrayContaining(['/api/*', '/fhir/*', '/.well-known/*']));
    expect(patterns.sort()).toEqual([...CLOUDFRONT_API_PATTERNS].sort());
    for (const behaviour of config.CacheBehaviors) {
      expect(behaviour).toEqual(
        expect.objectContaining({
          TargetOriginId: apiOrigin.Id,
          CachePolicyId: CACHING_DISABLED,
          OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST_HEADER,
          AllowedMethods: expect.arrayContaining(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']),
        }),
      );
    }
  });

  it('deploys the built app into the bucket and names the CloudFront URL in the outputs', () => {
    web().resourceCountIs('Custom::CDKBucketDeployment', 1);
    web().hasOutput('WebUrl', { Value: { 'Fn::Join': ['', ['https://', Match.anyValue()]] } });
  });

  it.each(PROFILES.filter((p) => p !== 'aws'))(
    'has no CloudFront on %s (LocalStack: npm start serves the app)',
    (profile) => {
      expect(synthesize(profile).deployment.web).toBeUndefined();
    },
  );
});
