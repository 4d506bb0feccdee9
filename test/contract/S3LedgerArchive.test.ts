import { createHash } from 'node:crypto';
import { PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { S3LedgerArchive, archiveKey } from '../../lib/adapters/s3/S3LedgerArchive.js';
import type { LedgerEvent } from '../../lib/domain/LedgerEvent.js';
import { LedgerError } from '../../lib/domain/LedgerError.js';
import { LedgerFixture, stepDraft } from '../unit/audit/auditFixtures.js';

const s3 = mockClient(S3Client);
const KEY_ARN = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

/** Two genuine, hash-chained events, one with text canonical form must escape and keys it must sort. */
async function chainEvents(chain: string): Promise<LedgerEvent[]> {
  const fixture = new LedgerFixture();
  return [
    await fixture.append({ ...stepDraft(chain, 'a'), detail: { z: 1, a: 'multi\nline\r\ntext', 'ü': '∑' } }),
    await fixture.append({ ...stepDraft(chain, 'b'), after: { b: [2, 1], a: null } }),
  ];
}

describe('S3LedgerArchive (SDK contract)', () => {
  beforeEach(() => {
    s3.reset();
  });

  it('puts the chain as canonical JSON Lines under ledger-archive/<run>/<chain>.jsonl, KMS-encrypted, SHA-256 checked', async () => {
    // Prepare
    s3.on(PutObjectCommand).resolves({ VersionId: 'v1' });
    const events = await chainEvents('person#p1#slack');
    const archive = new S3LedgerArchive({ bucket: 'perimeter-archive', kmsKeyId: KEY_ARN, client: new S3Client({}) });

    // Act
    const location = await archive.write('2026-06-01T03:00:00.000Z', 'person#p1#slack', events);
    const calls = s3.commandCalls(PutObjectCommand);

    // Assess: exactly this request, nothing more.
    expect(location).toBe('s3://perimeter-archive/ledger-archive/2026-06-01T03:00:00.000Z/person%23p1%23slack.jsonl');
    expect(calls).toHaveLength(1);
    const input = calls[0]?.args[0].input;
    expect(input).toEqual({
      Bucket: 'perimeter-archive',
      Key: 'ledger-archive/2026-06-01T03:00:00.000Z/person%23p1%23slack.jsonl',
      Body: expect.any(String),
      ContentType: 'application/x-ndjson',
      ChecksumAlgorithm: 'SHA256',
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: KEY_ARN,
    });
    // The body re-parses to the events, one per line, each line re-hashable to its own hash.
    const lines = String(input?.Body).split('\n');
    expect(lines.at(-1)).toBe('');
    expect(lines.slice(0, -1).map((line) => JSON.parse(line) as unknown)).toEqual(events);
    lines.slice(0, -1).forEach((line, i) => {
      const withoutHash = line.replace(/,"hash":"[0-9a-f]{64}"/, '');
      expect(createHash('sha256').update(withoutHash, 'utf8').digest('hex')).toBe(events[i]?.hash);
    });
  });

  it('writes the same run and chain to the same key again (a re-run replaces the object)', async () => {
    // Prepare
    s3.on(PutObjectCommand).resolves({});
    const events = await chainEvents('group#eng');
    const archive = new S3LedgerArchive({ bucket: 'b', kmsKeyId: KEY_ARN });

    // Act
    const first = await archive.write('run-1', 'group#eng', events);
    const second = await archive.write('run-1', 'group#eng', events);

    // Assess
    expect(second).toBe(first);
    const keys = s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input.Key);
    expect(keys).toEqual(['ledger-archive/run-1/group%23eng.jsonl', 'ledger-archive/run-1/group%23eng.jsonl']);
  });

  it('URL-encodes the chain so it is one safe key segment, and refuses a run id that is not one segment', () => {
    expect(archiveKey('r', 'person#a/b c?')).toBe('ledger-archive/r/person%23a%2Fb%20c%3F.jsonl');
    for (const runId of ['', '.', '..', 'a/b']) {
      expect(() => archiveKey(runId, 'person#p1'), JSON.stringify(runId)).toThrow(LedgerError);
    }
    expect(() => archiveKey('r', '')).toThrow(LedgerError);
  });

  it('fails with a LedgerError naming the chain and the location when S3 refuses', async () => {
    // Prepare
    const refusal = new S3ServiceException({ name: 'AccessDenied', $fault: 'client', $metadata: { httpStatusCode: 403 }, message: 'Access Denied' });
    s3.on(PutObjectCommand).rejects(refusal);
    const archive = new S3LedgerArchive({ bucket: 'b', kmsKeyId: KEY_ARN, client: new S3Client({}) });

    // Act
    const error = await archive.write('run-1', 'person#p1', await chainEvents('person#p1')).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(LedgerError);
    expect((error as LedgerError).message).toBe('Failed to archive 2 events of chain person#p1 to s3://b/ledger-archive/run-1/person%23p1.jsonl');
    expect((error as LedgerError).cause).toBe(refusal);
  });
});
