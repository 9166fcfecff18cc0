/**
 * The one way this app builds a Lambda function: Node 22 on ARM64, the shared esbuild options, active
 * tracing, a KMS-encrypted log group with retention, and grant helpers driven by the definitions.
 */
import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { join } from 'node:path';
import { BUNDLING } from '../../system/bundling';
import {
  ACCESS_MODES,
  DEFAULT_TIMEOUT_SECONDS,
  type AccessMode,
  type FunctionDefinition,
} from '../../system/functions';
import { tableEnvVar, type TableName } from '../../system/tables';

const ROOT = join(__dirname, '..', '..');

/** One argument of a POSIX shell command, quoted (bundling hooks are shell commands). */
const shellQuote = (arg: string) => `'${arg.replaceAll("'", `'\\''`)}'`;

export interface ServiceFunctionProps {
  definition: FunctionDefinition;
  key: IKey;
  logRetention: RetentionDays;
  /** The log group goes with the stage's data: it is encrypted with the data key, which a non-prod stage deletes. */
  removalPolicy: RemovalPolicy;
  environment?: Record<string, string>;
  vpc?: ec2.IVpc;
  securityGroups?: ec2.ISecurityGroup[];
  /** Executions reserved for this function, and its cap; none by default. */
  reservedConcurrency?: number;
}

export class ServiceFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly definition: FunctionDefinition;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);
    const { definition } = props;
    this.definition = definition;
    const logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention,
      encryptionKey: props.key,
      removalPolicy: props.removalPolicy,
    });
    this.fn = new NodejsFunction(this, 'Function', {
      entry: join(ROOT, definition.entry),
      handler: definition.handler,
      description:
        definition.trigger.kind === 'deploy-time'
          ? `${definition.description} (CloudFormation custom resource)`
          : definition.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: definition.memorySize ?? 512,
      timeout: Duration.seconds(definition.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS),
      reservedConcurrentExecutions: props.reservedConcurrency,
      tracing: Tracing.ACTIVE,
      logGroup,
      vpc: props.vpc,
      securityGroups: props.securityGroups,
      vpcSubnets: props.vpc ? { subnets: props.vpc.isolatedSubnets } : undefined,
      environmentEncryption: props.key,
      projectRoot: ROOT,
      depsLockFilePath: join(ROOT, 'package-lock.json'),
      bundling: {
        minify: BUNDLING.minify,
        sourceMap: BUNDLING.sourcemap,
        sourcesContent: BUNDLING.sourcesContent,
        target: BUNDLING.target,
        format: OutputFormat.CJS,
        mainFields: [...BUNDLING.mainFields],
        externalModules: [...BUNDLING.external, ...BUNDLING.separate],
        // The libraries only some requests need ship beside the bundle (local/separate-modules.ts), built with the
        // project's own tsx and esbuild: this needs local bundling, which esbuild in devDependencies gives.
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (inputDir, outputDir) => [
            `cd ${shellQuote(inputDir)} && npx --no-install tsx scripts/separate-modules.ts ${shellQuote(join(outputDir, 'index.js'))}`,
          ],
        },
      },
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: definition.name,
        POWERTOOLS_METRICS_NAMESPACE: 'PatientManagement',
        ...props.environment,
      },
    });
    props.key.grantEncryptDecrypt(this.fn);
  }

  /** Grants exactly the access the function's definition names, and passes the table's name in. */
  bindTable(name: TableName, table: ITable, accessMode: AccessMode): void {
    this.fn.addEnvironment(tableEnvVar(name), table.tableName);
    // The data key's grant comes with the function (constructor), so only table actions here.
    table.grant(this.fn, ...ACCESS_MODES[accessMode]);
  }

  bindTables(tables: Record<TableName, ITable>): void {
    for (const [name, mode] of Object.entries(this.definition.tables) as [TableName, AccessMode][])
      this.bindTable(name, tables[name], mode);
  }
}
