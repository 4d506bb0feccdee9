import { describe, expect, it } from 'vitest';
import { parseFilter } from '../../../lib/scim/parseFilter.js';
import { thrown } from '../../support/thrown.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';


describe('parseFilter', () => {
  it.each(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'])('parses the %s operator, case-insensitively', (op) => {
    // Act
    const lower = parseFilter('User', `userName ${op} "a"`);
    const upper = parseFilter('User', `userName ${op.toUpperCase()} "a"`);

    // Assess
    expect(lower).toEqual({ op, attrPath: 'userName', compValue: 'a' });
    expect(upper).toEqual(lower);
  });

  it('parses pr, booleans, numbers and null', () => {
    // Act
    const results = [
      parseFilter('User', 'title pr'),
      parseFilter('User', 'active eq true'),
      parseFilter('User', 'active eq false'),
      parseFilter('User', 'meta.version eq null'),
    ];

    // Assess
    expect(results).toEqual([
      { op: 'pr', attrPath: 'title' },
      { op: 'eq', attrPath: 'active', compValue: true },
      { op: 'eq', attrPath: 'active', compValue: false },
      { op: 'eq', attrPath: 'meta.version', compValue: null },
    ]);
  });

  it('binds and tighter than or', () => {
    // Act
    const ast = parseFilter('User', 'title eq "a" or title eq "b" and active eq true');

    // Assess
    expect(ast).toEqual({
      op: 'or',
      filters: [
        { op: 'eq', attrPath: 'title', compValue: 'a' },
        {
          op: 'and',
          filters: [
            { op: 'eq', attrPath: 'title', compValue: 'b' },
            { op: 'eq', attrPath: 'active', compValue: true },
          ],
        },
      ],
    });
  });

  it('applies not to the whole parenthesised group', () => {
    // Act
    const ast = parseFilter('User', 'not (title eq "a" or title eq "b")');

    // Assess
    expect(ast).toEqual({
      op: 'not',
      filter: {
        op: 'or',
        filters: [
          { op: 'eq', attrPath: 'title', compValue: 'a' },
          { op: 'eq', attrPath: 'title', compValue: 'b' },
        ],
      },
    });
  });

  it('reads string values as JSON strings: escaped quotes, backslashes and unicode escapes', () => {
    // Act
    const quote = parseFilter('User', String.raw`userName eq "o\"neil"`);
    const backslash = parseFilter('User', String.raw`userName eq "CONTOSO\\jdoe"`);
    const trailingBackslash = parseFilter('User', String.raw`userName eq "ends-with\\" or title eq "x"`);
    const unicode = parseFilter('User', String.raw`displayName eq "Ren\u00e9e"`);

    // Assess
    expect(quote).toEqual({ op: 'eq', attrPath: 'userName', compValue: 'o"neil' });
    expect(backslash).toEqual({ op: 'eq', attrPath: 'userName', compValue: 'CONTOSO\\jdoe' });
    expect(trailingBackslash).toEqual({
      op: 'or',
      filters: [
        { op: 'eq', attrPath: 'userName', compValue: 'ends-with\\' },
        { op: 'eq', attrPath: 'title', compValue: 'x' },
      ],
    });
    expect(unicode).toEqual({ op: 'eq', attrPath: 'displayName', compValue: 'Renée' });
  });

  it('keeps a backslash that starts no JSON escape as written', () => {
    // Act
    const ast = parseFilter('User', String.raw`userName eq "CONTOSO\jdoe"`);

    // Assess
    expect(ast).toEqual({ op: 'eq', attrPath: 'userName', compValue: 'CONTOSO\\jdoe' });
  });

  it('keeps a value path and its sub-attribute comparison on one element', () => {
    // Act
    const ast = parseFilter('User', 'emails[type eq "work"].value eq "a@example.com"');

    // Assess
    expect(ast).toEqual({
      op: '[]',
      attrPath: 'emails',
      valFilter: {
        op: 'and',
        filters: [
          { op: 'eq', attrPath: 'type', compValue: 'work' },
          { op: 'eq', attrPath: 'value', compValue: 'a@example.com' },
        ],
      },
    });
  });

  it('keeps an or inside a value path grouped when a sub-attribute comparison follows', () => {
    // Act
    const ast = parseFilter('User', 'emails[type eq "work" or type eq "home"].value pr and userName sw "a"');

    // Assess
    expect(ast).toEqual({
      op: 'and',
      filters: [
        {
          op: '[]',
          attrPath: 'emails',
          valFilter: {
            op: 'and',
            filters: [
              {
                op: 'or',
                filters: [
                  { op: 'eq', attrPath: 'type', compValue: 'work' },
                  { op: 'eq', attrPath: 'type', compValue: 'home' },
                ],
              },
              { op: 'pr', attrPath: 'value' },
            ],
          },
        },
        { op: 'sw', attrPath: 'userName', compValue: 'a' },
      ],
    });
  });

  it('leaves value-path look-alikes inside string values alone', () => {
    // Act
    const ast = parseFilter('User', 'userName eq "emails[type eq \\"work\\"].value eq 1"');

    // Assess
    expect(ast).toEqual({ op: 'eq', attrPath: 'userName', compValue: 'emails[type eq "work"].value eq 1' });
  });

  it('accepts URN-qualified core and extension attributes, in any case', () => {
    // Act
    const core = parseFilter('User', 'urn:ietf:params:scim:schemas:core:2.0:User:userName eq "a"');
    const extension = parseFilter('User', `${ENTERPRISE.toUpperCase()}:DEPARTMENT eq "x"`);

    // Assess
    expect(core).toEqual({ op: 'eq', attrPath: 'urn:ietf:params:scim:schemas:core:2.0:User:userName', compValue: 'a' });
    expect(extension).toMatchObject({ op: 'eq', compValue: 'x' });
  });

  it.each([
    ['an empty filter', '   '],
    ['a missing value', 'userName eq'],
    ['an unquoted word as value', 'userName eq bob'],
    ['an unknown operator', 'userName like "a"'],
    ['a missing closing parenthesis', '(userName eq "a"'],
    ['a trailing parenthesis', 'userName eq "a")'],
    ['a missing closing bracket', 'emails[type eq "work"'],
    ['an unknown attribute', 'shoeSize eq 42'],
    ['an unknown sub-attribute', 'name.nickname eq "a"'],
    ['an unknown extension attribute', `${ENTERPRISE}:shoeSize eq 42`],
    ['a path three levels deep', 'name.givenName.first eq "a"'],
    ['an attribute of the other resource type', 'displayName eq "x" and members pr'],
    ['gt on a boolean', 'active gt true'],
    ['a dateTime compared with something that is not a time', 'meta.lastModified gt "yesterday"'],
    ['sw on a boolean', 'active sw "t"'],
    ['co with a number', 'userName co 1'],
    ['eq on a complex attribute without a value sub-attribute', 'name eq "Ada"'],
    ['a value filter on a single-valued attribute', 'name[givenName eq "a"]'],
    ['a value filter on a simple attribute', 'userName[value eq "a"]'],
    ['a nested value filter', 'emails[type eq "work" and addresses[type eq "home"]]'],
    ['an unknown attribute inside a value filter', 'emails[colour eq "red"]'],
    ['a filter over 4096 characters', `userName eq "${'x'.repeat(4100)}"`],
    ['a filter nested too deeply', `${'not ('.repeat(40)}userName pr${')'.repeat(40)}`],
  ])('rejects %s with 400 invalidFilter', (_name, expression) => {
    // Act
    const error = thrown(() => parseFilter('User', expression));

    // Assess
    expect(error).toMatchObject({ status: 400, scimType: 'invalidFilter' });
  });

  it('checks attributes against the resource type it filters', () => {
    // Act
    const group = parseFilter('Group', 'displayName eq "Eng" and members.value eq "u1"');
    const userOnGroup = thrown(() => parseFilter('Group', 'userName eq "a"'));

    // Assess
    expect(group).toMatchObject({ op: 'and' });
    expect(userOnGroup).toMatchObject({ status: 400, scimType: 'invalidFilter' });
  });

  it('refuses an unterminated string value at once, however many line breaks follow it', () => {
    // Prepare: scim2-parse-filter's string pattern backtracks exponentially on this (found by the SCIM fuzz test)
    const hostile = ['\t  true  "  ' + '\r\n'.repeat(130), 'userName eq "ada' + '\n'.repeat(200), 'userName eq "a" and title eq "b\\"' + '\n'.repeat(50)];

    // Act
    const errors = hostile.map((filter) => thrown(() => parseFilter('User', filter)));

    // Assess
    expect(errors).toEqual(hostile.map(() => expect.objectContaining({ status: 400, scimType: 'invalidFilter', message: expect.stringMatching(/not terminated/) })));
  });
});
