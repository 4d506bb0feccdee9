import { expect } from 'vitest';
import type { DeliveryLog } from '../../lib/ports/DeliveryLog.js';
import { type ContractOptions, describeContract } from './contractClauses.js';

const T0 = Date.parse('2026-03-01T12:00:00.000Z');
const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const DAY = 24 * 60 * MINUTE;
const at = (offsetMs: number): Date => new Date(T0 + offsetMs);

/**
 * The windows the DynamoDB adapter documents (lib/adapters/dynamodb/DynamoDeliveryLog.ts): a claim
 * still processing after five minutes is a crashed request, and a delivery id is remembered for
 * seven days. The clauses probe either side of each.
 */
const STALE_CLAIM_MS = 5 * MINUTE;
const REMEMBER_MS = 7 * DAY;

/**
 * What every DeliveryLog adapter promises the webhook endpoint: a delivery is processed by one
 * caller at a time and once; a failed one, released or crashed (its claim gone stale), is
 * processed again when the vendor retries. Time comes from the caller. `openLog` returns a fresh,
 * empty log per test.
 */
export function describeDeliveryLogContract(name: string, openLog: () => Promise<DeliveryLog>, options: ContractOptions = {}): void {
  describeContract(`DeliveryLog contract: ${name}`, openLog, options, (clause) => {
    clause('gives a new delivery to its first claimant only', async (log) => {
      // Act
      const first = await log.claim('bamboohr', 'msg-1', at(0));
      const second = await log.claim('bamboohr', 'msg-1', at(SECOND));

      // Assess
      expect([first, second]).toEqual([true, false]);
    });

    clause('gives a delivery to exactly one of concurrent claimants', async (log) => {
      // Act
      const claims = await Promise.all(Array.from({ length: 5 }, () => log.claim('bamboohr', 'msg-1', at(0))));

      // Assess
      expect(claims.filter(Boolean)).toHaveLength(1);
    });

    clause('keeps deliveries of different sources and ids apart', async (log) => {
      // Prepare
      await log.claim('bamboohr', 'msg-1', at(0));

      // Act
      const otherSource = await log.claim('workday', 'msg-1', at(0));
      const otherId = await log.claim('bamboohr', 'msg-2', at(0));

      // Assess
      expect([otherSource, otherId]).toEqual([true, true]);
    });

    clause('refuses a replay of a processed delivery, however long its first processing was ago within the window', async (log) => {
      // Prepare
      await log.claim('bamboohr', 'msg-1', at(0));
      await log.complete('bamboohr', 'msg-1', at(SECOND));

      // Act
      const soon = await log.claim('bamboohr', 'msg-1', at(2 * SECOND));
      const afterStaleWindow = await log.claim('bamboohr', 'msg-1', at(STALE_CLAIM_MS + MINUTE));
      const sixDaysLater = await log.claim('bamboohr', 'msg-1', at(REMEMBER_MS - DAY));

      // Assess
      expect([soon, afterStaleWindow, sixDaysLater]).toEqual([false, false, false]);
    });

    clause('forgets a processed delivery after the window, so an id-only body can mean a new event', async (log) => {
      // Prepare
      await log.claim('rippling', 'sha256-of-body', at(0));
      await log.complete('rippling', 'sha256-of-body', at(0));

      // Act
      const claimed = await log.claim('rippling', 'sha256-of-body', at(REMEMBER_MS + MINUTE));

      // Assess
      expect(claimed).toBe(true);
    });

    clause('gives a released delivery (a failure) to the vendor\'s retry, right away', async (log) => {
      // Prepare
      await log.claim('bamboohr', 'msg-1', at(0));

      // Act
      await log.release('bamboohr', 'msg-1');
      const retry = await log.claim('bamboohr', 'msg-1', at(SECOND));
      const replayOfRetry = await log.claim('bamboohr', 'msg-1', at(2 * SECOND));

      // Assess
      expect([retry, replayOfRetry]).toEqual([true, false]);
    });

    clause('takes over a claim that never finished (a crash) once it is stale, not before', async (log) => {
      // Prepare
      await log.claim('bamboohr', 'msg-1', at(0));

      // Act
      const whileFresh = await log.claim('bamboohr', 'msg-1', at(STALE_CLAIM_MS - SECOND));
      const onceStale = await log.claim('bamboohr', 'msg-1', at(STALE_CLAIM_MS + SECOND));
      const afterTakeover = await log.claim('bamboohr', 'msg-1', at(STALE_CLAIM_MS + 2 * SECOND));

      // Assess
      expect([whileFresh, onceStale, afterTakeover]).toEqual([false, true, false]);
    });

    clause('treats releasing a delivery it never saw as nothing to do', async (log) => {
      // Act
      await log.release('bamboohr', 'msg-never-claimed');

      // Assess
      expect(await log.claim('bamboohr', 'msg-never-claimed', at(0))).toBe(true);
    });

  });
}
