import type { App} from 'aws-cdk-lib';
import { Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import * as iam from 'aws-cdk-lib/aws-iam';
import { describe, expect, it } from 'vitest';
import { rotationConfig, synth, synthConfig, synthFresh } from './support/synthStacks.js';
import { actionsOf, policyStatements } from './support/templateQueries.js';

// cdk-nag: the AwsSolutions checks find nothing unacknowledged, and every acknowledgment is specific.

describe('cdk-nag (AwsSolutions checks)', () => {
  /** The checks' findings on a synthesised app: what `cdk synth` would refuse (errors) or print (warnings). */
  function nagFindings(app: App): string[] {
    app.synth();
    const report = new AwsSolutionsChecks(app).validateScope(app);
    return report.violations.flatMap((violation) => violation.violatingResources.map((resource) => `${violation.severity} ${violation.ruleName} at ${resource.constructPath}`));
  }

  /** Every acknowledgment in the tree: where, which rule, why. */
  function acknowledgments(root: IConstruct): { path: string; id: string; reason: string }[] {
    return root.node.findAll().flatMap((construct) =>
      construct.node.metadata
        .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        // CDK stores each id with a namespace prefix ("Annotation::").
        .flatMap((entry) => Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({ path: construct.node.path, id: id.replace(/^annotation::/i, ''), reason }))),
    );
  }

  it('finds no unacknowledged error or warning with the defaults', () => {
    // Arrange
    const { app } = synth({ service: { alarmEmail: 'oncall@example.com' } });

    // Act & Assess
    expect(nagFindings(app)).toEqual([]);
  });

  it('finds none with retention, a rotating credential and every context setting either', () => {
    // Arrange
    const { app } = synth({
      engineConfig: { text: JSON.stringify({ retention: { keepDays: 365 }, connectors: rotationConfig.connectors }), origin: 'perimeter.json' },
      stateful: { archiveRetentionDays: 3650 },
      service: { rateLimit: 10, wafRateLimit: 2000, fanoutConcurrency: 30, alarmEmail: 'oncall@example.com' },
    });

    // Act & Assess
    expect(nagFindings(app)).toEqual([]);
  });

  it('still finds what is not acknowledged (the checks run and acknowledgments are specific)', () => {
    // Arrange: a wildcard no acknowledgment covers, in the service stack.
    const { app, serviceStack } = synthFresh();
    serviceStack.scimFunction.addToRolePolicy(new iam.PolicyStatement({ actions: ['sqs:*'], resources: ['*'] }));

    // Act
    const findings = nagFindings(app);

    // Assess
    expect(findings).toEqual([expect.stringMatching(/^error AwsSolutions-IAM5\[Action::sqs:\*\] at TestService\/ScimFunction\//)]);
  });

  it('acknowledges every exception on the resources it concerns, with a written reason, and none for a whole stack', () => {
    // Arrange
    const { app } = synthConfig({ retention: { keepDays: 365 }, connectors: rotationConfig.connectors });

    // Act
    const all = acknowledgments(app);
    const stackPaths = app.node.children.filter((child) => child instanceof Stack).map((stack) => stack.node.path);

    // Assess
    expect(all.length).toBeGreaterThan(0);
    for (const { path, id, reason } of all) {
      expect(id, path).toMatch(/^AwsSolutions-[A-Z]+\d+(\[.+\])?$/);
      expect(reason.length, `${id} at ${path}`).toBeGreaterThan(60);
      expect(stackPaths, `${id} acknowledged for a whole stack`).not.toContain(path);
    }
    // No blanket IAM5: each wildcard finding is acknowledged by its exact action or resource.
    expect(all.filter(({ id }) => id === 'AwsSolutions-IAM5')).toEqual([]);
    // The API's authorization exceptions sit on the REST API, not on the functions.
    expect(all.filter(({ id }) => /^AwsSolutions-(APIG\d|COG4)$/.test(id)).map(({ path }) => path)).toEqual(Array(3).fill('TestService/Api/RestApi'));
  });

  it('reaches "*" only with X-Ray and ListSchedules, as the acknowledgment of IAM5[Resource::*] says', () => {
    // Arrange
    const { service } = synthConfig({ retention: { keepDays: 365 }, connectors: rotationConfig.connectors });

    // Act
    const everyStar = policyStatements(service).filter((statement) => statement.Resource === '*' || JSON.stringify(statement.Resource) === '["*"]');

    // Assess
    expect(everyStar.length).toBeGreaterThan(0);
    expect([...new Set(actionsOf(everyStar))].sort()).toEqual(['scheduler:ListSchedules', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
  });
});
