import { Validations } from 'aws-cdk-lib';
import type { PerimeterFunction } from '../constructs/PerimeterFunction.js';
import { NAG_REASONS } from './nagReasons.js';

/** A cdk-nag finding to acknowledge, with the reason from NAG_REASONS. */
export interface NagFinding {
  readonly id: string;
  readonly reason: string;
}

/**
 * Acknowledges the cdk-nag findings every Perimeter function has (its logging policy, X-Ray's
 * "*", the pinned runtime) and the given ones, on that function (its role and policy) only.
 */
export function acknowledgeFunctionFindings(perimeterFunction: PerimeterFunction, findings: readonly NagFinding[]): void {
  Validations.of(perimeterFunction).acknowledge(
    {
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: NAG_REASONS.lambdaBasicExecutionRole,
    },
    { id: 'AwsSolutions-IAM5[Resource::*]', reason: NAG_REASONS.xrayWildcard },
    { id: 'AwsSolutions-L1', reason: NAG_REASONS.lambdaRuntime },
    ...findings,
  );
}
