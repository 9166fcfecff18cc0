/**
 * The web app on AWS: its build in a private S3 bucket read only by CloudFront (origin access control),
 * HTTPS only, the app's security headers (CSP, HSTS, …) on every page, and the API's paths routed to API
 * Gateway on the same origin, so the app needs no CORS and its refresh cookie stays first-party.
 */
import { AssetHashType, DockerImage, Duration, type ILocalBundling, type RemovalPolicy } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { Construct } from 'constructs';
import {
  CLOUDFRONT_API_PATTERNS,
  CONTENT_SECURITY_POLICY,
  HSTS_MAX_AGE_SECONDS,
  WEB_SECURITY_HEADERS,
} from '../../system/web-app';
import { NOT_SOURCES, WEB_ROOT, webSourceHash } from '../../web/scripts/source-hash';

const ROOT = resolve(__dirname, '..', '..');

export interface WebDistributionProps {
  api: apigw.RestApi;
  removalPolicy: RemovalPolicy;
}

/**
 * Builds the app at synth with the project's own Vite (no Docker): the asset is web/dist for this source.
 * The image is what CDK would fall back to if the local build could not run; it never does here.
 */
const localBuild: ILocalBundling = {
  tryBundle(outputDir: string) {
    execFileSync(
      'npm',
      ['run', '--silent', 'web:build', '--', '--outDir', outputDir, '--emptyOutDir', '--logLevel', 'error'],
      { cwd: ROOT, stdio: 'inherit' },
    );
    return true;
  },
};

/** Client-side routes (no file extension) get index.html; files and the API's paths pass unchanged. */
const SPA_ROUTING = `function handler(event) {
  var request = event.request;
  var last = request.uri.split('/').pop();
  if (last.indexOf('.') === -1) request.uri = '/index.html';
  return request;
}`;

export class WebDistribution extends Construct {
  readonly distribution: cloudfront.Distribution;
  readonly bucket: s3.Bucket;
  readonly url: string;

  constructor(scope: Construct, id: string, props: WebDistributionProps) {
    super(scope, id);
    const privateBucket = {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      removalPolicy: props.removalPolicy,
      autoDeleteObjects: false,
    } as const;
    // CloudFront's standard logs are written with the bucket's ACL: object-writer ownership, SSE-S3.
    const logs = new s3.Bucket(this, 'Logs', {
      ...privateBucket,
      objectOwnership: s3.ObjectOwnership.OBJECT_WRITER,
      versioned: true,
      lifecycleRules: [{ expiration: Duration.days(365), noncurrentVersionExpiration: Duration.days(30) }],
    });
    this.bucket = new s3.Bucket(this, 'Site', {
      ...privateBucket,
      versioned: true,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: 'site-bucket/',
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(30) }],
    });

    const appHeaders = new cloudfront.ResponseHeadersPolicy(this, 'AppHeaders', {
      comment: 'Web app: CSP without inline script, HSTS, no framing, no referrer',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: CONTENT_SECURITY_POLICY, override: true },
        ...sharedSecurityHeaders(),
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
      customHeadersBehavior: {
        customHeaders: ['Cross-Origin-Opener-Policy', 'Permissions-Policy'].map((header) => ({
          header,
          value: WEB_SECURITY_HEADERS[header]!,
          override: true,
        })),
      },
    });
    // The API's answers keep their own headers; CloudFront adds HSTS and nosniff.
    const apiHeaders = new cloudfront.ResponseHeadersPolicy(this, 'ApiHeaders', {
      comment: "API through the web origin: HSTS and nosniff on top of the API's own headers",
      securityHeadersBehavior: sharedSecurityHeaders(),
    });

    const apiBehaviour: cloudfront.BehaviorOptions = {
      origin: new origins.RestApiOrigin(props.api),
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      responseHeadersPolicy: apiHeaders,
    };

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'Patient Management web app and API',
      defaultRootObject: 'index.html',
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: logs,
      logFilePrefix: 'cloudfront/',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: appHeaders,
        functionAssociations: [
          {
            eventType: cloudfront.FunctionEventType.VIEWER_REQUEST,
            function: new cloudfront.Function(this, 'SpaRouting', {
              code: cloudfront.FunctionCode.fromInline(SPA_ROUTING),
              runtime: cloudfront.FunctionRuntime.JS_2_0,
            }),
          },
        ],
      },
      additionalBehaviors: Object.fromEntries(CLOUDFRONT_API_PATTERNS.map((pattern) => [pattern, apiBehaviour])),
    });
    this.url = `https://${this.distribution.distributionDomainName}`;

    // The build is made at synth (web/dist need not exist beforehand); its hash is that of its inputs.
    new s3deploy.BucketDeployment(this, 'App', {
      destinationBucket: this.bucket,
      sources: [
        s3deploy.Source.asset(WEB_ROOT, {
          exclude: NOT_SOURCES,
          assetHashType: AssetHashType.CUSTOM,
          assetHash: webSourceHash(),
          bundling: {
            local: localBuild,
            image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:22-slim'),
            command: ['false'],
          },
        }),
      ],
      distribution: this.distribution,
      distributionPaths: ['/index.html'],
      prune: true,
      memoryLimit: 256,
    });
  }
}

function sharedSecurityHeaders(): cloudfront.ResponseSecurityHeadersBehavior {
  return {
    strictTransportSecurity: {
      accessControlMaxAge: Duration.seconds(HSTS_MAX_AGE_SECONDS),
      includeSubdomains: true,
      preload: true,
      override: true,
    },
    contentTypeOptions: { override: true },
  };
}
