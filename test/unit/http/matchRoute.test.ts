import { describe, expect, it } from 'vitest';
import { matchRoute } from '../../../lib/http/matchRoute.js';

const ROUTES = ['GET /persons', 'GET /persons/:id', 'GET /persons/:id/events', 'POST /persons/:id/lockout', 'GET /apps/:app/entitlements/:entitlement/events'] as const;

describe('matchRoute', () => {
  it.each([
    ['GET', [], undefined],
    ['GET', ['persons'], { route: 'GET /persons', params: {} }],
    ['GET', ['persons', 'p-1'], { route: 'GET /persons/:id', params: { id: 'p-1' } }],
    ['GET', ['persons', 'events'], { route: 'GET /persons/:id', params: { id: 'events' } }],
    ['GET', ['persons', 'p/1', 'events'], { route: 'GET /persons/:id/events', params: { id: 'p/1' } }],
    ['POST', ['persons', 'p-1', 'lockout'], { route: 'POST /persons/:id/lockout', params: { id: 'p-1' } }],
    ['GET', ['apps', 'chat', 'entitlements', 'group:eng', 'events'], { route: 'GET /apps/:app/entitlements/:entitlement/events', params: { app: 'chat', entitlement: 'group:eng' } }],
  ])('matches %s %j exactly', (method, segments, expected) => {
    // Act
    const matched = matchRoute(ROUTES, method, segments);

    // Assess
    expect(matched).toEqual(expected);
  });

  it.each([
    ['another method', 'DELETE', ['persons', 'p-1', 'lockout']],
    ['a method in another case', 'get', ['persons']],
    ['a segment more', 'GET', ['persons', 'p-1', 'events', 'extra']],
    ['a segment less', 'GET', ['apps', 'chat', 'entitlements', 'group:eng']],
    ['another literal', 'GET', ['persons', 'p-1', 'access']],
    ['a literal in another case', 'GET', ['Persons']],
  ])('matches nothing for %s', (_name, method, segments) => {
    // Act
    const matched = matchRoute(ROUTES, method, segments);

    // Assess
    expect(matched).toBeUndefined();
  });
});
