import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { acknowledgeFunctionFindings } from '../nag/acknowledgeFunctionFindings.js';
import type { EngineFunctionGroupProps } from './EngineFunctions.js';
import { PerimeterFunction, type PerimeterFunctionProps } from './PerimeterFunction.js';

/**
 * The auditor's web console: static files only (functions/console/static, copied beside the bundle,
 * where createConsoleHandler looks for them), no engine, no environment, no data access. Exported
 * so test/infra and the cold-start bench can bundle it alone.
 */
export const CONSOLE_FUNCTION: PerimeterFunctionProps = {
  entry: 'functions/console/handler.ts',
  description: 'Perimeter auditor console (static files; the app calls /audit with the auditor\'s token)',
  environment: {},
  memorySize: 256,
  bundledDirectories: [{ from: 'functions/console/static', to: 'static' }],
};

/**
 * The auditor's side: the read-only audit API (an engine that only reads) and the console (no
 * engine at all). Kept apart from the engine functions that change data, so that what an auditor's
 * token opens can never write.
 *
 * Not a construct: it builds in the given scope (the service stack), because a scope of its own
 * would change the logical ids of everything below it and so replace the deployed resources.
 */
export class AuditorFunctions {
  /** The read-only audit API: reads the tables and the ledger, writes nothing. */
  public readonly audit: lambda.IFunction;
  /** The auditor's console: serves static files, reaches no data. */
  public readonly console: lambda.IFunction;

  public constructor(scope: Construct, props: EngineFunctionGroupProps) {
    const { engine, stateful } = props;
    // Auditor tokens and admin tokens both open the audit API (functions/audit-api/handler.ts).
    this.audit = engine.addReadOnly('AuditApi', {
      entry: 'functions/audit-api/handler.ts',
      description: 'Perimeter audit API (read-only: events by person, app and time, access as of a time, export, verify)',
      environment: {
        ...engine.environment,
        AUDITOR_TOKENS_SECRET_ID: stateful.auditorTokens.secretArn,
        ADMIN_TOKENS_SECRET_ID: stateful.adminTokens.secretArn,
      },
    }).function;
    stateful.auditorTokens.grantRead(this.audit);
    stateful.adminTokens.grantRead(this.audit);

    const consoleFunction = new PerimeterFunction(scope, 'Console', CONSOLE_FUNCTION);
    acknowledgeFunctionFindings(consoleFunction, []);
    this.console = consoleFunction.function;
  }
}
