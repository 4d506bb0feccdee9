import { ConnectorError } from '../connector-sdk/ConnectorError.js';
import { linkKeyOf } from '../connector-sdk/linkKeyOf.js';
import {
  type AccountManager,
  type ChangeResult,
  type Connector,
  isAccountManager,
  isEntitlementProvisioner,
  isOwnershipTransferrer,
  isSessionRevoker,
} from '../connector-sdk/Connector.js';
import type { AccountStatus } from '../domain/AccessRecords.js';
import type { Ledger } from '../ledger/Ledger.js';
import type { LedgerOutcome } from '../domain/LedgerEvent.js';
import type { Logger } from '../observability/Logger.js';
import type { PlanStep } from '../domain/PlanStep.js';
import type { AccessStore } from '../ports/AccessStore.js';
import type { StepStore } from '../ports/StepStore.js';
import { ACCOUNT_CONFLICT_MESSAGE, AccountConflictError } from './AccountConflictError.js';
import { backoffDelay } from './backoffDelay.js';
import type { ConnectorRuntime, RuntimeConnector } from './ConnectorRuntime.js';

/** What the queue should do with the message. */
export type Disposition =
  | { readonly kind: 'done'; readonly outcome: LedgerOutcome | 'duplicate' }
  | { readonly kind: 'retry'; readonly delayMs: number; readonly reason: string };

export interface StepExecutorDependencies {
  readonly connectors: ConnectorRuntime;
  readonly access: AccessStore;
  readonly steps: StepStore;
  readonly ledger: Ledger;
  readonly logger: Logger;
  readonly now?: () => Date;
  /** How long a step of a suspended app waits before it looks again (default 30 s). */
  readonly suspendedRecheckMs?: number;
}

/** What a step did in its app, and what actual access should record of it. */
interface Performed {
  readonly result: ChangeResult | undefined;
  readonly accountId?: string;
  readonly status?: AccountStatus;
  /** The account is nobody's by link (a named orphan): actual access records nothing. */
  readonly unrecorded?: true;
}

/** While an app is suspended its steps wait this long between looks. */
const SUSPENDED_RECHECK_MS = 30_000;
const SUSPENSION_CACHE_MS = 1_000;
/** SQS cannot hide a message for longer than 12 hours. */
const MAX_DELAY_MS = 12 * 3_600_000;
/** Actions that give access; a locked person gets none of them. */
const GRANTING = new Set(['createAccount', 'updateAccount', 'grant', 'transferOwnership']);
/** Actions that take the account away; skipped when a later plan wants the account again. */
const REMOVING = new Set(['disableAccount', 'deleteAccount']);

/**
 * Runs one plan step against its app, exactly once in effect: a finished step is never repeated
 * (its record says done), connector calls are idempotent (a repeat reports "unchanged"), and the
 * outcome goes to the ledger under an id derived from the step, so a crash anywhere between the call
 * and the bookkeeping ends, on redelivery, with one recorded outcome. Transient failures come back
 * as a retry with back-off (honouring Retry-After); permanent ones, or too many attempts, are
 * dead-lettered.
 *
 * Steps act on the account the person's link names. A link is recorded when Perimeter creates the
 * account, or when it takes an account the app already holds: only if no other person's link holds
 * it and the connector correlates it with the person exactly. Anything else is an
 * `account-conflict` (dead-lettered, never retried) and the account receives no call.
 */
export class StepExecutor {
  private readonly now: () => Date;
  private suspended: { apps: Set<string>; readAt: number } | undefined;

  public constructor(private readonly deps: StepExecutorDependencies) {
    this.now = deps.now ?? (() => new Date());
  }

