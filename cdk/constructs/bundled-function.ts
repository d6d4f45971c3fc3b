import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** The repository root: esbuild resolves `node_modules` and `package-lock.json` from here. */
export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Options of {@link BundledFunction}. */
export interface BundledFunctionProps {
  /** The TypeScript module exporting `handler`, absolute or relative to the repository root. */
  readonly entry: string;
  /** Shown in the Lambda console. */
  readonly description: string;
  /** Variables the handler reads; `NODE_OPTIONS` is added. */
  readonly environment: Record<string, string>;
  /**
   * Memory in MB; Lambda's CPU share grows with it.
   *
   * @default 512
   */
  readonly memorySize?: number;
  /**
   * How long one invocation may run.
   *
   * @default Duration.seconds(10)
   */
  readonly timeout?: Duration;
  /**
   * How long CloudWatch keeps the function's logs.
   *
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * What happens to the log group when it leaves the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly logRemovalPolicy?: RemovalPolicy;
}

const DEFAULTS = {
  memorySize: 512,
  timeout: Duration.seconds(10),
  logRetention: RetentionDays.ONE_MONTH,
  logRemovalPolicy: RemovalPolicy.RETAIN,
} satisfies Partial<BundledFunctionProps>;

/**
 * How every function is bundled: one minified ESM file per handler, built by the local esbuild
 * (no Docker), with the AWS SDK inside.
 */
export const BUNDLING = {
  forceDockerBundling: false,
  format: OutputFormat.ESM,
  target: 'node22',
  // Prefer the ES-module builds of dependencies: esbuild can only tree-shake those (1.0 MB instead of 1.4 MB).
  mainFields: ['module', 'main'],
  minify: true,
  sourceMap: true,
  // Stack traces only need the mappings; embedding the sources would nearly triple the map.
  sourcesContent: false,
  // The runtime's SDK v3 is whatever version AWS last installed; bundling ships the versions the tests
  // ran against, tree-shaken to the clients this code uses.
  bundleAwsSDK: true,
  // Some CommonJS dependencies call `require` for Node built-ins, which ESM does not define.
  banner: [
    "import { createRequire as __bannerCreateRequire } from 'node:module';",
    'const require = __bannerCreateRequire(import.meta.url);',
  ].join(' '),
} satisfies BundlingOptions;

/** A Node.js 22 arm64 Lambda function bundled from a TypeScript entry, with its own log group. */
export class BundledFunction extends Construct {
  /** The function; grant it access and read its metrics through this. */
  readonly function: NodejsFunction;

  constructor(scope: Construct, id: string, props: BundledFunctionProps) {
    super(scope, id);
    const { entry, description, environment, memorySize, timeout, logRetention, logRemovalPolicy } = {
      ...DEFAULTS,
      ...props,
    };

    // An explicit log group (not the deprecated `logRetention` custom resource) so retention and
    // removal are plain CloudFormation.
    const logGroup = new LogGroup(this, 'Logs', { retention: logRetention, removalPolicy: logRemovalPolicy });

    this.function = new NodejsFunction(this, 'Function', {
      entry: resolve(PROJECT_ROOT, entry),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      description,
      // Graviton: about 20% cheaper per GB-second than x86, and nothing here needs native x86 code.
      architecture: Architecture.ARM_64,
      runtime: Runtime.NODEJS_22_X,
      memorySize,
      timeout,
      logGroup,
      environment: { ...environment, NODE_OPTIONS: '--enable-source-maps' },
      bundling: BUNDLING,
    });
  }
}
