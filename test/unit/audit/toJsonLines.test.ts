import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { toJsonLines } from '../../../lib/audit/toJsonLines.js';
import { LedgerFixture, collect, stepDraft, stream } from './auditFixtures.js';

describe('toJsonLines', () => {
  it('writes one canonical JSON event per line, each re-hashable to its own hash without the ledger code', async () => {
    // Prepare: line breaks and key order that canonical form must normalise.
    const fixture = new LedgerFixture();
    const events = [
      await fixture.append({ ...stepDraft('person#p1', 'a'), detail: { z: 1, a: 'multi\nline\r\ntext' } }),
      await fixture.append({ ...stepDraft('person#p1', 'b'), after: { b: [2, 1], a: null } }),
    ];

    // Act
    const text = await collect(toJsonLines(stream(events)));
    const lines = text.split('\n');

    // Assess: N lines plus the empty string after the final newline.
    expect(lines).toHaveLength(events.length + 1);
    expect(lines.at(-1)).toBe('');
    lines.slice(0, -1).forEach((line, i) => {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      expect(parsed).toEqual(events[i]);
      // Keys sorted, no whitespace: RFC 8785 for these values; dropping "hash" leaves what was hashed.
      expect(Object.keys(parsed)).toEqual([...Object.keys(parsed)].sort());
      const withoutHash = line.replace(/,"hash":"[0-9a-f]{64}"/, '');
      expect(createHash('sha256').update(withoutHash, 'utf8').digest('hex')).toBe(events[i]?.hash);
    });
  });
});
