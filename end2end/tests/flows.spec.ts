import { test, expect, type Page } from '@playwright/test';
import { signIn } from './fixtures/app';

const ACME = 'org_acmeTravel000001';
const GLOBEX = 'org_globexTours00001';
const INITECH = 'org_initechTrips0001';
const API = 'https://api.travel0.example/';

async function call(page: Page, name: string, body: object) {
  const base = new URL(page.url()).origin;
  const r = await page.request.post(`/api/${name}`, {
    headers: { origin: base, 'content-type': 'application/json' },
    data: JSON.stringify(body),
  });
  return { status: r.status(), body: await r.json().catch(() => null) };
}

async function publishedApp(page: Page, org: string, name: string) {
  const bot = await call(page, 'bots/register', {
    org_id: org, name, description: '', audience: API, scopes: ['read:bookings'], idempotency_key: `${Date.now()}-${name}`,
  });
  expect(bot.status).toBe(200);
  const app = await call(page, 'apps/publish', {
    org_id: org, client_id: bot.body.client_id, description: 'Syncs bookings both ways', audience: API, scopes: ['read:bookings'],
  });
  expect(app.status).toBe(200);
  return app.body.app_id as string;
}

test('an install decision ends the page\'s choices, and the server refuses the opposite one', async ({ page, browser, baseURL }) => {
  await signIn(page, 'alice@acme.example', ACME);
  const appId = await publishedApp(page, ACME, 'Decided app');

  const globex = await browser.newPage({ baseURL });
  await signIn(globex, 'grace@globex.example', GLOBEX);
  await globex.goto(`/apps/${appId}`);
  await expect(globex.locator('main[data-ready="true"]')).toBeVisible();
  await expect(globex.getByTestId('scopes')).toContainText("Read the organization's bookings");
  await globex.getByRole('button', { name: 'Approve for Globex Tours' }).click();
  await expect(globex.getByTestId('installed')).toBeFocused();
  await expect(globex.getByRole('button', { name: 'Decline' })).toHaveCount(0);
  await expect(globex.getByRole('button', { name: /Approve/ })).toHaveCount(0);
  // The opposite decision, sent anyway, is refused with a reason, and nothing is logged as declined.
  const declined = await call(globex, 'apps/decline', { org_id: GLOBEX, app_id: appId });
  expect(declined.status).toBe(409);
  expect(declined.body.message).toContain('uninstall');

  const initech = await browser.newPage({ baseURL });
  await signIn(initech, 'ivan@initech.example', INITECH);
  await initech.goto(`/apps/${appId}`);
  await expect(initech.locator('main[data-ready="true"]')).toBeVisible();
  await initech.getByRole('button', { name: 'Decline' }).click();
  await expect(initech.getByTestId('declined')).toBeVisible();
  await expect(initech.getByRole('button', { name: /Approve|Decline/ })).toHaveCount(0);
  // Coming back later (the link opened again): the decline is remembered, and approving is still possible.
  expect(new URL(initech.url()).search).toBe('?decided=1');
  await initech.goto(`/apps/${appId}`);
  await expect(initech.getByTestId('declined-before')).toBeVisible();
  await expect(initech.getByRole('button', { name: 'Decline' })).toHaveCount(0);
  await expect(initech.getByRole('button', { name: 'Approve for Initech Trips' })).toBeVisible();
  await globex.close();
  await initech.close();
});

test('an install link opened while signed out explains the app and brings you back after sign-in', async ({ page, browser, baseURL }) => {
  const admin = await browser.newPage({ baseURL });
  await signIn(admin, 'alice@acme.example', ACME);
  const appId = await publishedApp(admin, ACME, 'Shared link app');
  await admin.close();

  const response = await page.goto(`/apps/${appId}`);
  expect(response?.status()).toBe(200);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Shared link app');
  await expect(page.getByTestId('publisher')).toHaveText('Acme Travel');
  await expect(page.getByText('Your session has ended')).toHaveCount(0);
  await page.getByRole('link', { name: 'Sign in to decide' }).click();
  await page.getByLabel('Email address').fill('grace@globex.example');
  await page.getByLabel('Password').fill('Travel0-demo!');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page).toHaveURL(new RegExp(`/apps/${appId}$`));
  await expect(page.getByRole('button', { name: 'Approve for Globex Tours' })).toBeVisible();
});

