import { test, expect, type Page, type APIRequestContext } from '@playwright/test';
import { accountMenu, botToken, open, signIn } from './fixtures/app';

const ACME = 'org_acmeTravel000001';
const GLOBEX = 'org_globexTours00001';

function claims(jwt: string) {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString());
}

test('an admin registers a bot, which gets tokens for its own organization only', async ({ page, request }) => {
  await signIn(page, 'alice@acme.example', ACME);
  await expect(page.getByTestId('signed-in-as')).toContainText('alice@acme.example');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Bots' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Bots');

  await page.getByLabel('Name', { exact: true }).fill('Booking bot');
  await page.getByLabel('Description (optional)').fill('Finds adventures');
  await page.getByLabel('read:bookings').check();
  await page.getByRole('button', { name: 'Register bot' }).click();

  const panel = page.getByTestId('secret-panel');
  await expect(panel).toBeVisible();
  const clientId = (await page.getByTestId('client-id').textContent())!.trim();
  const secret = (await page.getByTestId('client-secret').textContent())!.trim();
  expect(secret.length).toBeGreaterThan(30);
  const curl = await page.locator('[data-testid="token-request"][data-language="curl"]').textContent();
  expect(curl).toContain(`organization=${ACME}`);
  const tokenUrl = curl!.split(/\s+/)[2];
  await expect(page.getByTestId('bot-list')).toContainText('Booking bot');

  // Shown once: gone after a reload, and not in the page source.
  await page.reload();
  await expect(page.locator('main[data-ready="true"]')).toBeVisible();
  await expect(page.getByTestId('bot-list')).toContainText('Booking bot');
  await expect(page.getByTestId('secret-panel')).toHaveCount(0);
  expect(await page.content()).not.toContain(secret);

  // The bot, as a program: a token for Acme carries Acme's org_id; Globex refuses it.
  const ok = await botToken(request, tokenUrl, clientId, secret, ACME);
  expect(ok.status()).toBe(200);
  expect(claims((await ok.json()).access_token).org_id).toBe(ACME);
  const refused = await botToken(request, tokenUrl, clientId, secret, GLOBEX);
  expect(refused.status()).toBe(403);

  // Test token from the desk, then revoke and delete.
  await page.getByRole('link', { name: 'Booking bot' }).click();
  await expect(page.getByTestId('bot-name')).toHaveText('Booking bot');
  await expect(page.locator('main[data-ready="true"]')).toBeVisible();
  await page.getByLabel('Client secret').fill(secret);
  await expect(page.getByLabel('Client secret')).toHaveValue(secret);
  await page.getByRole('button', { name: 'Get a test token' }).click();
  await expect(page.getByTestId('token-claims')).toContainText(ACME);

  await page.getByRole('button', { name: 'Revoke access' }).click();
  await page.getByRole('button', { name: 'Revoke', exact: true }).click();
  await expect(page.getByText('This bot has no API access yet.')).toBeVisible();
  expect((await botToken(request, tokenUrl, clientId, secret, ACME)).status()).toBe(403);

  await page.getByRole('button', { name: 'Delete bot' }).click();
  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/orgs/${ACME}/bots$`));
  // Other tests share the organization: only this bot must be gone.
  await expect(page.getByTestId('bot-list').getByText('Booking bot', { exact: true })).toHaveCount(0);
  expect((await botToken(request, tokenUrl, clientId, secret, ACME)).status()).toBe(401);
});

test('members who are not admins do not get the desk', async ({ page }) => {
  await page.goto(`/login?organization=${ACME}`);
  await page.getByLabel('Email address').fill('bob@acme.example');
  await page.getByLabel('Password').fill('Travel0-demo!');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('alert')).toContainText("organization's admins");
});

test('signed out, a desk page sends you to sign in and back to that page', async ({ page }) => {
  await page.goto(`/orgs/${ACME}/bots`);
  await expect(page.getByLabel('Email address')).toBeVisible();
  await page.getByLabel('Email address').fill('alice@acme.example');
  await page.getByLabel('Password').fill('Travel0-demo!');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page).toHaveURL(new RegExp(`/orgs/${ACME}/bots$`));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Bots');
});

test('registering a bot works with the keyboard alone', async ({ page }) => {
  // A name of its own: the organization refuses a second bot of the same name (and runs repeat).
  const name = `Keyboard bot ${Date.now()}`;
  await signIn(page, 'grace@globex.example', GLOBEX);
  await page.goto(`/orgs/${GLOBEX}/bots`);
  await expect(page.locator('main[data-ready="true"]')).toBeVisible();
  // From the skip link to the form, then fields in order; Enter in a text field submits.
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Skip to content' })).toBeFocused();
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('Name', { exact: true })).toBeFocused();
  await page.keyboard.type(name);
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('Description (optional)')).toBeFocused();
  await page.keyboard.type('typed, not clicked');
  await page.keyboard.press('Tab');
  await expect(page.getByRole('radio', { name: /Travel0 API/ })).toBeFocused();
  await expect(page.getByRole('radio', { name: /Travel0 API/ })).toBeChecked();
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('read:bookings')).toBeFocused();
  await page.keyboard.press('Space');
  await expect(page.getByLabel('read:bookings')).toBeChecked();
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Shift+Tab');
  await expect(page.getByLabel('Description (optional)')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('secret-panel')).toBeVisible();
  await expect(page.getByTestId('bot-list')).toContainText(name);
});

test('the Sign in button on the landing page leads to the login and back to the desk', async ({ page }) => {
  await open(page, '/');
  await page.getByRole('link', { name: 'Sign in' }).first().click();
  await page.getByLabel('Email address').fill('carol@consult.example');
  await page.getByLabel('Password').fill('Travel0-demo!');
  await page.getByRole('button', { name: 'Continue' }).click();
  // Carol belongs to two organizations: the tenant asks which one.
  await page.getByRole('button', { name: 'Globex Tours' }).click();
  await expect(page).toHaveURL(new RegExp(`/orgs/${GLOBEX}$`));
  await expect(page.locator('main[data-ready="true"]')).toBeVisible();
  await expect(page.getByTestId('signed-in-as')).toContainText('Globex Tours');
  // Switching goes back through the picker, without a password.
  await (await accountMenu(page)).getByRole('link', { name: 'Switch organization' }).click();
  await page.getByRole('button', { name: 'Acme Travel' }).click();
  await expect(page).toHaveURL(new RegExp(`/orgs/${ACME}$`));
  await expect(page.getByTestId('signed-in-as')).toContainText('Acme Travel');
});