  public async execute(step: PlanStep): Promise<Disposition> {
    const { steps, connectors } = this.deps;
    if (step.priority !== 'lockout' && (await this.isSuspended(step.app))) {
      return { kind: 'retry', delayMs: this.deps.suspendedRecheckMs ?? SUSPENDED_RECHECK_MS, reason: `${step.app} is suspended` };
    }
    const waitMs = step.notBefore ? Date.parse(step.notBefore) - this.now().getTime() : 0;
    if (waitMs > 0) return { kind: 'retry', delayMs: Math.min(waitMs, MAX_DELAY_MS), reason: 'not due yet' };
    const attempt = await steps.recordAttempt(step.stepId, this.now().toISOString());
    if (!attempt) return { kind: 'done', outcome: 'duplicate' };
    const runtime = connectors.get(step.app);
    if (!runtime) return this.deadLetter(step, attempt.attempts, `no connector "${step.app}" is configured`);
    if (GRANTING.has(step.action) || REMOVING.has(step.action)) {
      const planned = await this.deps.access.getPlanned(step.personId);
      if (GRANTING.has(step.action) && planned?.locked) return this.finish(step, 'skipped', { outcomeReason: 'person is locked by the kill switch' });
      // A rehire (or a new rule) planned after this removal wants the account: a stale disable or a
      // delayed deletion must not take it away.
      if (REMOVING.has(step.action) && step.priority !== 'lockout' && planned?.apps[step.app]?.status === 'active') {
        return this.finish(step, 'skipped', { outcomeReason: 'the person has this app again' });
      }
    }

    try {
      const { result, accountId, status, unrecorded } = await runtime.limit(() => this.perform(step, runtime));
      if (result === undefined) return this.finish(step, 'skipped', { outcomeReason: 'no account in the app' });
      if (!unrecorded) {
        await this.deps.access.applyActual(step.personId, step.app, {
          at: this.now().toISOString(),
          ...(status ? { status } : {}),
          ...(accountId ? { accountId } : {}),
          ...(step.action === 'grant' && step.entitlement ? { addEntitlement: step.entitlement } : {}),
          ...(step.action === 'revoke' && step.entitlement ? { removeEntitlement: step.entitlement } : {}),
        });
      }
      // "Unchanged" on a retry means an earlier attempt of this very step made the change.
      const outcome: LedgerOutcome = result.changed || attempt.attempts > 1 ? 'applied' : 'skipped';
      return this.finish(step, outcome, result.changed ? {} : { outcomeReason: attempt.attempts > 1 ? 'confirmed on retry' : 'already in place' });
    } catch (error) {
      return this.fail(step, attempt.attempts, runtime.config.maxAttempts, error);
    }
  }

  /** Forgets cached suspensions (this process just suspended or resumed an app). */
  public invalidateSuspensions(): void {
    this.suspended = undefined;
  }

  /** Suspension is read at most once a second, not once per step. */
  private async isSuspended(app: string): Promise<boolean> {
    const now = Date.now();
    if (!this.suspended || now - this.suspended.readAt > SUSPENSION_CACHE_MS) {
      this.suspended = { apps: new Set(await this.deps.steps.listSuspended()), readAt: now };
    }
    return this.suspended.apps.has(app);
  }

  private async perform(step: PlanStep, runtime: RuntimeConnector): Promise<Performed> {
    if (step.accountId === undefined) return this.act(step, runtime, await this.accountIdOf(step.personId, step, runtime));
    const named = await this.namedAccount(step, step.accountId, runtime);
    const performed = await this.act(step, runtime, named.accountId);
    // An account nobody's link holds is acted on and recorded nowhere as the subject's: a row with
    // an account id counts as a link (its owner could no longer claim it), and the subject's own
    // row, if a real person has one, is about another account.
    return named.held ? performed : { result: performed.result, unrecorded: true };
  }

