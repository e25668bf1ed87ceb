import { test, expect } from '@playwright/test';
import { accountMenu, signIn } from './fixtures/app';

const ACME = 'org_acmeTravel000001';
const ORGDESK_API = 'https://orgdesk.travel0.example/api/';

test('an admin makes an automation bot in the desk, and it calls the API with its own token only', async ({ page }) => {
  await signIn(page, 'alice@acme.example', ACME);
  await page.goto(`/orgs/${ACME}/bots`);
  await expect(page.locator('main[data-ready="true"]')).toBeVisible();
  const name = `Pipeline ${Date.now()}`;
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel(/orgdesk automation API/).check();
  await page.getByLabel('bots:read').check();
  await page.getByRole('button', { name: 'Register bot' }).click();
  await expect(page.getByTestId('secret-panel')).toBeVisible();
  const clientId = (await page.getByTestId('client-id').textContent())!.trim();
  const secret = (await page.getByTestId('client-secret').textContent())!.trim();
  const curl = (await page.getByTestId('token-request').first().textContent())!;
  expect(curl).toContain(`audience=${ORGDESK_API}`);
  const tokenUrl = /(http:\/\/[^\s'"]+\/oauth\/token)/.exec(curl)![1];

  // The bot's own token request, straight to the tenant, then the API with it.
  const issued = await page.request.post(tokenUrl, {
    form: { grant_type: 'client_credentials', client_id: clientId, client_secret: secret, audience: ORGDESK_API, organization: ACME },
  });
  expect(issued.status()).toBe(200);
  const token = (await issued.json()).access_token as string;
  const bots = await page.request.get(`/api/v1/organizations/${ACME}/bots`, { headers: { authorization: `Bearer ${token}` } });
  expect(bots.status()).toBe(200);
  expect(((await bots.json()).bots as { name: string }[]).map((b) => b.name)).toContain(name);

  // The signed-in browser's cookies are no way in: without the bearer token, 401 and a problem document.
  const cookieOnly = await page.request.get(`/api/v1/organizations/${ACME}/bots`);
  expect(cookieOnly.status()).toBe(401);
  expect(cookieOnly.headers()['content-type']).toContain('application/problem+json');
  const origin = new URL(page.url()).origin;
  const forged = await page.request.post(`/api/v1/organizations/${ACME}/bots`, {
    headers: { origin, 'content-type': 'application/json', 'idempotency-key': `${Date.now()}` },
    data: JSON.stringify({ name: 'Via cookies', audience: 'https://api.travel0.example/', scopes: ['read:bookings'] }),
  });
  expect(forged.status()).toBe(401);
  // bots:read only: registering is refused for lack of scope, nothing made.
  const write = await page.request.post(`/api/v1/organizations/${ACME}/bots`, {
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': `${Date.now()}-w` },
    data: JSON.stringify({ name: 'Not allowed', audience: 'https://api.travel0.example/', scopes: ['read:bookings'] }),
  });
  expect(write.status()).toBe(403);
  expect(write.headers()['www-authenticate']).toContain('insufficient_scope');
});

test('by keyboard: the webhooks page refuses a private address and keeps what was typed; the API reference is one link away', async ({ page }) => {
  await signIn(page, 'alice@acme.example', ACME);
  const menu = await accountMenu(page);
  await menu.getByRole('link', { name: 'Webhooks' }).focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`/orgs/${ACME}/webhooks$`));
  await expect(page.locator('main[data-ready="true"]')).toBeVisible();
  await expect(page.getByTestId('no-webhooks')).toBeVisible();
  await page.getByLabel('Endpoint address').focus();
  await page.keyboard.type('https://169.254.169.254/latest/meta-data');
  await page.keyboard.press('Tab');
  await page.keyboard.type('Cloud metadata');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('alert')).toContainText('public address');
  await expect(page.getByLabel('Endpoint address')).toHaveValue('https://169.254.169.254/latest/meta-data');
  await expect(page.getByLabel('Description (optional)')).toHaveValue('Cloud metadata');
  await expect(page.getByTestId('no-webhooks')).toBeVisible();

  await page.getByRole('link', { name: 'Automation API' }).click();
  await expect(page).toHaveURL(/\/developers\/api$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('orgdesk automation API');
  await expect(page.getByText('GET /api/v1/organizations/{org_id}/bots', { exact: true })).toBeVisible();
  await expect(page.locator('#problem-insufficient-scope')).toBeVisible();
  const doc = await page.request.get('/api/v1/openapi.json');
  expect((await doc.json()).openapi).toBe('3.1.0');
});
