import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { toJsonLines } from '../../audit/toJsonLines.js';
import type { LedgerEvent } from '../../domain/LedgerEvent.js';
import { LedgerError } from '../../domain/LedgerError.js';
import type { LedgerArchive } from '../../ports/LedgerArchive.js';

/** Every archived chain is an object under this prefix: `ledger-archive/<runId>/<chain>.jsonl`. */
export const ARCHIVE_PREFIX = 'ledger-archive/';

export interface S3LedgerArchiveOptions {
  /** The archive bucket (infra: StatefulStack's ArchiveBucket, `ARCHIVE_BUCKET` in the function). */
  readonly bucket: string;
  /** The KMS key (id, ARN or alias ARN) every object is encrypted with: the data key in AWS. */
  readonly kmsKeyId: string;
  readonly client?: S3Client;
}

/**
 * The retention job's archive in AWS: one object per run and chain, holding the chain's removed
 * events as canonical JSON Lines (the `/audit/export?format=jsonl` form, re-hashable line by line).
 * The bucket is versioned with Object Lock, so writing a run's chain again (a crashed run re-run)
 * adds a version and leaves the first one in place, locked. S3 verifies the SHA-256 checksum the
 * SDK computes, so a body damaged in transit is refused rather than stored.
 */
export class S3LedgerArchive implements LedgerArchive {
  private readonly client: S3Client;

  public constructor(private readonly options: S3LedgerArchiveOptions) {
    this.client = options.client ?? new S3Client({});
  }

  public async write(runId: string, chain: string, events: readonly LedgerEvent[]): Promise<string> {
    const key = archiveKey(runId, chain);
    const location = `s3://${this.options.bucket}/${key}`;
    let body = '';
    for await (const line of toJsonLines(events)) body += line;
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.options.bucket,
          Key: key,
          Body: body,
          ContentType: 'application/x-ndjson',
          ChecksumAlgorithm: 'SHA256',
          ServerSideEncryption: 'aws:kms',
          SSEKMSKeyId: this.options.kmsKeyId,
        }),
      );
    } catch (error) {
      throw new LedgerError(`Failed to archive ${events.length} events of chain ${chain} to ${location}`, { cause: error });
    }
    return location;
  }
}

/**
 * `ledger-archive/<runId>/<chain>.jsonl`, the chain URL-encoded (as the local archive names its
 * files: `person#p1` is `person%23p1`). The run id is used as given, so it must be one path segment.
 */
export function archiveKey(runId: string, chain: string): string {
  if (runId === '' || runId === '.' || runId === '..' || runId.includes('/')) {
    throw new LedgerError(`A retention run id must be one path segment, not ${JSON.stringify(runId)}`);
  }
  if (chain === '') throw new LedgerError('Cannot archive events without a chain');
  return `${ARCHIVE_PREFIX}${runId}/${encodeURIComponent(chain)}.jsonl`;
}