  private async act(step: PlanStep, runtime: RuntimeConnector, accountId: string | undefined): Promise<Performed> {
    const { connector } = runtime;
    const key = step.stepId;
    const unsupported = (capability: string): never => {
      throw new ConnectorError('rejected', `${step.app} cannot ${capability}`);
    };
    if (step.action === 'createAccount') {
      if (!isAccountManager(connector)) return unsupported('create accounts');
      return this.createAndLink(step, connector);
    }
    switch (step.action) {
      case 'updateAccount': {
        if (!isAccountManager(connector)) return unsupported('update accounts');
        // The account vanished (deleted outside Perimeter) while policy still wants it: recreate.
        if (!accountId) return this.createAndLink(step, connector);
        const result = await connector.updateAccount(accountId, step.person, key);
        return { result, accountId: result.account.accountId, status: 'active' };
      }
      case 'grant':
        if (!isEntitlementProvisioner(connector)) return unsupported('grant entitlements');
        if (!accountId) throw new ConnectorError('notFound', `${step.app}: no account to grant ${step.entitlement} to`);
        return { result: await connector.grant(accountId, step.entitlement ?? '', key), accountId };
      case 'revoke':
        if (!isEntitlementProvisioner(connector)) return unsupported('revoke entitlements');
        return accountId ? { result: await connector.revoke(accountId, step.entitlement ?? '', key), accountId } : { result: undefined };
      case 'revokeSessions':
        if (!isSessionRevoker(connector)) return unsupported('revoke sessions');
        return accountId ? { result: await connector.revokeSessions(accountId, key), accountId } : { result: undefined };
      case 'disableAccount':
        if (!isAccountManager(connector)) return unsupported('disable accounts');
        return accountId ? { result: await connector.disableAccount(accountId, key), accountId, status: 'disabled' } : { result: undefined };
      case 'deleteAccount': {
        if (!isAccountManager(connector)) return unsupported('delete accounts');
        if (!accountId) return { result: undefined };
        const result = await connector.deleteAccount(accountId, key);
        // The account is gone: an app that reuses ids (a GitHub login) may give it to someone else.
        await this.deps.access.unlinkAccount(step.personId, step.app, connector.accountKey?.(accountId) ?? accountId);
        return { result, accountId, status: 'deleted' };
      }
      case 'transferOwnership': {
        if (!isOwnershipTransferrer(connector)) return unsupported('transfer ownership');
        if (!accountId) return { result: undefined };
        const target = step.transferToPersonId ? (await this.deps.access.getActual(step.transferToPersonId, step.app))?.accountId : undefined;
        if (!target) throw new ConnectorError('notFound', `${step.app}: the manager has no account to receive the data`);
        return { result: await connector.transferOwnership(accountId, target, key) };
      }
    }
  }

  /**
   * Creates the person's account and links it; an account the app already holds is linked only
   * when no other person's link holds it and the connector correlates it with the person, and is
   * re-enabled only then (a returning person's own account).
   */
  private async createAndLink(
    step: PlanStep,
    connector: Connector & AccountManager,
  ): Promise<{ result: ChangeResult; accountId: string; status: AccountStatus }> {
    const { access } = this.deps;
    const linkKey = (accountId: string): string => linkKeyOf(connector, accountId);
    const linked = await this.enableLinkedAccount(step, connector);
    if (linked) return linked;
    // An app whose ids come from the person (a GitHub login) would otherwise be asked to create,
    // or re-invite, an account another person's link holds.
    const planned = connector.plannedAccountId?.(step.person);
    if (planned !== undefined) await this.refuseOthersAccount(step, planned, await access.accountHolder(step.app, linkKey(planned)));
    const created = await connector.createAccount(step.person, step.stepId);
    const { accountId } = created.account;
    if (created.existing) {
      const holder = await access.accountHolder(step.app, linkKey(accountId));
      await this.refuseOthersAccount(step, accountId, holder);
      if (holder === undefined && !connector.correlates(created.account, step.person)) {
        throw new AccountConflictError(
          step.app,
          accountId,
          `${step.app}: the app answered "already exists" with account ${accountId}, which is not the person's by the connector's correlation attribute (the app folds identifiers Perimeter tells apart); the account was not touched`,
        );
      }
    }
    const link = await access.linkAccount(step.personId, step.app, linkKey(accountId), this.now().toISOString());
    if (!link.linked) await this.refuseOthersAccount(step, accountId, link.holder);
    // A person's link names one account: the one their earlier account (gone from the app) had is released.
    const previous = (await access.getActual(step.personId, step.app))?.accountId;
    if (previous !== undefined && linkKey(previous) !== linkKey(accountId)) await access.unlinkAccount(step.personId, step.app, linkKey(previous));
    if (!created.existing || created.account.active) return { result: created, accountId, status: 'active' };
    return { result: await connector.enableAccount(accountId, step.stepId), accountId, status: 'active' };
  }

