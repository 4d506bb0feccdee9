import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { accessTable, directoryTable, ledgerTable, operationsTable } from '../../lib/adapters/dynamodb/tableDefinitions.js';
import { acknowledgeFunctionFindings, type NagFinding } from '../nag/acknowledgeFunctionFindings.js';
import { iam5ResourceFinding } from '../nag/iam5ResourceFinding.js';
import { NAG_REASONS } from '../nag/nagReasons.js';
import type { StatefulStack } from '../stacks/StatefulStack.js';
import { engineEnvironment } from './engineEnvironment.js';
import type { JobScheduling } from './JobScheduling.js';
import { SECRET_PREFIX } from './perimeterSecrets.js';
import { PerimeterFunction, type PerimeterFunctionProps } from './PerimeterFunction.js';
import type { StepQueue } from './StepQueue.js';

/** What an engine function does beyond reading and recording, and so what else it is granted. */
export interface EngineDuties {
  /** Plans: sends steps to both queues and creates, reads and deletes one-time jobs. */
  readonly plans: boolean;
  /** Calls connectors or verifies webhooks: reads secrets under SECRET_PREFIX. */
  readonly readsPerimeterSecrets: boolean;
  /** Asks Secrets Manager to rotate a credential now (a token the vendor refused, "rotate now"). */
  readonly requestsRotation: boolean;
  /** Is the rotation function: writes new versions of secrets under SECRET_PREFIX and moves their stages. */
  readonly rotatesSecrets: boolean;
}

export const NO_DUTIES: EngineDuties = { plans: false, readsPerimeterSecrets: false, requestsRotation: false, rotatesSecrets: false };

/**
 * What a group of engine functions is built from: the factory, and the stateful stack for what
 * only that group is granted (token secrets) or reads (the config's connectors).
 */
export interface EngineFunctionGroupProps {
  readonly engine: EngineFunctions;
  readonly stateful: StatefulStack;
}

export interface EngineFunctionsProps {
  readonly stateful: StatefulStack;
  readonly stepQueue: StepQueue;
  readonly lockoutQueue: StepQueue;
  readonly scheduling: JobScheduling;
}

/**
 * Makes the functions that run the engine: each gets the engine's environment and the grants every
 * engine function needs, plus those of its duties, so that no function is granted more than what
 * it does (and test/infra checks each function against its duties).
 *
 * Not a construct: it builds in the given scope (the service stack), because a scope of its own
 * would change the logical ids of everything below it and so replace the deployed resources. The
 * function groups (IngressFunctions and the like) build through it, so in that scope too.
 */
export class EngineFunctions {
  /** The variables functions/shared/readEngineEnvironment.ts reads; a function may add its own. */
  public readonly environment: Record<string, string>;
  private readonly perimeterSecrets: secretsmanager.ISecret;
  /** The IAM resource pattern of every secret under SECRET_PREFIX (what grantRead on perimeterSecrets targets). */
  private readonly perimeterSecretsPattern: string;

  public constructor(
    private readonly scope: Construct,
    private readonly props: EngineFunctionsProps,
  ) {
    const { stateful, scheduling } = props;
    // Secrets Manager has no grant for a name prefix; an imported secret named "perimeter/*" makes
    // grantRead produce exactly that prefix's ARN pattern (…:secret:perimeter/*-??????). The token
    // secrets have generated names outside it.
    this.perimeterSecrets = secretsmanager.Secret.fromSecretNameV2(scope, 'PerimeterSecrets', `${SECRET_PREFIX}*`);
    this.perimeterSecretsPattern = `${this.perimeterSecrets.secretArn}-??????`;
    this.environment = engineEnvironment({
      tables: {
        directory: stateful.directory.tableName,
        ledger: stateful.ledger.tableName,
        access: stateful.access.tableName,
        operations: stateful.operations.tableName,
      },
      configParameter: stateful.configParameter.parameterName,
      stepQueueUrl: props.stepQueue.queue.queueUrl,
      lockoutQueueUrl: props.lockoutQueue.queue.queueUrl,
      scheduler: {
        groupName: stateful.jobs.scheduleGroupName,
        targetArn: scheduling.jobFunctionArn,
        roleArn: scheduling.role.roleArn,
      },
      secretPrefix: SECRET_PREFIX,
    });
  }

