import { test, expect } from '@playwright/test';
import { signIn, signOut } from './fixtures/app';

const ACME = 'org_acmeTravel000001';

// "Fast 3G" as Chrome's DevTools define it: 1.6 Mbit/s down, 750 kbit/s up, 150 ms round trip.
const FAST_3G = { offline: false, latency: 150, downloadThroughput: (1.6 * 1024 * 1024) / 8, uploadThroughput: (750 * 1024) / 8 };

test('on a Fast 3G line an admin signs in, registers a bot typing at once, reads its secret and signs out', async ({ page }) => {
  test.setTimeout(120_000);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', FAST_3G);

  await signIn(page, 'alice@acme.example', ACME);
  // The admin starts typing as soon as the form shows, ready or not: nothing typed is lost.
  const name = `Slow line bot ${Date.now()}`;
  await page.goto(`/orgs/${ACME}/bots`, { waitUntil: 'domcontentloaded' });
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Description (optional)').fill('registered over hotel Wi-Fi');
  await page.getByLabel('read:bookings').check();
  await page.getByRole('button', { name: 'Register bot' }).click();
  await expect(page.getByTestId('secret-panel')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('bot-list')).toContainText(name);
  await expect(page.getByTestId('bot-list')).toContainText('registered over hotel Wi-Fi');

  // Signing out still ends the session on a slow line: the desk asks for a sign-in again.
  await expect(page.locator('main[data-ready="true"]')).toBeVisible({ timeout: 30_000 });
  await signOut(page);
  await page.goto(`/orgs/${ACME}/bots`);
  await expect(page.getByLabel('Email address')).toBeVisible();
  expect(page.url()).not.toContain(`/orgs/${ACME}`);
});
