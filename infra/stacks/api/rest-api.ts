/**
 * The REST API of system/routes.ts: stage "prod", a TOKEN authorizer on the guarded routes (never cached: a
 * logout takes effect at once), request validation, stage and per-route throttling, JSON access logs without
 * bodies, the gateway's own errors in the contract's problem+json shape, CORS where origins are named, and
 * AWS WAF where the profile has it.
 */
import { Duration, type Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { DeploymentConfig } from '../../config';
import { ApiFirewall } from '../../constructs/api-firewall';
import { CORS } from '../../../system/cors';
import type { FunctionName } from '../../../system/functions';
import { problemOf } from '../../../system/problem';
import { AUTH_PATH_PREFIXES, AUTHORIZER_CACHE_TTL_SECONDS, authPostRoutes, routes } from '../../../system/routes';

export interface RestApiProps {
  config: DeploymentConfig;
  key: kms.IKey;
  functions: Partial<Record<FunctionName, lambda.IFunction>>;
}

const STAGE_NAME = 'prod';
const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** The auth paths as a request line has them: behind a custom domain, or after the stage name on the default endpoint. */
const AUTH_PATHS = `^(/${STAGE_NAME})?(${AUTH_PATH_PREFIXES.map(escapeRegex).join('|')})`;

const GATEWAY_ERRORS: [apigw.ResponseType, number][] = [
  [apigw.ResponseType.UNAUTHORIZED, 401],
  [apigw.ResponseType.MISSING_AUTHENTICATION_TOKEN, 404],
  [apigw.ResponseType.ACCESS_DENIED, 403],
  [apigw.ResponseType.AUTHORIZER_FAILURE, 500],
  [apigw.ResponseType.AUTHORIZER_CONFIGURATION_ERROR, 500],
  [apigw.ResponseType.REQUEST_TOO_LARGE, 413],
  [apigw.ResponseType.THROTTLED, 429],
  [apigw.ResponseType.DEFAULT_4XX, 400],
  [apigw.ResponseType.DEFAULT_5XX, 500],
];

/** On every gateway answer (values are quoted: API Gateway reads them as literals); a 401 also names the scheme (RFC 6750). */
const GATEWAY_ERROR_HEADERS = { 'X-Content-Type-Options': "'nosniff'", 'Cache-Control': "'no-store'" };

export function buildRestApi(stack: Stack, props: RestApiProps): { api: apigw.RestApi; accessLogs: logs.LogGroup } {
  const { config } = props;
  const accessLogs = new logs.LogGroup(stack, 'AccessLogs', {
    retention: config.logRetention,
    encryptionKey: props.key,
    removalPolicy: config.removalPolicy,
  });
  const api = new apigw.RestApi(stack, 'Api', {
    restApiName: `patient-management-${config.stage}`,
    description: 'Patient Management API (contract v1)',
    // Stage logging needs the account's API Gateway CloudWatch role: set here (kept on delete: other APIs of
    // the account and region log through it) unless the account manages it (-c apiGatewayCloudWatchRole=false).
    cloudWatchRole: config.apiGatewayCloudWatchRole,
    endpointTypes: [apigw.EndpointType.REGIONAL],
    // The preflight is answered by API Gateway itself (a mock integration), never by a function.
    ...(config.corsOrigins.length > 0
      ? {
          defaultCorsPreflightOptions: {
            allowOrigins: config.corsOrigins,
            allowMethods: [...CORS.allowMethods],
            allowHeaders: [...CORS.allowHeaders],
            maxAge: Duration.seconds(CORS.maxAgeSeconds),
          },
        }
      : {}),
    deployOptions: {
      stageName: STAGE_NAME,
      tracingEnabled: true,
      metricsEnabled: true,
      // All clients together, sized by the deployment's tier (infra/tiers.ts); the WAF limits each address.
      throttlingRateLimit: config.apiThrottle.rateLimit,
      throttlingBurstLimit: config.apiThrottle.burstLimit,
      // Tighter on the routes that hash passwords, issue tokens or send mail (API Gateway limits per method, not per client).
      methodOptions: Object.fromEntries(
        authPostRoutes().map((r) => [
          `${r.path}/${r.method}`,
          {
            throttlingRateLimit: config.authThrottle.rateLimit,
            throttlingBurstLimit: config.authThrottle.burstLimit,
            metricsEnabled: true,
          },
        ]),
      ),
      accessLogDestination: new apigw.LogGroupLogDestination(accessLogs),
      // Who, what, outcome and timing; never bodies, query strings or headers (personal data).
      accessLogFormat: apigw.AccessLogFormat.custom(
        JSON.stringify({
          requestId: '$context.requestId',
          ip: '$context.identity.sourceIp',
          method: '$context.httpMethod',
          resource: '$context.resourcePath',
          status: '$context.status',
          latencyMs: '$context.responseLatency',
          integrationLatencyMs: '$context.integration.latency',
          principal: '$context.authorizer.principalId',
          requestTime: '$context.requestTimeEpoch',
          responseLength: '$context.responseLength',
        }),
      ),
    },
  });
  const validator = api.addRequestValidator('Validator', { validateRequestParameters: true });
  const authorizer = config.tokenCheckInFunctions
    ? undefined
    : new apigw.TokenAuthorizer(stack, 'TokenAuthorizer', {
        handler: props.functions.authorizer!,
        identitySource: apigw.IdentitySource.header('Authorization'),
        resultsCacheTtl: Duration.seconds(AUTHORIZER_CACHE_TTL_SECONDS),
      });
  const integrations = new Map<FunctionName, apigw.LambdaIntegration>();
  for (const route of routes) {
    if (!integrations.has(route.function))
      integrations.set(route.function, new apigw.LambdaIntegration(props.functions[route.function]!));
    api.root.resourceForPath(route.path).addMethod(route.method, integrations.get(route.function), {
      authorizer: route.authorized ? authorizer : undefined,
      authorizationType: route.authorized && authorizer ? apigw.AuthorizationType.CUSTOM : apigw.AuthorizationType.NONE,
      requestValidator: validator,
    });
  }
  if (config.waf) {
    new ApiFirewall(stack, 'Firewall', {
      stage: api.deploymentStage,
      name: `patient-management-${config.stage}`,
      ...config.waf,
      authPaths: AUTH_PATHS,
      key: props.key,
      logRetention: config.logRetention,
      removalPolicy: config.removalPolicy,
    });
  }
  for (const [type, status] of GATEWAY_ERRORS) {
    const problem = problemOf(status, '');
    api.addGatewayResponse(`Gateway${type.responseType}`, {
      type,
      // The two defaults keep the status API Gateway chose; the others have one status each.
      statusCode:
        type === apigw.ResponseType.DEFAULT_4XX || type === apigw.ResponseType.DEFAULT_5XX ? undefined : String(status),
      // With CORS on, readable from any origin: these answers carry no data (the functions' own answers name the origin).
      responseHeaders: {
        'Content-Type': "'application/problem+json'",
        ...GATEWAY_ERROR_HEADERS,
        ...(status === 401 ? { 'WWW-Authenticate': "'Bearer'" } : {}),
        ...(config.corsOrigins.length > 0 ? { 'Access-Control-Allow-Origin': "'*'" } : {}),
      },
      templates: { 'application/json': JSON.stringify({ ...problem, detail: '$context.error.message' }) },
    });
  }
  return { api, accessLogs };
}
