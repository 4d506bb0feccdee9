import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { synth } from './support/synthStacks.js';
import { actionsOf, functionLogicalId, policyStatements, statementsOn } from './support/templateQueries.js';

// EventBridge Scheduler: the scheduler role and the recurring schedules of the scheduled-job function.

describe('schedules', () => {
  let service: Template;
  beforeAll(() => {
    ({ service } = synth());
  });

  it('has EventBridge Scheduler invoke the scheduled-job function: recovery every 5 minutes, reconciliation daily', () => {
    // Act
    const job = functionLogicalId(service, 'ScheduledJob');
    const roles = service.findResources('AWS::IAM::Role', {
      Properties: { AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'scheduler.amazonaws.com' } })] } },
    });

    // Assess: one role, confined to this account's schedules, allowed to invoke only that function.
    expect(Object.keys(roles)).toHaveLength(1);
    const roleId = Object.keys(roles)[0] as string;
    expect(JSON.stringify(roles[roleId])).toContain('aws:SourceAccount');
    const roleStatements = policyStatements(service, roleId);
    expect([...new Set(actionsOf(roleStatements))]).toEqual(['lambda:InvokeFunction']);
    expect(statementsOn(roleStatements, job)).toEqual(roleStatements);
    for (const [task, expression] of [
      ['recover', 'rate(5 minutes)'],
      ['reconcile', 'rate(1 day)'],
    ] as const) {
      service.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: expression,
        State: 'ENABLED',
        Target: { Arn: { 'Fn::GetAtt': [job, 'Arn'] }, RoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] }, Input: JSON.stringify({ task }) },
      });
    }
    // The recurring schedules stay in the default group, out of reach of the engine's permissions.
    service.allResourcesProperties('AWS::Scheduler::Schedule', { GroupName: Match.absent() });
  });

  it('turns the reconciliation schedule off when the config sets intervalMinutes to 0', () => {
    // Act
    const { service: off } = synth({
      engineConfig: { text: JSON.stringify({ reconciliation: { intervalMinutes: 0 } }), origin: 'perimeter.json' },
    });

    // Assess
    off.hasResourceProperties('AWS::Scheduler::Schedule', { Target: { Input: '{"task":"reconcile"}' }, State: 'DISABLED' });
    off.hasResourceProperties('AWS::Scheduler::Schedule', { Target: { Input: '{"task":"recover"}' }, State: 'ENABLED' });
    off.hasResourceProperties('AWS::Scheduler::Schedule', { Target: { Input: '{"task":"checkpoint"}' }, ScheduleExpression: 'rate(1 day)' });
  });
});