  /**
   * The account the person's link already names (an imported account, or one disabled earlier), made
   * active rather than created again: an app keyed by something other than what Perimeter would
   * create (an imported `ada-crm`) would otherwise get a second account for the same person. A
   * linked account the app no longer has is left to the create that follows.
   */
  private async enableLinkedAccount(
    step: PlanStep,
    connector: Connector & AccountManager,
  ): Promise<{ result: ChangeResult; accountId: string; status: AccountStatus } | undefined> {
    const held = await this.heldAccount(step, connector);
    if (held === undefined) return undefined;
    try {
      const result = await connector.enableAccount(held, step.stepId);
      return { result, accountId: held, status: 'active' };
    } catch (error) {
      if (error instanceof ConnectorError && error.kind === 'notFound') return undefined;
      throw error;
    }
  }

  /**
   * The account the person's actual access names, its link held already or claimed now (a row from
   * before links were records): a row that an older Perimeter adopted from another person's account
   * is refused, not acted on. Undefined when the person has no account, or it was deleted.
   */
  private async heldAccount(step: PlanStep, connector: Connector): Promise<string | undefined> {
    const known = await this.deps.access.getActual(step.personId, step.app);
    if (!known?.accountId || known.status === 'deleted') return undefined;
    const link = await this.deps.access.linkAccount(step.personId, step.app, linkKeyOf(connector, known.accountId), this.now().toISOString());
    if (!link.linked) await this.refuseOthersAccount(step, known.accountId, link.holder);
    return known.accountId;
  }

  private async refuseOthersAccount(step: PlanStep, accountId: string, holder: string | undefined): Promise<void> {
    if (holder === undefined || holder === step.personId) return;
    throw new AccountConflictError(
      step.app,
      accountId,
      `${step.app}: account ${accountId} is linked to person ${holder}, not to person ${step.personId}; the account was not touched`,
      holder,
    );
  }

  /**
   * The account a step names (reconciliation's orphans), acted on without asking the app to find
   * it from the person: refused, untouched, when another person's link holds it (it was linked
   * after the step was planned). `held` says whether the step's own person holds it.
   */
  private async namedAccount(step: PlanStep, accountId: string, runtime: RuntimeConnector): Promise<{ accountId: string; held: boolean }> {
    const holder = await this.deps.access.accountHolder(step.app, linkKeyOf(runtime.connector, accountId));
    await this.refuseOthersAccount(step, accountId, holder);
    return { accountId, held: holder !== undefined };
  }

  /**
   * The app's id for the person's account: their link, else one the app finds for them that no
   * other person's link holds and that correlates with them exactly (then linked). A folding app
   * finds a look-alike's "account" in another person's; that one is never returned. Costs one
   * conditional write per step on a recorded account (the link claim, a no-op once held).
   */
  private async accountIdOf(personId: string, step: PlanStep, runtime: RuntimeConnector): Promise<string | undefined> {
    const { access } = this.deps;
    const { connector } = runtime;
    const held = await this.heldAccount(step, connector);
    if (held !== undefined) return held;
    if (!isAccountManager(connector)) return undefined;
    const found = await connector.findAccount(step.person);
    if (!found) return undefined;
    const linkKey = linkKeyOf(connector, found.accountId);
    const holder = await access.accountHolder(step.app, linkKey);
    if (holder === personId) return found.accountId;
    if (holder !== undefined || !connector.correlates(found, step.person)) return undefined;
    const link = await access.linkAccount(personId, step.app, linkKey, this.now().toISOString());
    return link.linked ? found.accountId : undefined;
  }

