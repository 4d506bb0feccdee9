import { Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * The id cdk-nag gives an IAM5 (wildcard) finding on a policy resource, for acknowledging exactly
 * that resource and no other: `AwsSolutions-IAM5[Resource::<the resource, flattened>]`. cdk-nag
 * flattens the resolved value: Fn::Join joined, Ref as <Name>, Fn::GetAtt as <Name.Attribute>,
 * Fn::ImportValue as its export name. A value from another stack must be passed as that stack's
 * exportValue(...), the import CDK generates for it anyway, so the name matches the template.
 */
export function iam5ResourceFinding(scope: IConstruct, resource: string): string {
  return `AwsSolutions-IAM5[Resource::${flatten(Stack.of(scope).resolve(resource))}]`;
}

function flatten(node: unknown): string {
  if (node === undefined) return '';
  if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (typeof node === 'object' && node !== null) {
    const intrinsic = node as Record<string, unknown>;
    if ('Fn::Join' in intrinsic) {
      const [delimiter, items] = intrinsic['Fn::Join'] as [string, unknown[]];
      return items.map(flatten).join(delimiter);
    }
    if ('Fn::Sub' in intrinsic) return flatten(intrinsic['Fn::Sub']);
    if ('Fn::GetAtt' in intrinsic) {
      const [resource, attribute] = intrinsic['Fn::GetAtt'] as [unknown, unknown];
      return `<${flatten(resource)}.${flatten(attribute)}>`;
    }
    if ('Fn::ImportValue' in intrinsic) return flatten(intrinsic['Fn::ImportValue']);
    if ('Ref' in intrinsic) return `<${flatten(intrinsic.Ref)}>`;
  }
  return JSON.stringify(node);
}
