import { test, expect, type Page, type APIRequestContext } from '@playwright/test';
import { botToken, signIn } from './fixtures/app';

const GLOBEX = 'org_globexTours00001';
const INITECH = 'org_initechTrips0001';

test('publish an app, install it in another organization, get a token, uninstall, token refused', async ({ page, browser, request }) => {
  // Initech registers a bot and publishes it.
  await signIn(page, 'ivan@initech.example', INITECH);
  await page.goto(`/orgs/${INITECH}/bots`);
  await expect(page.locator('main[data-ready="true"]')).toBeVisible();
  await page.getByLabel('Name', { exact: true }).fill('Trip sync');
  await page.getByLabel('read:bookings').check();
  await page.getByRole('button', { name: 'Register bot' }).click();
  await expect(page.getByTestId('secret-panel')).toBeVisible();
  const clientId = (await page.getByTestId('client-id').textContent())!.trim();
  const secret = (await page.getByTestId('client-secret').textContent())!.trim();
  const tokenUrl = (await page.locator('[data-testid="token-request"][data-language="curl"]').textContent())!.split(/\s+/)[2];

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Apps' }).click();
  await expect(page.locator('main[data-ready="true"]')).toBeVisible();
  await expect(page.getByTestId('no-installed')).toBeVisible();
  await expect(page.getByLabel('Bot', { exact: true })).toHaveValue(clientId);
  await expect(page.getByLabel('read:bookings')).toBeChecked();
  await page.getByLabel('read:trips').check();
  await page.getByLabel('Public description').fill('Keeps your agency trips in sync with Initech.');
  await page.getByRole('button', { name: 'Publish app' }).click();
  // The app is the bot's own grant: asking for more changes what the bot can do; the answer says
  // what, and what was typed and ticked is still there to confirm.
  await expect(page.getByRole('alert')).toContainText('gives it `read:trips`');
  await expect(page.getByLabel('read:trips')).toBeChecked();
  await expect(page.getByLabel('Public description')).toHaveValue('Keeps your agency trips in sync with Initech.');
  await page.getByLabel("Change the bot's access too").check();
  await page.getByRole('button', { name: 'Publish app' }).click();
  await expect(page.getByTestId('form-notice')).toContainText('Published');
  const published = page.getByTestId('published-app').filter({ hasText: 'Trip sync' });
  const link = await published.getByRole('textbox', { name: 'Install link' }).inputValue();
  expect(link).toMatch(/\/apps\/app_[0-9a-f]+$/);

  // Globex's admin opens the link, reads what it asks for, approves.
  const globex = await browser.newPage();
  await signIn(globex, 'grace@globex.example', GLOBEX);
  await globex.goto(link);
  await expect(globex.locator('main[data-ready="true"]')).toBeVisible();
  await expect(globex.getByRole('heading', { level: 1 })).toHaveText('Trip sync');
  await expect(globex.getByTestId('publisher')).toHaveText('Initech Trips');
  await expect(globex.getByTestId('scopes')).toContainText('read:trips');
  await expect(globex.getByTestId('explanation')).toContainText('Globex Tours only');
  expect((await botToken(request, tokenUrl, clientId, secret, GLOBEX)).status()).not.toBe(200);
  await globex.getByRole('button', { name: 'Approve for Globex Tours' }).click();
  await expect(globex.getByTestId('installed')).toBeVisible();

  const ok = await botToken(request, tokenUrl, clientId, secret, GLOBEX);
  expect(ok.status()).toBe(200);
  const claims = JSON.parse(Buffer.from((await ok.json()).access_token.split('.')[1], 'base64url').toString());
  expect(claims.org_id).toBe(GLOBEX);

  // The publisher sees who installed it.
  await page.reload();
  await expect(page.locator('main[data-ready="true"]')).toBeVisible();
  await expect(page.getByTestId('published-app').filter({ hasText: 'Trip sync' }).getByTestId('installs')).toHaveText('Installed by Globex Tours');

  // Globex uninstalls; its tokens stop.
  await globex.getByRole('link', { name: 'See your installed apps' }).click();
  await expect(globex.locator('main[data-ready="true"]')).toBeVisible();
  const row = globex.getByTestId('installed-app').filter({ hasText: 'Trip sync' });
  await row.getByRole('button', { name: 'Uninstall' }).click();
  await row.getByRole('button', { name: 'Uninstall' }).click();
  await expect(globex.getByRole('status').filter({ hasText: 'Uninstalled' })).toBeVisible();
  await expect(globex.getByTestId('installed-app').filter({ hasText: 'Trip sync' })).toHaveCount(0);
  expect((await botToken(request, tokenUrl, clientId, secret, GLOBEX)).status()).not.toBe(200);
  expect((await botToken(request, tokenUrl, clientId, secret, INITECH)).status()).toBe(200);
  await globex.close();
});

test('an unknown install link is a 404', async ({ page }) => {
  const response = await page.goto('/apps/app_0123456789abcdef0123456789abcdef');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('alert')).toContainText('does not exist');
});
