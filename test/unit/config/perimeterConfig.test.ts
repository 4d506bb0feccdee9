import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { connectorRegistry } from '../../../connectors/registry.js';
import { ConfigError } from '../../../lib/config/ConfigError.js';
import { parsePerimeterConfig } from '../../../lib/config/loadPerimeterConfig.js';
import { ConnectorRuntime } from '../../../lib/fanout/ConnectorRuntime.js';

describe('config validation', () => {
  it('accepts the example in the README, connector settings included', () => {
    // Act
    const config = parsePerimeterConfig(JSON.parse(readFileSync('examples/perimeter.example.json', 'utf8')), 'example');
    const runtime = new ConnectorRuntime({ configs: config.connectors, registry: connectorRegistry, accessToken: () => async () => 'token' });

    // Assess
    expect(runtime.ids()).toEqual(['slack', 'github', 'google']);
    expect(config.policy.rules.map((rule) => rule.id)).toContain('engineering-github');
  });

  it('names the bad rule, the path and the reason, all problems at once', () => {
    // Act
    const error = (() => {
      try {
        parsePerimeterConfig(
          {
            connectors: [{ id: 'slack', type: 'slack' }],
            policy: {
              rules: [
                { id: 'ok', when: {}, grant: [{ app: 'slack' }] },
                { id: 'typo', when: { departmnet: 'Eng' }, grant: [{ app: 'gitlab' }] },
                { id: 'ok', when: { title: { matches: '([' } }, grant: [{ app: 'slack' }] },
              ],
            },
          },
          'test.json',
        );
      } catch (e) {
        return e as Error;
      }
      throw new Error('expected a ConfigError');
    })();

    // Assess
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain('policy.rules[1].when (rule "typo")');
    expect(error.message).toContain('policy.rules[1].grant[0].app (rule "typo"): "gitlab" is not a configured connector');
    expect(error.message).toContain('duplicate rule id "ok"');
    expect(error.message).toContain('matches is not a valid regular expression');
  });

  it('rejects connector settings that do not fit the connector type, naming the connector', () => {
    const config = parsePerimeterConfig({ connectors: [{ id: 'gh', type: 'github', settings: { orgg: 'x' } }] }, 'test');
    expect(() => new ConnectorRuntime({ configs: config.connectors, registry: connectorRegistry, accessToken: () => async () => 'token' })).toThrow(
      /connectors "gh" settings are invalid/,
    );
  });

  it('rejects an unknown connector type and lists the known ones', () => {
    const config = parsePerimeterConfig({ connectors: [{ id: 'x', type: 'okta' }] }, 'test');
    expect(() => new ConnectorRuntime({ configs: config.connectors, registry: connectorRegistry, accessToken: () => async () => 'token' })).toThrow(
      /unknown type "okta" \(known: scim, slack, github, google-workspace, microsoft-entra\)/,
    );
  });

  it('defaults source authority, lets a class be overridden, and refuses an attribute owned twice or unknown', () => {
    // Act
    const defaults = parsePerimeterConfig({}, 'test').authority;
    const custom = parsePerimeterConfig({ authority: { idp: ['userName', 'emails', 'title'], hr: ['employmentStatus'] } }, 'test').authority;
    const refusal = (authority: unknown): string => {
      try {
        parsePerimeterConfig({ authority }, 'test');
        return 'accepted';
      } catch (error) {
        return error instanceof ConfigError ? error.message : 'not a ConfigError';
      }
    };

    // Assess
    expect(defaults).toEqual({
      hr: ['employmentStatus', 'department', 'title', 'manager', 'location', 'costCenter', 'employeeNumber'],
      idp: ['userName', 'emails', 'groups'],
    });
    expect(custom).toEqual({ hr: ['employmentStatus'], idp: ['userName', 'emails', 'title'] });
    expect(refusal({ idp: ['title'] })).toMatch(/"title" is owned by both hr and idp/);
    expect(refusal({ hr: ['shoeSize'] })).toMatch(/authority/);
    expect(refusal({ payroll: [] })).toMatch(/payroll/);
  });

  it('defaults account correlation to email then userName, keeps the order given, and refuses a rule twice or unknown', () => {
    // Prepare
    const refusal = (correlation: unknown): string => {
      try {
        parsePerimeterConfig({ connectors: [{ id: 'slack', type: 'slack', correlation }] }, 'test');
        return 'accepted';
      } catch (error) {
        return error instanceof ConfigError ? error.message : 'not a ConfigError';
      }
    };

    // Act
    const defaults = parsePerimeterConfig({ connectors: [{ id: 'slack', type: 'slack' }] }, 'test').connectors[0]?.correlation;
    const custom = parsePerimeterConfig({ connectors: [{ id: 'slack', type: 'slack', correlation: ['employeeNumber', 'externalId', 'email'] }] }, 'test')
      .connectors[0]?.correlation;

    // Assess
    expect(defaults).toEqual(['email', 'userName']);
    expect(custom).toEqual(['employeeNumber', 'externalId', 'email']);
    expect(refusal(['email', 'email'])).toMatch(/correlation.*must not name a rule twice/);
    expect(refusal(['shoeSize'])).toMatch(/correlation/);
    expect(refusal([])).toMatch(/correlation/);
  });
});
