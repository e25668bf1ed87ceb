import { test, expect, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { signIn } from './fixtures/app';

const ACME = 'org_acmeTravel000001';
const SUPPORT = 'org_travel0Support01';
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];
const MODES = [
  { name: 'desktop light', viewport: { width: 1440, height: 900 }, colorScheme: 'light' as const },
  { name: 'desktop dark', viewport: { width: 1440, height: 900 }, colorScheme: 'dark' as const },
  { name: 'phone light', viewport: { width: 390, height: 844 }, colorScheme: 'light' as const },
  { name: 'phone dark', viewport: { width: 390, height: 844 }, colorScheme: 'dark' as const },
];

/** Every page in every mode: zero WCAG 2.2 AA violations axe can find. */
async function audit(page: Page, paths: string[]) {
  const found: string[] = [];
  for (const mode of MODES) {
    await page.setViewportSize(mode.viewport);
    await page.emulateMedia({ colorScheme: mode.colorScheme });
    for (const path of paths) {
      await page.goto(path);
      await page.waitForLoadState('networkidle');
      const result = await new AxeBuilder({ page }).withTags(TAGS).analyze();
      for (const v of result.violations) {
        found.push(`${mode.name} ${path}: ${v.id} (${v.nodes.length}) ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
      }
    }
  }
  expect(found, found.join('\n')).toEqual([]);
}

async function call(page: Page, name: string, body: object) {
  const base = new URL(page.url()).origin;
  const r = await page.request.post(`/api/${name}`, {
    headers: { origin: base, 'content-type': 'application/json' },
    data: JSON.stringify(body),
  });
  expect(r.status(), `${name}: ${await r.text()}`).toBe(200);
  return r.json();
}

test('the desk, light and dark, desktop and phone', async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page, 'alice@acme.example', ACME);
  const bot = await call(page, 'bots/register', {
    org_id: ACME, name: 'Audited bot', description: 'checked by axe', audience: 'https://api.travel0.example/',
    scopes: ['read:bookings'], idempotency_key: `${Date.now()}-a11y-bot`,
  });
  await call(page, 'apps/publish', {
    org_id: ACME, client_id: bot.client_id, description: 'An app axe looks at', audience: 'https://api.travel0.example/', scopes: ['read:bookings'],
  });
  await call(page, 'invitations/create', { org_id: ACME, email: `axe-${Date.now()}@acme.example`, roles: ['rol_orgdeskMember001'], days: 7 });
  await audit(page, [
    `/orgs/${ACME}`, `/orgs/${ACME}/bots`, `/orgs/${ACME}/bots/${bot.client_id}`, `/orgs/${ACME}/members`,
    `/orgs/${ACME}/invitations`, `/orgs/${ACME}/apps`, `/orgs/${ACME}/audit`, `/orgs/${ACME}/settings`, `/orgs/${ACME}/reviews`, `/orgs/${ACME}/webhooks`, '/developers/api', '/rules',
  ]);
});

test('the support console, light and dark, desktop and phone', async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page, 'sam@travel0.example', SUPPORT, /\/support$/);
  await audit(page, ['/support', '/support?report=open-grants', '/support?report=apps', '/support?report=access-reviews', `/support/orgs/${ACME}`]);
});

test('signed out: the landing, rules, a missing page and an install link', async ({ page, browser, baseURL }) => {
  test.setTimeout(120_000);
  const admin = await browser.newPage({ baseURL });
  await signIn(admin, 'alice@acme.example', ACME);
  const bot = await call(admin, 'bots/register', {
    org_id: ACME, name: 'Public app bot', description: '', audience: 'https://api.travel0.example/',
    scopes: ['read:bookings'], idempotency_key: `${Date.now()}-a11y-public`,
  });
  const app = await call(admin, 'apps/publish', {
    org_id: ACME, client_id: bot.client_id, description: 'Visible before signing in', audience: 'https://api.travel0.example/', scopes: ['read:bookings'],
  });
  await admin.close();
  await audit(page, ['/', '/rules', '/onboarding', '/no/such/page', `/apps/${app.app_id}`]);
});
