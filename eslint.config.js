// Lint and module boundaries (npm run lint, part of npm test). ARCHITECTURE.md explains the layers.
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import tseslint from 'typescript-eslint';

/**
 * lib's folders from the bottom up. A folder may import the folders of lower layers and its own,
 * never one of its layer or above: so no two folders can import each other, directly or round a
 * circle, and a newcomer reads the order here. lib/domain, the shared records, imports nothing of
 * ours; connectors see only lib/domain and lib/connector-sdk.
 */
export const LIB_LAYERS = [
  ['domain'],
  ['ports', 'connector-sdk', 'observability', 'config'],
  ['secrets', 'auth', 'ledger', 'policy', 'webhooks'],
  ['lifecycle', 'audit', 'credentials', 'plan'],
  ['directory', 'fanout'],
  ['scim', 'reconcile'],
  ['hr'],
  ['adapters'],
  ['application'],
  ['http'],
];
const EDGES = ['./functions', './local', './infra', './bench', './connectors'];

const layerZones = LIB_LAYERS.flatMap((layer, index) =>
  layer.map((folder) => ({
    target: `./lib/${folder}`,
    from: [...LIB_LAYERS.slice(index).flat().filter((other) => other !== folder).map((other) => `./lib/${other}`), ...EDGES],
    message: `lib/${folder} is on layer ${index} of LIB_LAYERS (eslint.config.js): it may import only lower layers`,
  })),
);
const connectorZone = {
  target: './connectors',
  from: './lib',
  except: ['./domain', './connector-sdk'],
  message: 'connectors depend on lib/connector-sdk and lib/domain only',
};
// One Lambda's folder never reaches into another's; what they share lives in functions/shared or lib.
const FUNCTIONS = ['admin-api', 'audit-api', 'console', 'fanout-worker', 'hr-webhook', 'retention', 'rotate-secret', 'scheduled-job', 'scim'];
const functionZones = FUNCTIONS.map((fn) => ({
  target: `./functions/${fn}`,
  from: ['./functions', './local', './infra', './bench'],
  except: [`./${fn}`, './shared'],
  message: 'a function imports its own folder, functions/shared and lib, never another function',
}));

export default tseslint.config(
  { ignores: ['node_modules/**', 'cdk.out/**', 'test-results/**', '.perimeter/**', 'functions/console/static/**', 'coverage/**'] },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.base],
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })] },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones: [...layerZones, connectorZone] }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-self-import': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
      'no-debugger': 'error',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    files: ['functions/**/*.ts'],
    rules: { 'import-x/no-restricted-paths': ['error', { zones: functionZones }] },
  },
  {
    // Only adapters (and the composition root that constructs them) speak to AWS.
    files: ['lib/**/*.ts'],
    ignores: ['lib/adapters/**', 'lib/application/buildApplication.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@aws-sdk/*', '@smithy/*', 'aws-cdk-lib', 'aws-cdk-lib/*'], message: 'Only lib/adapters speak to AWS; the rest of lib uses ports.' }] },
      ],
    },
  },
  {
    // Only the composition root wires adapters into the application.
    files: ['lib/application/**/*.ts'],
    ignores: ['lib/application/buildApplication.ts'],
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        { zones: [...layerZones, { target: './lib/application', from: './lib/adapters', message: 'use cases take ports; only buildApplication constructs adapters' }] },
      ],
    },
  },
);
