import { test, expect, type Page } from '@playwright/test';
import { createHmac } from 'node:crypto';

// The second server of the run: its vendor wants a second factor at every step-up, so a sensitive
// change asks for one even right after a password sign-in.
const MFA_URL = `http://127.0.0.1:${Number(process.env.E2E_PORT ?? 3100) + 1}`;
const ACME = 'org_acmeTravel000001';
const GLOBEX = 'org_globexTours00001';

test.use({ baseURL: MFA_URL });

/** RFC 6238 with SHA-1, 6 digits, 30 s: what an authenticator app shows for this base32 key. */
function totp(base32: string, at = Date.now() / 1000): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of base32.replace(/=+$/, '').toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g)!.map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 30)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

async function signInWithPassword(page: Page, email: string, org: string) {
  await page.goto(`/login?organization=${org}`);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password').fill('Travel0-demo!');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page).toHaveURL(new RegExp(`/orgs/${org}$`));
}

/** At the tenant, sent there by orgdesk's step-up: the password again (the address is filled in), then a first authenticator enrolled. */
async function confirmWithNewAuthenticator(page: Page, email: string) {
  await expect(page.getByRole('heading', { name: 'Log in' })).toBeVisible();
  await expect(page.getByLabel('Email address')).toHaveValue(email);
  await page.getByLabel('Password').fill('Travel0-demo!');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('heading', { name: 'Secure your account' })).toBeVisible();
  const key = await page.getByLabel('Setup key').inputValue();
  await page.getByLabel('One-time code').fill('000000');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('alert')).toContainText('not right');
  await page.getByLabel('One-time code').fill(totp(key));
  await page.getByRole('button', { name: 'Continue' }).click();
}

test('a new bot waits for the second factor, then is registered as it was typed', async ({ page }) => {
  await signInWithPassword(page, 'alice@acme.example', ACME);
  await expect(page.locator('main[data-ready="true"]')).toBeVisible();
  await page.goto(`/orgs/${ACME}/bots`);
  await expect(page.locator('main[data-ready="true"]')).toBeVisible();
  const name = `Payroll export ${Date.now()}`;
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Description (optional)').fill('Sends payroll every Friday');
  await page.getByLabel('read:bookings').check();
  await page.getByRole('button', { name: 'Register bot' }).click();

  await confirmWithNewAuthenticator(page, 'alice@acme.example');
  // Back on the bots page with the registration done: the secret shown once, the name as typed.
  await expect(page.getByTestId('secret-panel')).toBeVisible();
  await expect(page.getByTestId('bot-list')).toContainText(name);
  await page.getByRole('link', { name }).click();
  await expect(page.getByText('Sends payroll every Friday')).toBeVisible();
  // Confirmed a moment ago: the next sensitive change goes straight on.
  await expect(page.locator('main[data-ready="true"]')).toBeVisible();
  await page.getByRole('button', { name: 'Rotate secret' }).click();
  await page.getByRole('button', { name: 'Rotate now' }).click();
  await expect(page.getByTestId('secret-panel')).toBeVisible();
  expect(page.url()).toContain(MFA_URL);
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('a held change goes on after the step-up, and the audit log shows the confirmation', async ({ page }) => {
    await signInWithPassword(page, 'grace@globex.example', GLOBEX);
    await page.goto(`/orgs/${GLOBEX}/bots`);
    const name = `Plain form ${Date.now()}`;
    await page.getByLabel('Name', { exact: true }).fill(name);
    await page.getByLabel('read:bookings').check();
    await page.getByRole('button', { name: 'Register bot' }).click();
    await confirmWithNewAuthenticator(page, 'grace@globex.example');
    await expect(page.getByTestId('secret-panel')).toBeVisible();
    await expect(page.getByTestId('bot-list')).toContainText(name);

    await page.goto(`/orgs/${GLOBEX}/audit`);
    await expect(page.getByText('Confirmed it was them').first()).toBeVisible();
  });
});
