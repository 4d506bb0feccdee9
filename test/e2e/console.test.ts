import { readFile } from 'node:fs/promises';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../lib/connector-sdk/ConnectorError.js';
import { hashToken } from '../../lib/auth/hashToken.js';
import { parsePerimeterConfig } from '../../lib/config/loadPerimeterConfig.js';
import type { LedgerEvent } from '../../lib/domain/LedgerEvent.js';
import { TABLE_NAMES } from '../../local/startPerimeter.js';
import { TOKEN_SECRETS } from '../../local/resolveLocalTokens.js';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '../../local/startEmbeddedDynamo.js';
import type { MemoryApp} from '../fakes/MemoryConnector.js';
import { memoryConnectorDefinition } from '../fakes/MemoryConnector.js';
import { startTestPerimeter, type TestPerimeter } from '../support/startTestPerimeter.js';
import { untilClockPasses } from '../support/untilClockPasses.js';
import { type Chromium, launchChromium, screenshot } from './support/launchChromium.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
/** A read-only auditor token, added to the local token store the way `token new --auditor --local` does. */
const AUDITOR_TOKEN = 'prm_auditor_e2e-console-0123456789abcdef';

/**
 * What the page-side functions below touch. They run in Chromium, but the project compiles without
 * the DOM library (Node only), so they see the page's globals through this narrow view.
 */
interface FocusedElement {
  readonly tagName: string;
  readonly textContent: string | null;
  readonly labels?: ArrayLike<{ readonly textContent: string | null }> | null;
}
interface PageGlobals {
  readonly document: { readonly activeElement: FocusedElement | null; readonly body: unknown };
  getComputedStyle(element: unknown): { readonly outlineStyle: string; readonly display: string };
  readonly localStorage: { readonly length: number };
  readonly sessionStorage: Record<string, string>;
  readonly location: { readonly href: string };
  readonly __inlineRan?: boolean;
}

interface Person {
  readonly id: string;
  readonly userName: string;
  readonly displayName: string;
}

