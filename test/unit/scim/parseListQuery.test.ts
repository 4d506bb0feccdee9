import { describe, expect, it } from 'vitest';
import { type ListParameters, parseListQuery } from '../../../lib/scim/parseListQuery.js';
import { thrown } from '../../support/thrown.js';


describe('parseListQuery', () => {
  it('defaults to startIndex 1, count 100, ascending, no filter, sort or projection', () => {
    // Act
    const query = parseListQuery('User', {});

    // Assess
    expect(query).toEqual({ descending: false, startIndex: 1, count: 100, projection: {} });
  });

  it('reads every parameter', () => {
    // Act
    const query = parseListQuery('User', {
      filter: 'userName eq "a"',
      sortBy: 'name.familyName',
      sortOrder: 'DESCENDING',
      startIndex: '11',
      count: '10',
      attributes: 'userName',
      excludedAttributes: 'emails',
    });

    // Assess
    expect(query).toEqual({
      filter: { op: 'eq', attrPath: 'userName', compValue: 'a' },
      sortBy: 'name.familyName',
      descending: true,
      startIndex: 11,
      count: 10,
      projection: { attributes: ['userName'], excludedAttributes: ['emails'] },
    });
  });

  it.each([
    ['1001', 1000],
    ['5000', 1000],
    ['1000', 1000],
    ['0', 0],
    ['-1', 0],
    ['-500', 0],
    [' 7 ', 7],
    ['', 100],
  ])('count=%j → %d (at most 1000, negative means 0)', (count, expected) => {
    // Act
    const query = parseListQuery('User', { count });

    // Assess
    expect(query.count).toBe(expected);
  });

  it.each([
    ['0', 1],
    ['-3', 1],
    ['1', 1],
    ['250', 250],
  ])('startIndex=%j → %d (below 1 means 1)', (startIndex, expected) => {
    // Act
    const query = parseListQuery('User', { startIndex });

    // Assess
    expect(query.startIndex).toBe(expected);
  });

  it.each<[string, ListParameters]>([
    ['a non-numeric count', { count: 'ten' }],
    ['a fractional count', { count: '2.5' }],
    ['an exponent startIndex', { startIndex: '1e3' }],
    ['a huge startIndex', { startIndex: '99999999999' }],
    ['an unknown sortOrder', { sortOrder: 'up' }],
    ['an unknown sortBy attribute', { sortBy: 'shoeSize' }],
    ['an unknown attribute to return', { attributes: 'shoeSize' }],
    ['an unknown attribute to exclude', { excludedAttributes: 'name.nick' }],
  ])('rejects %s with 400 invalidValue', (_name, params) => {
    // Act
    const error = thrown(() => parseListQuery('User', params));

    // Assess
    expect(error).toMatchObject({ status: 400, scimType: 'invalidValue' });
  });

  it('rejects a bad filter with 400 invalidFilter', () => {
    // Act
    const error = thrown(() => parseListQuery('Group', { filter: 'userName eq "a"' }));

    // Assess
    expect(error).toMatchObject({ status: 400, scimType: 'invalidFilter' });
  });

  it('accepts sortOrder in any case', () => {
    // Act
    const ascending = parseListQuery('User', { sortBy: 'userName', sortOrder: 'Ascending' });
    const descending = parseListQuery('User', { sortBy: 'userName', sortOrder: 'descending' });

    // Assess
    expect(ascending.descending).toBe(false);
    expect(descending.descending).toBe(true);
  });
});