test('registering before the bundle arrives posts as a plain form: the answer is the bots page with the secret, typed text kept', async ({ page }) => {
  await signIn(page, 'grace@globex.example', GLOBEX);
  // The bundle arrives only when the test lets it: the page is visible, and not yet interactive.
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  await page.route('**/pkg/*.wasm', async (route) => {
    await held;
    await route.continue();
  });
  await page.goto(`/orgs/${GLOBEX}/bots`, { waitUntil: 'domcontentloaded' });
  await expect(page.locator('main[data-ready="true"]')).toHaveCount(0);
  await page.getByLabel('Name', { exact: true }).fill('Early bird');
  await page.getByLabel('Description (optional)').fill('typed before the page was ready');
  await page.getByLabel('read:bookings').check();
  await page.getByRole('button', { name: 'Register bot' }).click();
  await expect(page.getByTestId('secret-panel')).toBeVisible();
  expect(page.url()).not.toContain('name=');
  await expect(page.getByTestId('bot-list')).toContainText('Early bird');
  await expect(page.getByTestId('bot-list')).toContainText('typed before the page was ready');
  // The answer is a page like any other: once the bundle comes, it is ready.
  release();
  await expect(page.locator('main[data-ready="true"]')).toBeVisible();
  await expect(page.getByTestId('secret-panel')).toBeVisible();
});

