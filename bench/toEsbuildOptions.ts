import { join } from 'node:path';
import type * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BuildOptions } from 'esbuild';

/** What CDK's NodejsFunction turns these options into; anything else is refused rather than guessed. */
const TRANSLATED = new Set([
  'format',
  'minify',
  'sourceMap',
  'sourceMapMode',
  'sourcesContent',
  'target',
  'bundleAwsSDK',
  'externalModules',
  'mainFields',
  'banner',
  'footer',
  'keepNames',
  'define',
  'loader',
  'inject',
  'logLevel',
]);

/**
 * The esbuild build CDK runs for a NodejsFunction with these bundling options (aws-lambda-nodejs
 * bundling.js, buildEsbuildArgs: `esbuild --bundle <entry> --target --platform=node --format
 * --outfile=index.mjs --minify --sourcemap --external:... --main-fields --banner:js`), as an
 * esbuild API call, so the benchmark measures the bundle that is deployed. An option the
 * translation does not know throws: a silently different bundle would measure the wrong thing.
 */
export function toEsbuildOptions(bundling: nodejs.BundlingOptions, entry: string, outdir: string): BuildOptions & { outfile: string } {
  const unknown = Object.keys(bundling).filter((key) => !TRANSLATED.has(key));
  if (unknown.length > 0) {
    throw new Error(`bench/toEsbuildOptions.ts does not translate the bundling option(s) ${unknown.join(', ')}; teach it what CDK does with them`);
  }
  if (bundling.target === undefined) throw new Error('The bundling options must name an esbuild target (CDK would derive it from the runtime)');
  const esm = bundling.format === 'esm';
  // Without bundleAwsSDK, CDK leaves the SDK to the runtime (its feature flag may add @smithy/*).
  const externals = bundling.externalModules ?? (bundling.bundleAwsSDK === true ? [] : ['@aws-sdk/*']);
  const sourceMapMode = bundling.sourceMapMode ?? 'default';
  return {
    entryPoints: [entry],
    bundle: true,
    target: bundling.target,
    platform: 'node',
    ...(bundling.format !== undefined ? { format: esm ? 'esm' : 'cjs' } : {}),
    outfile: join(outdir, esm ? 'index.mjs' : 'index.js'),
    minify: bundling.minify === true,
    ...(bundling.sourceMap === true || bundling.sourceMapMode !== undefined
      ? { sourcemap: sourceMapMode === 'default' ? true : sourceMapMode }
      : {}),
    sourcesContent: bundling.sourcesContent ?? true,
    external: [...externals],
    ...(bundling.loader !== undefined ? { loader: bundling.loader as BuildOptions['loader'] } : {}),
    ...(bundling.define !== undefined ? { define: bundling.define } : {}),
    keepNames: bundling.keepNames === true,
    ...(bundling.banner !== undefined ? { banner: { js: bundling.banner } } : {}),
    ...(bundling.footer !== undefined ? { footer: { js: bundling.footer } } : {}),
    ...(bundling.mainFields !== undefined ? { mainFields: [...bundling.mainFields] } : {}),
    ...(bundling.inject !== undefined ? { inject: [...bundling.inject] } : {}),
    logLevel: 'warning',
  };
}