describe('the auditor console, in headless Chromium, on a real test instance', () => {
  const apps = new Map<string, MemoryApp>();
  let embedded: EmbeddedDynamo;
  let perimeter: TestPerimeter;
  let chromium: Chromium;
  let joiner: Person;
  let mover: Person;
  let leaver: Person;
  let failed: Person;
  /** When the leaver's termination was recorded. */
  let terminatedAt: string;

  const consoleUrl = (): string => `${perimeter.url}/console`;
  const settle = (): Promise<void> => perimeter.queue.drained();

  async function createPerson(displayName: string, department: string): Promise<Person> {
    const userName = `${displayName.toLowerCase().replace(/\s+/g, '.')}@example.com`;
    const created = await perimeter.scim('/Users', {
      method: 'POST',
      body: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE], userName, displayName, active: true, [ENTERPRISE]: { department } },
    });
    expect(created.status).toBe(201);
    return { id: created.body.id, userName, displayName };
  }

  async function patch(personId: string, operation: Record<string, unknown>): Promise<void> {
    const reply = await perimeter.scim(`/Users/${personId}`, { method: 'PATCH', body: { schemas: [PATCH], Operations: [operation] } });
    expect(reply.status).toBe(200);
  }

  beforeAll(async () => {
    // Our own embedded engine, so the test can reach the ledger table directly (to tamper with it).
    embedded = await startEmbeddedDynamo();
    const config = parsePerimeterConfig(
      {
        connectors: [
          { id: 'chat', type: 'memory', maxAttempts: 2 },
          { id: 'code', type: 'memory', maxAttempts: 2 },
        ],
        policy: {
          rules: [
            { id: 'everyone-chat', when: {}, grant: [{ app: 'chat' }] },
            { id: 'eng-code', when: { department: 'Engineering' }, grant: [{ app: 'code', entitlements: ['team:eng'] }] },
            { id: 'sales-code', when: { department: ['Sales'] }, grant: [{ app: 'code', entitlements: ['team:sales'] }] },
          ],
        },
        leaver: { default: { actions: ['revokeSessions', 'revokeEntitlements', 'disable'] } },
      },
      'e2e',
    );
    perimeter = await startTestPerimeter({ config, registry: new Map([['memory', memoryConnectorDefinition(apps)]]), dynamodbEndpoint: embedded.endpoint, dynamodbCredentials: embedded.credentials });
    await perimeter.stores.secrets.putSecretValue(TOKEN_SECRETS.auditor, JSON.stringify({ tokens: [{ label: 'e2e-auditor', sha256: hashToken(AUDITOR_TOKEN) }] }));

    // A joiner, a mover (Engineering → Sales) and a leaver, through the SCIM API.
    joiner = await createPerson('Jo Joiner', 'Engineering');
    mover = await createPerson('Mo Mover', 'Engineering');
    leaver = await createPerson('Lena Leaver', 'Engineering');
    await settle();
    await patch(mover.id, { op: 'replace', path: `${ENTERPRISE}:department`, value: 'Sales' });
    await settle();
    // The termination lands in a later second than the grants, so "as of" can name a time between.
    await untilClockPasses(Date.now(), 1_000);
    await patch(leaver.id, { op: 'Replace', path: 'active', value: 'False' });
    await settle();
    const leaverEvent = (await perimeter.stores.ledger.forPerson(leaver.id)).find((e) => e.type === 'lifecycle.leaver');
    terminatedAt = leaverEvent?.recordedAt ?? '';
    // One dead letter: the code app rejects an account for good.
    (apps.get('code') as MemoryApp).failNext = { error: new ConnectorError('rejected', 'code: HTTP 422', { status: 422 }), times: 1 };
    failed = await createPerson('Dee Deadletter', 'Engineering');
    await settle();

    chromium = await launchChromium();
  }, 90_000);

  afterAll(async () => {
    await chromium?.close();
    await perimeter?.stop();
    await embedded?.close();
  });

  /** Uncaught errors in the console's own script, from every page a test opened. */
  const pageErrors: string[] = [];
  afterEach(() => {
    const errors = pageErrors.splice(0);
    expect(errors).toEqual([]);
  });

  async function openConsole(): Promise<Page> {
    const page = await chromium.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(consoleUrl());
    return page;
  }

  async function signIn(page: Page, token = AUDITOR_TOKEN): Promise<void> {
    await page.getByLabel('Auditor or admin bearer token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Search people and apps' }).waitFor();
  }

  /** The cells of the timeline row for one ledger event (rows carry their chain and seq). */
  async function timelineRow(page: Page, event: LedgerEvent): Promise<string[]> {
    const row = page.locator(`table.timeline tr[data-chain="${event.chain}"][data-seq="${event.seq}"]`);
    await row.waitFor();
    return row.locator('th, td').allInnerTexts();
  }

  it('finds the leaver, shows every grant and revocation with its rule and source, access as of before the termination, a CSV export and an intact chain', async () => {
    // Prepare
    const page = await openConsole();
    await page.getByLabel('Auditor or admin bearer token').waitFor();
    await screenshot(page, '01-sign-in');
    const history = await perimeter.stores.ledger.forPerson(leaver.id);
    const lifecycle = new Map(history.filter((e) => e.type.startsWith('lifecycle.')).map((e) => [e.eventId, e]));
    const changes = history.filter((e) => e.type === 'step.grant' || e.type === 'step.revoke');
    const asOf = `${terminatedAt.slice(0, 19)}`; // the termination's second, truncated: before it

    // Act: sign in, search, open the person
    await signIn(page);
    await page.getByLabel('Name, user name, email, id or app').fill('leaver');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const result = page.getByRole('link', { name: 'Lena Leaver' });
    await result.waitFor();
    await screenshot(page, '02-search');
    await result.click();
    await page.getByRole('heading', { level: 1, name: 'Lena Leaver' }).waitFor();
    const current = await page.getByRole('table', { name: 'Current access per app' }).locator('tbody tr').allInnerTexts();
    const rows = [];
    for (const event of changes) rows.push({ event, cells: await timelineRow(page, event) });

    // Act: access as of a time before the termination
    await page.getByLabel('Access as of').fill(asOf);
    await page.getByRole('button', { name: 'Show access' }).click();
    const asOfTable = page.getByRole('table', { name: /^Access as of / });
    await asOfTable.waitFor();
    const asOfRows = await asOfTable.locator('tbody tr').allInnerTexts();
    await screenshot(page, '03-person');

    // Act: export CSV
    const downloading = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export CSV' }).click();
    const download = await downloading;
    const csv = await readFile((await download.path()) ?? '', 'utf8');

    // Act: chain status
    await page.getByRole('navigation', { name: 'Audit views' }).getByRole('link', { name: 'Chain status' }).click();
    const verdict = page.locator('.verdict');
    await verdict.waitFor();
    const verdictText = await verdict.innerText();
    await screenshot(page, '04-chain-intact');
    await page.close();

    // Assess: current access
    expect(current).toEqual([expect.stringMatching(/^chat\s+disabled\s+none/), expect.stringMatching(/^code\s+disabled\s+none/)]);
    // Assess: every grant and revocation, with its rule and its source lifecycle event (channel, actor, request)
    expect(changes.map((e) => [e.type, e.app, e.entitlement])).toEqual(
      expect.arrayContaining([
        ['step.grant', 'code', 'team:eng'],
        ['step.revoke', 'code', 'team:eng'],
      ]),
    );
    for (const { event, cells } of rows) {
      const source = lifecycle.get(String(event.detail?.lifecycleEventId));
      const [time, type, app, entitlement, outcome, rule, sourceCell] = cells;
      expect(time).toBe(`${event.recordedAt.replace('T', ' ')}`.replace(/\.000Z$/, 'Z'));
      expect([type, app, entitlement, outcome]).toEqual([event.type, event.app, event.entitlement, event.outcome]);
      expect(rule).toBe(event.rule ? event.rule.split(',').join('\n') : '');
      expect(source?.type).toBe(event.type === 'step.grant' ? 'lifecycle.joiner' : 'lifecycle.leaver');
      expect(sourceCell).toContain(source?.type);
      expect(sourceCell).toContain(`scim · ${source?.source.actor} · request ${source?.source.requestId}`);
    }
    expect(rows.find((r) => r.event.type === 'step.grant')?.cells[5]).toBe('eng-code');
    // Assess: before the termination, the old access
    expect(asOfRows).toEqual([expect.stringMatching(/^chat\s+active/), expect.stringMatching(/^code\s+active\s+team:eng granted .* by eng-code/)]);
    // Assess: the CSV holds the grants
    const lines = csv.trim().split(/\r?\n/);
    const grants = lines.filter((line) => line.includes('step.grant'));
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    expect(grants.length).toBe(changes.filter((e) => e.type === 'step.grant').length);
    expect(grants.every((line) => line.includes(leaver.id) && line.includes('team:eng') && line.includes('eng-code'))).toBe(true);
    // Assess: the chain holds
    expect(verdictText).toMatch(/^Intact\./);
  });

  it('shows the access matrix, an app with who has access now and as of a time, and failures with the dead letter', async () => {
    // Prepare
    const page = await openConsole();
    await signIn(page);
    const nav = page.getByRole('navigation', { name: 'Audit views' });

    // Act: the matrix
    await nav.getByRole('link', { name: 'Access matrix' }).click();
    const matrix = page.getByRole('table', { name: /^Current access: people/ });
    await matrix.waitFor();
    const columns = await matrix.locator('thead th').allInnerTexts();
    const moverRow = await matrix.getByRole('row', { name: new RegExp(mover.userName) }).locator('th, td').allInnerTexts();
    await screenshot(page, '05-matrix');

    // Act: an app, now and as of before the termination
    await matrix.getByRole('link', { name: 'code', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'App code' }).waitFor();
    const now = page.getByRole('table', { name: 'Access to code now' });
    await now.waitFor();
    const nowRows = await now.locator('tbody tr').allInnerTexts();
    await page.getByLabel('Who had access as of').fill(terminatedAt.slice(0, 19));
    await page.getByRole('button', { name: 'Show access' }).click();
    const before = page.getByRole('table', { name: /^Access to code as of / });
    await before.waitFor();
    const beforeRows = await before.locator('tbody tr').allInnerTexts();
    await page.getByRole('table', { name: 'Events in code, newest first' }).locator('tbody tr').first().waitFor();
    await screenshot(page, '06-app');

    // Act: failures and dead letters
    await nav.getByRole('link', { name: 'Failures' }).click();
    const failures = page.getByRole('table', { name: 'Failed and dead-lettered steps, newest first' });
    const letters = page.getByRole('table', { name: 'Steps waiting for an admin (dead letters)' });
    await letters.locator(`a[href="#/person/${failed.id}"]`).first().waitFor();
    const failureRows = await failures.locator('tbody tr').allInnerTexts();
    const letterRows = await letters.locator('tbody tr').allInnerTexts();
    await screenshot(page, '07-failures');

    // Act: the export view (a time range)
    await nav.getByRole('link', { name: 'Export' }).click();
    await page.getByRole('heading', { level: 1, name: 'Export events' }).waitFor();
    await page.getByLabel('From').fill(new Date(Date.now() - 3_600_000).toISOString().slice(0, 19));
    const downloading = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export JSON Lines' }).click();
    const jsonl = await readFile((await (await downloading).path()) ?? '', 'utf8');
    await screenshot(page, '08-export');
    await page.close();

    // Assess
    expect(columns).toEqual(['Person', 'chat', 'code']);
    expect(moverRow).toEqual([mover.userName, expect.stringMatching(/^active/), expect.stringMatching(/^active\s+team:sales$/)]);
    expect(nowRows.some((row) => row.includes(joiner.id) && row.includes('team:eng'))).toBe(true);
    expect(nowRows.some((row) => row.includes(leaver.id) && /disabled/.test(row))).toBe(true);
    expect(beforeRows.some((row) => row.includes(leaver.id) && /active\s+team:eng/.test(row))).toBe(true);
    expect(failureRows.some((row) => row.includes('step.createAccount') && row.includes(failed.id) && row.includes('dead-lettered') && row.includes('rejected'))).toBe(true);
    expect(letterRows.some((row) => row.includes('createAccount') && row.includes('code') && row.includes('rejected'))).toBe(true);
    const exported = jsonl.trim().split('\n').map((line) => JSON.parse(line) as { personId?: string; type: string });
    expect(exported.some((event) => event.personId === failed.id && event.type === 'step.createAccount')).toBe(true);
  });

  it('can be used with the keyboard alone: sign in, search, reach a result, open it', async () => {
    // Prepare
    const page = await openConsole();
    await page.getByLabel('Auditor or admin bearer token').waitFor();
    const focused = (): Promise<{ tag: string; text: string; label: string; outline: string }> =>
      page.evaluate(() => {
        const globals = globalThis as unknown as PageGlobals;
        const element = globals.document.activeElement;
        return {
          tag: element?.tagName ?? '',
          text: element?.textContent?.trim() ?? '',
          label: element?.labels?.[0]?.textContent?.trim() ?? '',
          outline: element ? globals.getComputedStyle(element).outlineStyle : '',
        };
      });
    async function tabTo(matches: (f: Awaited<ReturnType<typeof focused>>) => boolean, most = 20): Promise<{ presses: number; element: Awaited<ReturnType<typeof focused>> }> {
      for (let presses = 1; presses <= most; presses++) {
        await page.keyboard.press('Tab');
        const element = await focused();
        if (matches(element)) return { presses, element };
      }
      throw new Error(`Tab never reached the element; focus is on ${JSON.stringify(await focused())}`);
    }

    // Act
    const skip = await tabTo(() => true, 1);
    const tokenField = await tabTo((f) => f.label === 'Auditor or admin bearer token');
    await page.keyboard.type(AUDITOR_TOKEN);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Search people and apps' }).waitFor();
    const afterSignIn = await focused();
    const searchField = await tabTo((f) => f.label === 'Name, user name, email, id or app');
    await page.keyboard.type('joiner');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: '1 person' }).waitFor();
    const resultLink = await tabTo((f) => f.tag === 'A' && f.text === 'Jo Joiner');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Jo Joiner' }).waitFor();
    const onPerson = await focused();
    await screenshot(page, '09-keyboard-focus');
    await page.close();

    // Assess
    expect(skip.element.text).toBe('Skip to content');
    expect(tokenField.presses).toBeLessThanOrEqual(2);
    expect(afterSignIn).toMatchObject({ tag: 'H1', text: 'Search people and apps' });
    expect(searchField.presses).toBe(1);
    expect(resultLink.presses).toBeLessThanOrEqual(3);
    // Focus is visible: the :focus-visible outline is drawn on what the keyboard reached.
    expect(resultLink.element.outline).toBe('solid');
    expect(searchField.element.outline).toBe('solid');
    // A view change moves focus to the new view's heading, for screen readers and keyboard users.
    expect(onPerson).toMatchObject({ tag: 'H1', text: 'Jo Joiner' });
  });

  it('sends a strict CSP that blocks inline script, even when a page carries some', async () => {
    // Prepare
    const page = await chromium.newPage();
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    // Serve the real shell with its real headers, plus an inline script and an inline style.
    await page.route(`${consoleUrl()}`, async (route) => {
      const response = await route.fetch();
      const html = (await response.text()).replace('</head>', '<script>window.__inlineRan = true;</script><style>body { display: none }</style></head>');
      await route.fulfill({ response, body: html });
    });

    // Act
    const response = await page.goto(consoleUrl());
    const headers = response?.headers() ?? {};
    await page.getByLabel('Auditor or admin bearer token').waitFor();
    const inlineRan = await page.evaluate(() => (globalThis as unknown as PageGlobals).__inlineRan === true);
    const bodyDisplay = await page.evaluate(() => {
      const globals = globalThis as unknown as PageGlobals;
      return globals.getComputedStyle(globals.document.body).display;
    });
    const script = await page.request.get(`${consoleUrl()}/app.js`);
    await page.close();

    // Assess
    const csp = headers['content-security-policy'] ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'x-frame-options': 'DENY' });
    expect(script.headers()['content-type']).toBe('text/javascript; charset=utf-8');
    expect(inlineRan).toBe(false);
    expect(bodyDisplay).not.toBe('none');
    expect(violations.some((text) => /inline script/i.test(text))).toBe(true);
  });

  it('refuses a wrong token and keeps the token out of the URL and of local storage', async () => {
    // Prepare
    const page = await openConsole();

    // Act
    await page.getByLabel('Auditor or admin bearer token').fill('prm_auditor_not-a-real-token-000000');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const refused = await page.getByRole('alert').innerText();
    await signIn(page);
    const storage = await page.evaluate(() => {
      const globals = globalThis as unknown as PageGlobals;
      return { local: globals.localStorage.length, session: Object.keys(globals.sessionStorage), url: globals.location.href };
    });
    await page.close();

    // Assess
    expect(refused).toMatch(/token was refused/);
    expect(storage.local).toBe(0);
    expect(storage.session).toEqual(['perimeter.console.token']);
    expect(storage.url).not.toContain(AUDITOR_TOKEN);
  });

  it('names the chain and seq of a ledger row edited directly in DynamoDB', async () => {
    // Prepare: change the entitlement a recorded grant names, in the stored event JSON
    const grant = (await perimeter.stores.ledger.forPerson(leaver.id)).find((e) => e.type === 'step.grant' && e.app === 'code') as LedgerEvent;
    const client = new DynamoDBClient({ endpoint: embedded.endpoint, region: 'us-east-1', credentials: embedded.credentials });
    const db = DynamoDBDocumentClient.from(client);
    const key = { chain: grant.chain, seq: grant.seq };
    const stored = await db.send(new GetCommand({ TableName: TABLE_NAMES.ledger, Key: key }));
    const original = String(stored.Item?.event);
    const forged = JSON.stringify({ ...(JSON.parse(original) as LedgerEvent), entitlement: 'team:admin' });
    await db.send(new UpdateCommand({ TableName: TABLE_NAMES.ledger, Key: key, UpdateExpression: 'SET #event = :event', ExpressionAttributeNames: { '#event': 'event' }, ExpressionAttributeValues: { ':event': forged } }));
    const page = await openConsole();
    await signIn(page);

    try {
      // Act
      await page.getByRole('navigation', { name: 'Audit views' }).getByRole('link', { name: 'Chain status' }).click();
      const verdict = page.locator('.verdict');
      await verdict.waitFor();
      const verdictText = await verdict.innerText();
      const broken = await page.getByRole('table', { name: 'First broken link' }).locator('tbody tr').first().locator('th, td').allInnerTexts();
      const announced = await page.getByRole('status').innerText();
      await screenshot(page, '10-chain-broken');

      // Assess
      expect(verdictText).toMatch(new RegExp(`^Broken at ${escape(grant.chain)}, seq ${grant.seq}\\.`));
      expect(broken[0]).toBe(grant.chain);
      expect(broken[1]).toBe(String(grant.seq));
      expect(broken[2]).toMatch(/^edited/);
      expect(announced).toContain(`${grant.chain}, seq ${grant.seq}`);
    } finally {
      await page.close();
      await db.send(new UpdateCommand({ TableName: TABLE_NAMES.ledger, Key: key, UpdateExpression: 'SET #event = :event', ExpressionAttributeNames: { '#event': 'event' }, ExpressionAttributeValues: { ':event': original } }));
      client.destroy();
    }
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
