import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { lambdaBundling, lambdaNodeOptions } from './lambdaBundling.js';

export interface PerimeterFunctionProps {
  /** Handler file relative to the repository root, exporting `handler`. */
  readonly entry: string;
  readonly description: string;
  readonly environment: Record<string, string>;
  /** Defaults to 25 s, with margin inside API Gateway's 29 s; workers and jobs not behind the API set their own. */
  readonly timeout?: Duration;
  readonly memorySize?: number;
  /**
   * A fixed physical name, only for a function whose ARN must be known before it exists (a function
   * that hands its own ARN to EventBridge Scheduler). Generated when absent.
   */
  readonly functionName?: string;
  /**
   * Folders copied into the bundle after esbuild ran, for files the code reads at run time (the
   * console's static files): `from` relative to the repository root, `to` relative to the bundle.
   */
  readonly bundledDirectories?: readonly BundledDirectory[];
}

export interface BundledDirectory {
  readonly from: string;
  readonly to: string;
}

/**
 * A Perimeter Lambda: Node.js 22 on arm64, bundled and minified by esbuild as ESM, with its own log
 * group (bounded retention) and active tracing.
 */
export class PerimeterFunction extends Construct {
  public readonly function: nodejs.NodejsFunction;
  /** Where the function's lines go (one JSON object per line, lib/observability/createJsonLogger). */
  public readonly logGroup: logs.LogGroup;

  public constructor(scope: Construct, id: string, props: PerimeterFunctionProps) {
    super(scope, id);
    const logGroup = new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_YEAR });
    this.logGroup = logGroup;
    this.function = new nodejs.NodejsFunction(this, 'Function', {
      entry: props.entry,
      handler: 'handler',
      ...(props.functionName !== undefined ? { functionName: props.functionName } : {}),
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 1024,
      // API Gateway gives up after 30 s; finish (or fail) before it does.
      // API Gateway gives up at 29 s: an API function must answer (or fail) well before, and long
      // work goes to a job (lib/application/jobs) within its 20 s budget.
      timeout: props.timeout ?? Duration.seconds(25),
      tracing: lambda.Tracing.ACTIVE,
      logGroup,
      environment: { NODE_OPTIONS: lambdaNodeOptions, ...props.environment },
      bundling: {
        ...lambdaBundling,
        ...(props.bundledDirectories !== undefined && props.bundledDirectories.length > 0
          ? { commandHooks: copyAfterBundling(props.bundledDirectories) }
          : {}),
      },
    });
  }
}

/**
 * Copies folders into the bundle once esbuild wrote it. The commands run in a POSIX shell, locally
 * (inputDir is the repository root) and in the Docker fallback (/asset-input) alike. The asset's
 * hash is taken from the output, so a changed file there is a new deployment.
 */
function copyAfterBundling(directories: readonly BundledDirectory[]): nodejs.ICommandHooks {
  for (const { from, to } of directories) {
    for (const path of [from, to]) {
      if (path === '' || path.startsWith('/') || path.split('/').includes('..') || /["$`\\]/.test(path)) {
        throw new Error(`A bundled directory must be a plain relative path, not ${JSON.stringify(path)}`);
      }
    }
  }
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (inputDir, outputDir) =>
      directories.flatMap(({ from, to }) => {
        const target = `${outputDir}/${to}`;
        return [`mkdir -p "${target}"`, `cp -R "${inputDir}/${from}/." "${target}"`];
      }),
  };
}