test('your own admin role is locked; giving or taking someone else\'s asks first, and Escape cancels', async ({ page }) => {
  await signIn(page, 'alice@acme.example', ACME);
  await page.goto(`/orgs/${ACME}/members`);
  await expect(page.locator('main[data-ready="true"]')).toBeVisible();
  const me = page.locator('[data-testid="member-row"][data-email="alice@acme.example"]');
  await expect(me.getByLabel('admin')).toBeDisabled();
  await expect(me).toContainText('Your own admin role is locked');
  const bob = page.locator('[data-testid="member-row"][data-email="bob@acme.example"]');
  // Ticking asks first (the box shows the current state until the answer): a click, not a check.
  await bob.getByLabel('admin').click();
  await expect(bob.getByText('Make bob@acme.example an admin?')).toBeVisible();
  await expect(bob.getByRole('button', { name: 'Make admin' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(bob.getByText('Make bob@acme.example an admin?')).toHaveCount(0);
  await expect(bob.getByLabel('admin')).not.toBeChecked();
  await bob.getByLabel('admin').click();
  await bob.getByRole('button', { name: 'Make admin' }).click();
  await expect(bob.getByLabel('admin')).toBeChecked();
  // And back, with the same question the other way round.
  await bob.getByLabel('admin').click();
  await bob.getByRole('button', { name: 'Take admin role' }).click();
  await expect(bob.getByLabel('admin')).not.toBeChecked();
});

test('inviting someone who is already a member says so', async ({ page }) => {
  await signIn(page, 'alice@acme.example', ACME);
  await page.goto(`/orgs/${ACME}/invitations`);
  await expect(page.locator('main[data-ready="true"]')).toBeVisible();
  await page.getByLabel('Email').fill('bob@acme.example');
  await page.getByRole('button', { name: 'Send invitation' }).click();
  await expect(page.getByRole('alert')).toContainText('already a member');
  await expect(page.getByRole('alert')).toBeFocused();
  // What was typed is still there to correct.
  await expect(page.getByLabel('Email')).toHaveValue('bob@acme.example');
  await expect(page.getByTestId('form-notice')).not.toContainText('Invitation sent');
});

test('a missing bot, another organization\'s bot and an unknown page answer 404', async ({ page }) => {
  await signIn(page, 'grace@globex.example', GLOBEX);
  const mine = await call(page, 'bots/register', {
    org_id: GLOBEX, name: 'Globex only', description: '', audience: API, scopes: ['read:bookings'], idempotency_key: `${Date.now()}-404`,
  });
  for (const path of [`/orgs/${GLOBEX}/bots/nosuchbot000000000000000000000000`, `/orgs/${ACME}/bots/${mine.body.client_id}`,
    `/orgs/${GLOBEX}/nothing-here`, `/orgs/${ACME}`]) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(404);
  }
  const response = await page.goto(`/orgs/${GLOBEX}/bots/${mine.body.client_id}`);
  expect(response?.status()).toBe(200);
  await expect(page).toHaveTitle(/Globex only · Bots · Globex Tours/);
});

test('the test token: no scope is answered in the form, a wrong secret is said plainly, expiry in local time', async ({ page }) => {
  await signIn(page, 'grace@globex.example', GLOBEX);
  await page.goto(`/orgs/${GLOBEX}/bots`);
  await expect(page.locator('main[data-ready="true"]')).toBeVisible();
  await page.getByLabel('Name', { exact: true }).fill('Token tester');
  let calls = 0;
  page.on('request', (r) => { if (r.url().includes('/bots/register')) calls++; });
  await page.getByRole('button', { name: 'Register bot' }).click();
  await expect(page.getByTestId('form-problem')).toHaveText('Choose at least one scope.');
  expect(calls).toBe(0);
  await page.getByLabel('read:bookings').check();
  await page.getByRole('button', { name: 'Register bot' }).click();
  await expect(page.getByTestId('secret-panel')).toBeFocused();
  const secret = (await page.getByTestId('client-secret').textContent())!.trim();
  // Copying is announced.
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.getByRole('button', { name: 'Copy client secret' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Client secret copied' })).toHaveCount(1);
  // Snippets in three languages, one open at a time.
  const snippet = (lang: string) => page.locator(`[data-testid="token-request"][data-language="${lang}"]`);
  await expect(snippet('curl')).toBeVisible();
  for (const lang of ['Node.js', 'Python', 'curl']) {
    await page.getByTestId('secret-panel').locator('summary', { hasText: lang }).click();
    await expect(snippet(lang)).toBeVisible();
    await expect(page.locator('[data-testid="token-request"]:visible')).toHaveCount(1);
  }
  await expect(snippet('Python')).toContainText('CLIENT_SECRET');

  await page.getByRole('link', { name: 'Token tester' }).click();
  await expect(page.getByTestId('bot-name')).toHaveText('Token tester');
  await page.getByLabel('Client secret').fill('not-the-secret');
  await page.getByRole('button', { name: 'Get a test token' }).click();
  await expect(page.getByRole('alert')).toContainText("not this bot's current secret");
  await page.getByLabel('Client secret').fill(secret);
  await page.getByRole('button', { name: 'Get a test token' }).click();
  const expires = await page.getByTestId('token-expires').textContent();
  expect(expires).not.toContain('Unix');
  expect(expires).toMatch(/\d{1,2}:\d{2}/);

  // The danger zone asks first; Escape takes the keyboard back to the button.
  await page.getByRole('button', { name: 'Delete bot' }).click();
  await expect(page.getByRole('button', { name: 'Delete', exact: true })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('button', { name: 'Delete bot' })).toBeFocused();
});

test('the audit log names people and bots, says what happened in words, and refuses reversed dates', async ({ page }) => {
  await signIn(page, 'alice@acme.example', ACME);
  await call(page, 'bots/register', {
    org_id: ACME, name: 'Named in the log', description: '', audience: API, scopes: ['read:bookings'], idempotency_key: `${Date.now()}-audit`,
  });
  await page.goto(`/orgs/${ACME}/audit`);
  await expect(page.locator('main[data-ready="true"]')).toBeVisible();
  const row = page.getByTestId('audit-row').filter({ hasText: 'Registered a bot' }).first();
  await expect(row).toContainText('Named in the log');
  await expect(page.getByLabel('Action').locator('option', { hasText: 'Apps' })).toHaveCount(1);
  await page.goto(`/orgs/${ACME}/audit?since=2026-11-05&until=2026-11-01`);
  await expect(page.getByRole('alert')).toContainText('before the "From" date');
});