  private async fail(step: PlanStep, attempts: number, maxAttempts: number, error: unknown): Promise<Disposition> {
    if (error instanceof AccountConflictError) return this.accountConflict(step, attempts, error);
    const connectorError = error instanceof ConnectorError ? error : undefined;
    // Our own store or an unexpected bug: retry, the message is safe on the queue.
    const retryable = connectorError ? connectorError.retryable : true;
    const description = connectorError ? `${connectorError.kind}: ${connectorError.message}` : `internal: ${(error as Error).message}`;
    await this.deps.steps.recordFailure(step.stepId, description);
    if (!retryable || attempts >= maxAttempts) {
      return this.deadLetter(step, attempts, description);
    }
    if (attempts === 1) await this.record(step, 'failed', { error: description, attempt: attempts });
    this.deps.logger.warn('Step failed; will retry', { stepId: step.stepId, app: step.app, action: step.action, attempts, error: description });
    return { kind: 'retry', delayMs: backoffDelay(attempts, connectorError?.retryAfterMs), reason: description };
  }

  /** Never retried: the link or the app's data must change first, which is an operator's act. */
  private async accountConflict(step: PlanStep, attempts: number, error: AccountConflictError): Promise<Disposition> {
    const description = `${error.failure}: ${error.message}`;
    await this.deps.steps.recordFailure(step.stepId, description);
    // Its own log line, so an alarm can count account conflicts apart from other dead letters.
    this.deps.logger.error(ACCOUNT_CONFLICT_MESSAGE, {
      stepId: step.stepId,
      app: step.app,
      action: step.action,
      personId: step.personId,
      accountId: error.accountId,
      ...(error.holder ? { holder: error.holder } : {}),
    });
    return this.deadLetter(step, attempts, description, { failure: error.failure, accountId: error.accountId, ...(error.holder ? { holder: error.holder } : {}) });
  }

  private async deadLetter(step: PlanStep, attempts: number, error: string, detail: Record<string, unknown> = {}): Promise<Disposition> {
    const at = this.now().toISOString();
    await this.record(step, 'dead-lettered', { error, attempts, ...detail });
    await this.deps.steps.deadLetter({ step, deadLetteredAt: at, attempts, error });
    this.deps.logger.error('Step dead-lettered', { stepId: step.stepId, app: step.app, action: step.action, attempts, error });
    return { kind: 'done', outcome: 'dead-lettered' };
  }

  private async finish(step: PlanStep, outcome: LedgerOutcome, detail: Record<string, unknown>): Promise<Disposition> {
    await this.record(step, outcome, detail);
    await this.deps.steps.markDone(step.stepId, outcome);
    return { kind: 'done', outcome };
  }

  /** One ledger event per step outcome, de-duplicated by an id derived from the step. */
  private async record(step: PlanStep, outcome: LedgerOutcome, detail: Record<string, unknown>): Promise<void> {
    await this.deps.ledger.append(
      {
        eventId: `${step.stepId}:${outcome}`,
        // Steps of one person in one app run in order, so their chain never sees two writers.
        chain: `access#${step.personId}#${step.app}`,
        type: `step.${step.action}`,
        occurredAt: this.now().toISOString(),
        source: { channel: 'system', actor: 'fanout', operation: step.reason },
        outcome,
        personId: step.personId,
        app: step.app,
        ...(step.entitlement ? { entitlement: step.entitlement } : {}),
        ...(step.rules.length ? { rule: step.rules.join(',') } : {}),
        detail: { stepId: step.stepId, lifecycleEventId: step.eventId, reason: step.reason, ...(step.accountId !== undefined ? { accountId: step.accountId } : {}), ...detail },
      },
      { dedupeSince: step.plannedAt },
    );
  }
}
