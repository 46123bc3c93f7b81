import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { BOOTSTRAP_TOKEN_NAME, generateToken } from '@airlock/auth';
import {
  AirlockProcess,
  buildImage,
  buildSignature,
  ImagePusher,
  RegistryFixture,
  type TestDatabase,
  type TestRedis,
} from '@airlock/testing';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { AirlockApi, startTestApi, stopTestApi } from './support/airlock-api';

const ROOT = join(__dirname, '..', '..', '..');
/** Screenshots of every view, for people and for docs/ui.md. */
const SHOTS = join(ROOT, '.ci', 'out', 'ui');

/**
 * The web UI in a real browser (Debian's Chromium driven by playwright-core) against a real
 * Airlock — API and worker processes, two registries, Postgres, Redis: an approver approves on
 * the board, CI promotes with the plan shown first and watches it land, four-eyes refuses an
 * admin's approval of their own image, a reader sees no enabled write control, and every view
 * passes axe without serious or critical violations.
 */
describe('the web UI in Chromium', () => {
  const adminToken = generateToken();
  let db: TestDatabase;
  let redis: TestRedis;
  let api: AirlockApi;
  let worker: AirlockProcess;
  let ciRegistry: RegistryFixture;
  let prodRegistry: RegistryFixture;
  let browser: Browser;
  const tokens: Record<'ci' | 'approver' | 'reader', string> = { ci: '', approver: '', reader: '' };
  let appDigest: string;
  let ownDigest: string;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    [ciRegistry, prodRegistry] = await Promise.all([
      RegistryFixture.start({ auth: 'none', name: 'ui-ci' }),
      RegistryFixture.start({ auth: 'none', name: 'ui-prod' }),
    ]);
    ({ db, redis, api } = await startTestApi('web-ui', adminToken));
    worker = AirlockProcess.start('worker', {
      AIRLOCK_DATABASE_URL: db.url,
      AIRLOCK_REDIS_URL: redis.url,
      AIRLOCK_REDIS_PREFIX: redis.prefix,
    });
    await worker.waitForLog(/worker consuming queues/);
    const admin = async (method: string, path: string, body: unknown) =>
      expect((await api.call(method, path, { token: adminToken, body })).status).toBeLessThan(300);
    await admin('POST', '/api/v1/registries', { name: 'ci-pool', url: ciRegistry.url, role: 'ci' });
    await admin('POST', '/api/v1/registries', {
      name: 'prod-eu',
      url: prodRegistry.url,
      role: 'prod',
    });
    await admin('POST', '/api/v1/stages', { name: 'ci', position: 1, registries: ['ci-pool'] });
    await admin('POST', '/api/v1/stages', { name: 'prod', position: 2, registries: ['prod-eu'] });
    await admin('PUT', '/api/v1/stages/prod/policy', {
      allowedSourceStages: ['ci'],
      requiredGates: ['unit-tests'],
      approvalsRequired: 1,
    });
    for (const role of ['ci', 'approver', 'reader'] as const)
      tokens[role] = (
        await api.call<{ token: string }>('POST', '/api/v1/tokens', {
          token: adminToken,
          body: { name: `${role}-person`, role },
        })
      ).body.token;
    const pusher = new ImagePusher(ciRegistry);
    try {
      const app = buildImage({ layers: [{ size: 4096 }] });
      appDigest = (await pusher.push('shop/app', app, ['1.0'])).digest;
      await pusher.pushReferrer('shop/app', buildSignature(app));
      ownDigest = (
        await pusher.push('shop/tool', buildImage({ layers: [{ size: 2048 }] }), ['0.1'])
      ).digest;
    } finally {
      pusher.close();
    }
    const register = (token: string, repository: string) =>
      api.call('POST', '/api/v1/images', {
        token,
        body: {
          registry: 'ci-pool',
          repository,
          tag: repository === 'shop/app' ? '1.0' : '0.1',
          build: { url: 'https://ci.example/build/42' },
        },
      });
    expect((await register(tokens.ci, 'shop/app')).status).toBe(201);
    // Registered by the admin: four-eyes refuses the admin's own approval of it.
    expect((await register(adminToken, 'shop/tool')).status).toBe(201);
    for (const digest of [appDigest, ownDigest])
      await api.call('POST', `/api/v1/gates/${digest}/results`, {
        token: tokens.ci,
        body: { gate: 'unit-tests', status: 'passed', url: 'https://ci.example/build/42/tests' },
      });

    mkdirSync(SHOTS, { recursive: true });
    // playwright gives every launch a fresh, empty user-data-dir of its own.
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await worker?.stop();
    await stopTestApi({ api, redis, db });
    await ciRegistry?.stop();
    await prodRegistry?.stop();
  });

  /** A fresh browser context (its own sessionStorage), signed in with `token`. */
  async function signedIn(
    token: string,
    name: string,
  ): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    page.on('console', (message) => {
      // Chromium logs every 4xx answer as an error; the four-eyes refusal (403) is one the
      // test asks for, and the page shows it as the problem.
      if (/status of 403/.test(message.text())) return;
      if (message.type() === 'error' || message.type() === 'warning')
        consoleErrors.push(`${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => consoleErrors.push(`pageerror: ${error.message}`));
    await page.goto(`${api.base}/`);
    await page.waitForURL(/\/sign-in/);
    await page.getByLabel('API token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // Signed in once the header names the principal with its role: the name alone also matches
    // the sign-in page's own text for "admin" ("An admin creates tokens …"), and a navigation
    // made before the token is stored lands back on the sign-in page.
    await page.getByText(new RegExp(`^${name} \\(\\w+\\)$`)).waitFor();
    return { context, page };
  }

  async function checkView(page: Page, shot: string): Promise<void> {
    await page.screenshot({ path: join(SHOTS, `${shot}.png`), fullPage: true });
    const { violations } = await new AxeBuilder({ page }).analyze();
    const grave = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(
      grave.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`),
    ).toEqual([]);
  }

  const column = (page: Page, stage: string) =>
    page.getByRole('region', { name: stage, exact: true });
  const card = (page: Page, stage: string, repository: string) =>
    column(page, stage).getByRole('article').filter({ hasText: repository });

  it('approver: the board shows the missing approval in words; approving makes the image ready', async () => {
    const { context, page } = await signedIn(tokens.approver, 'approver-person');
    const app = card(page, 'ci', 'shop/app');
    await app
      .getByText(/approval/i)
      .first()
      .waitFor();
    await checkView(page, 'board');
    await app.getByRole('button', { name: 'Approve' }).click();
    await app.getByText('Ready for prod', { exact: true }).waitFor();
    await context.close();
  });

  it('admin: four-eyes refuses the approval of an image the admin registered, shown as the problem', async () => {
    const { context, page } = await signedIn(adminToken, BOOTSTRAP_TOKEN_NAME);
    await page.goto(`${api.base}/images/${ownDigest}`);
    await page.getByRole('button', { name: 'Approve' }).click();
    await page
      .getByText(/four-eyes|registered/i)
      .first()
      .waitFor();
    await checkView(page, 'image-refused');
    await context.close();
  });

  it('ci: promotes with the plan shown first and watches it land; the image appears in the Prod column', async () => {
    const { context, page } = await signedIn(tokens.ci, 'ci-person');
    await page.goto(`${api.base}/images/${appDigest}`);
    await page.getByText('unit-tests').first().waitFor();
    // Its signature, read from the CI registry, named as people know it.
    const referrers = page.getByRole('table', { name: /^Referrers at ci-pool · shop\/app/ });
    await referrers.getByRole('cell', { name: 'Signature', exact: true }).waitFor();
    await checkView(page, 'image');
    await page.getByRole('link', { name: 'Promote shop/app' }).click();
    await page.getByLabel('Source stage').selectOption('ci');
    await page.getByLabel('Target stage').selectOption('prod');
    await expect(
      page.getByRole('button', { name: 'Confirm promotion' }).isDisabled(),
    ).resolves.toBe(true);
    await page.getByRole('button', { name: 'Show plan' }).click();
    await page.getByText('prod-eu').first().waitFor();
    await checkView(page, 'promote-plan');
    const requested: string[] = [];
    page.on('request', (r) => requested.push(new URL(r.url()).pathname));
    await page.getByRole('button', { name: 'Confirm promotion' }).click();
    await page.waitForURL(/\/promotions\/[0-9a-f-]{36}$/);
    await page
      .getByTestId('promotion-status')
      .filter({ hasText: 'succeeded' })
      .waitFor({ timeout: 30000 });
    await checkView(page, 'promotion');
    // Followed through its event stream (polling is only the fallback).
    const id = new URL(page.url()).pathname.split('/').at(-1)!;
    expect(requested).toContain(`/api/v1/promotions/${id}/events`);
    await page.goto(`${api.base}/`);
    await card(page, 'prod', 'shop/app').waitFor();
    await context.close();
  });

  it('ci: puts a release together on the board, sees every item judged, and confirms it', async () => {
    const { context, page } = await signedIn(tokens.ci, 'ci-person');
    const choose = async (repository: string) => {
      await page.goto(`${api.base}/`);
      await column(page, 'ci').getByLabel(`Include ${repository} in a release`).check();
      await column(page, 'ci')
        .getByRole('button', { name: 'Promote 1 selected to prod as a release' })
        .click();
      await page.waitForURL(/\/releases\/new\?/);
      await page.getByRole('button', { name: 'Show plan' }).click();
    };
    // shop/tool lacks its approval: the plan says so and Confirm stays disabled.
    await choose('shop/tool');
    await page.getByRole('heading', { name: 'Plan: not every item is admitted' }).waitFor();
    await expect(page.getByRole('button', { name: 'Confirm release' }).isDisabled()).resolves.toBe(
      true,
    );
    await choose('shop/app');
    await page.getByRole('heading', { name: 'Plan: every item is admitted' }).waitFor();
    await checkView(page, 'release-plan');
    await page.getByRole('button', { name: 'Confirm release' }).click();
    await page.waitForURL(/\/releases\/[0-9a-f-]{36}$/);
    await page
      .getByTestId('release-status')
      .filter({ hasText: 'succeeded' })
      .waitFor({ timeout: 30000 });
    await checkView(page, 'release');
    await context.close();
  });

  it('reader: sees every view, and no write control is enabled', async () => {
    const { context, page } = await signedIn(tokens.reader, 'reader-person');
    await card(page, 'ci', 'shop/app').waitFor();
    const writes = [
      'Approve',
      'Promote',
      'Cancel',
      'Retry',
      'Check connection',
      'Confirm promotion',
    ];
    const enabled = async () => {
      const found: string[] = [];
      for (const name of writes)
        for (const control of await page.getByRole('button', { name, exact: true }).all())
          if (await control.isEnabled()) found.push(name);
      return found;
    };
    expect(await enabled()).toEqual([]);
    for (const [path, shot] of [
      ['/promotions', 'promotions'],
      ['/releases', 'releases'],
      ['/drift', 'drift'],
      ['/archive', 'archive'],
      ['/audit', 'audit'],
      ['/registries', 'registries'],
      [`/images/${appDigest}`, 'image-reader'],
    ] as const) {
      await page.goto(`${api.base}${path}`);
      await page.getByRole('heading', { level: 1 }).waitFor();
      await page.waitForLoadState('networkidle');
      expect(await enabled()).toEqual([]);
      await checkView(page, shot);
    }
    // A reader may verify the audit log's chain (it changes nothing).
    await page.goto(`${api.base}/audit`);
    await page.getByRole('button', { name: 'Verify the chain' }).click();
    await page.getByText(/^The chain holds: \d+ entries checked\./).waitFor();
    await checkView(page, 'audit-verified');
    // Narrow window: the board still renders its columns.
    await page.setViewportSize({ width: 420, height: 800 });
    await page.goto(`${api.base}/`);
    await card(page, 'ci', 'shop/app').waitFor();
    await page.screenshot({ path: join(SHOTS, 'board-narrow.png'), fullPage: true });
    await context.close();
  });

  it('logged no console error or warning in any view', () => {
    expect(consoleErrors).toEqual([]);
  });
});
