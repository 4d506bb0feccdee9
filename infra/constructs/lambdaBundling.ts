import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';

/**
 * How every Perimeter Lambda is bundled (PerimeterFunction passes this to NodejsFunction). Shared
 * with bench/coldStartBench.ts, so the cold-start figures are those of the bundles CDK deploys.
 */
export const lambdaBundling: nodejs.BundlingOptions = {
  format: nodejs.OutputFormat.ESM,
  minify: true,
  sourceMap: true,
  target: 'node22',
  // The Lambda runtime ships the AWS SDK, but we pin our own version for reproducible builds.
  bundleAwsSDK: true,
  mainFields: ['module', 'main'],
  // CommonJS dependencies call require(); give the ESM bundle one.
  banner: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
};

/**
 * NODE_OPTIONS of every Perimeter Lambda: stack traces through the bundle's source map. Node reads
 * the map when it loads the bundle, so this belongs to the cold start the benchmark measures.
 */
export const lambdaNodeOptions = '--enable-source-maps';