  /** A function that runs the engine: its environment, and the grants every engine function needs plus its duties'. */
  public add(id: string, duties: EngineDuties, props: PerimeterFunctionProps): PerimeterFunction {
    const { stateful, scheduling } = this.props;
    const perimeterFunction = new PerimeterFunction(this.scope, id, props);
    const fn = perimeterFunction.function;
    stateful.directory.grantReadWriteData(fn);
    stateful.access.grantReadWriteData(fn);
    stateful.operations.grantReadWriteData(fn);
    // The ledger is append-only: functions may read chains and add events, never change them.
    stateful.ledger.grant(fn, 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem');
    // table.grant() covers the table only; the ledger's (customer-managed) key is granted here.
    stateful.key.grantEncryptDecrypt(fn);
    stateful.configParameter.grantRead(fn);
    if (duties.readsPerimeterSecrets) this.perimeterSecrets.grantRead(fn);
    if (duties.rotatesSecrets) {
      // grantWrite would add secretsmanager:UpdateSecret (description, KMS key, an unversioned value
      // change), which rotation never calls: only a new version and its stages, on the prefix.
      iam.Grant.addToPrincipal({
        grantee: fn,
        actions: ['secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage'],
        resourceArns: [this.perimeterSecretsPattern],
      });
    }
    if (duties.requestsRotation) {
      // lib/adapters/secrets-manager/requestRotation.ts. ISecret has no grant for RotateSecret (nor a
      // generic grant()); this is the statement grantRead would build, with that one action, on the
      // prefix only. Secrets Manager then runs the rotation function with its own permissions.
      iam.Grant.addToPrincipal({
        grantee: fn,
        actions: ['secretsmanager:RotateSecret'],
        resourceArns: [this.perimeterSecretsPattern],
      });
    }
    if (duties.plans) {
      this.props.stepQueue.queue.grantSendMessages(fn);
      this.props.lockoutQueue.queue.grantSendMessages(fn);
      scheduling.grantManageJobs(fn);
    }
    acknowledgeFunctionFindings(perimeterFunction, [
      { id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]', reason: NAG_REASONS.kmsDataKeyActions },
      { id: 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]', reason: NAG_REASONS.kmsDataKeyActions },
      ...this.tableIndexFindings(),
      ...(duties.readsPerimeterSecrets || duties.rotatesSecrets || duties.requestsRotation
        ? [{ id: iam5ResourceFinding(this.scope, this.perimeterSecretsPattern), reason: NAG_REASONS.perimeterSecrets }]
        : []),
      ...(duties.plans ? [scheduling.manageJobsFinding()] : []),
    ]);
    return perimeterFunction;
  }

  /**
   * An engine function that only reads: the engine's environment (it builds the same engine), but
   * read grants on the directory, access and operations tables, only GetItem and Query on the
   * ledger, decrypt (never encrypt) with the data key, and the config parameter. No queue, no
   * scheduler, no connector secrets.
   */
  public addReadOnly(id: string, props: PerimeterFunctionProps): PerimeterFunction {
    const { stateful } = this.props;
    const perimeterFunction = new PerimeterFunction(this.scope, id, props);
    const fn = perimeterFunction.function;
    stateful.directory.grantReadData(fn);
    stateful.access.grantReadData(fn);
    stateful.operations.grantReadData(fn);
    stateful.ledger.grant(fn, 'dynamodb:GetItem', 'dynamodb:Query');
    stateful.key.grantDecrypt(fn);
    stateful.configParameter.grantRead(fn);
    acknowledgeFunctionFindings(perimeterFunction, this.tableIndexFindings());
    return perimeterFunction;
  }

  /**
   * The IAM5 findings for the index ARNs of the tables that have global secondary indexes (every
   * table grant includes <table ARN>/index/*), as imported from the stateful stack.
   */
  private tableIndexFindings(): NagFinding[] {
    const { stateful } = this.props;
    const tables = [
      [stateful.directory, directoryTable],
      [stateful.ledger, ledgerTable],
      [stateful.access, accessTable],
      [stateful.operations, operationsTable],
    ] as const;
    return tables
      .filter(([, definition]) => definition.globalIndexes.length > 0)
      .map(([table]) => ({ id: iam5ResourceFinding(this.scope, `${stateful.exportValue(table.tableArn)}/index/*`), reason: NAG_REASONS.tableIndexes }));
  }
}
