import { ArnFormat, Stack } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { ConfigError } from '../../lib/config/ConfigError.js';

/**
 * Requests one source address may send in 5 minutes (about 3 per second) before it is blocked: far
 * above what a person at the console or an HR system sends, enough for an IdP's steady pushes, and
 * a blocked IdP retries after 429 (both Okta and Entra ID back off). Raise it (CDK context
 * `wafRateLimit`) for a large first SCIM sync from one address.
 */
export const DEFAULT_WAF_RATE_LIMIT = 1000;

/** The evaluation window of the rate-based rule. */
const RATE_WINDOW_SECONDS = 300;

export interface ApiFirewallProps {
  /** The REST API stage to protect. */
  readonly stage: apigw.Stage;
  /** Requests per source IP per 5 minutes; default DEFAULT_WAF_RATE_LIMIT. 10 to 2,000,000,000 (AWS WAF's limits). */
  readonly rateLimit?: number;
}

/** The body a blocked client gets: SCIM's error shape (RFC 7644 §3.12), which any JSON client can read too. */
const TOO_MANY_REQUESTS_BODY = JSON.stringify({
  schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
  status: '429',
  detail: 'Too many requests from this address; retry later',
});

/**
 * AWS WAF in front of the API stage: a rate-based rule per source IP, and two AWS managed rule
 * groups that block by who is asking or by exploit signatures, not by body size or shape.
 *
 * Deliberately not the Core rule set (AWSManagedRulesCommonRuleSet): its SizeRestrictions_BODY
 * blocks bodies over 8 KB, which SCIM PUT and PATCH requests, group membership changes and CSV
 * roster uploads exceed, and its cross-site scripting and remote file inclusion body rules match
 * ordinary attribute values (URLs, HTML-ish titles). A false positive there would stop an IdP's
 * deprovisioning, which is worse than the attack those rules catch: every route authenticates a
 * bearer token and validates its input before it acts.
 *
 * Blocked requests (and any rule switched to count) are logged, the Authorization header redacted.
 */
export class ApiFirewall extends Construct {
  public readonly webAcl: wafv2.CfnWebACL;
  /** Blocked and counted requests, one JSON line each; the name must start with aws-waf-logs-. */
  public readonly logGroup: logs.LogGroup;
  /** The rate limit in force (requests per source IP per 5 minutes). */
  public readonly rateLimit: number;

  public constructor(scope: Construct, id: string, props: ApiFirewallProps) {
    super(scope, id);
    const rateLimit = props.rateLimit ?? DEFAULT_WAF_RATE_LIMIT;
    if (!Number.isInteger(rateLimit) || rateLimit < 10 || rateLimit > 2_000_000_000) {
      throw new ConfigError(`wafRateLimit must be a whole number of requests per 5 minutes from 10 to 2000000000 (AWS WAF's limits), not ${rateLimit}`);
    }
    this.rateLimit = rateLimit;

    const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      metricName,
      sampledRequestsEnabled: true,
    });
    const managedGroup = (priority: number, name: string): wafv2.CfnWebACL.RuleProperty => ({
      name,
      priority,
      statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
      // The group's own actions (block) apply.
      overrideAction: { none: {} },
      visibilityConfig: visibility(name),
    });

    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      description: 'Perimeter: rate limit per source IP, AWS IP reputation list, known bad inputs',
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('PerimeterApi'),
      customResponseBodies: {
        TooManyRequests: { contentType: 'APPLICATION_JSON', content: TOO_MANY_REQUESTS_BODY },
      },
      rules: [
        {
          name: 'RateLimitPerIp',
          // First, so a flood is dropped before the managed groups inspect it.
          priority: 0,
          statement: {
            rateBasedStatement: { aggregateKeyType: 'IP', limit: rateLimit, evaluationWindowSec: RATE_WINDOW_SECONDS },
          },
          // 429 with Retry-After rather than WAF's default 403: SCIM clients retry a 429 later, a
          // 403 reads as a credential problem and may disable the integration.
          action: {
            block: {
              customResponse: {
                responseCode: 429,
                customResponseBodyKey: 'TooManyRequests',
                responseHeaders: [{ name: 'retry-after', value: '60' }],
              },
            },
          },
          visibilityConfig: visibility('RateLimitPerIp'),
        },
        // Addresses AWS threat intelligence saw in bots, reconnaissance and DDoS.
        managedGroup(1, 'AWSManagedRulesAmazonIpReputationList'),
        // Request patterns of known exploits (Log4j lookups, Java deserialization, localhost Host
        // headers), none of which a legitimate SCIM, webhook or console request contains.
        managedGroup(2, 'AWSManagedRulesKnownBadInputsRuleSet'),
      ],
    });

    // The stage's ARN refers to the stage resource, so CloudFormation associates once the stage exists.
    new wafv2.CfnWebACLAssociation(this, 'Association', { resourceArn: props.stage.stageArn, webAclArn: this.webAcl.attrArn });

    // The web ACL's id is new with every web ACL, so a retained group never blocks a redeployment.
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `aws-waf-logs-perimeter-${this.webAcl.attrId}`,
      retention: logs.RetentionDays.ONE_YEAR,
    });
    new wafv2.CfnLoggingConfiguration(this, 'Logging', {
      resourceArn: this.webAcl.attrArn,
      // AWS WAF wants the group's ARN without the ":*" suffix that logGroupArn carries.
      logDestinationConfigs: [
        Stack.of(this).formatArn({
          service: 'logs',
          resource: 'log-group',
          resourceName: this.logGroup.logGroupName,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
      // Bearer tokens never reach a log.
      redactedFields: [{ singleHeader: { Name: 'authorization' } }],
      // Allowed requests are in the API's access log already; keep what WAF stopped or counted.
      loggingFilter: {
        DefaultBehavior: 'DROP',
        Filters: [
          {
            Behavior: 'KEEP',
            Requirement: 'MEETS_ANY',
            Conditions: [{ ActionCondition: { Action: 'BLOCK' } }, { ActionCondition: { Action: 'COUNT' } }],
          },
        ],
      },
    });
  }
}
