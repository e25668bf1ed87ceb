import { test, expect } from '@playwright/test';
import { signUpAndCreate } from './fixtures/app';

test('a new person signs up, creates Umbrella Tours, lands in its desk as admin and registers a bot', async ({ page }) => {
  const email = `ada-${Date.now()}@umbrella.example`;
  const org = await signUpAndCreate(page, email, 'Umbrella Tours');
  await expect(page.locator('main[data-ready="true"]')).toBeVisible();
  await expect(page.getByTestId('signed-in-as')).toContainText(email);
  await expect(page.locator('header')).toContainText('Umbrella Tours');

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Bots' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Bots');
  await page.getByLabel('Name', { exact: true }).fill('Umbrella sync');
  await page.getByLabel('read:trips').check();
  await page.getByRole('button', { name: 'Register bot' }).click();
  await expect(page.getByTestId('secret-panel')).toBeVisible();
  const curl = await page.locator('[data-testid="token-request"][data-language="curl"]').textContent();
  expect(curl).toContain(`organization=${org}`);

  // The name is now taken: the next person is told so, with free names, and keeps what they typed.
  await page.context().clearCookies();
  await page.goto('/onboarding');
  await page.getByRole('link', { name: 'Create an account' }).click();
  await page.getByLabel('Email address').fill(`bo-${Date.now()}@umbrella.example`);
  await page.getByLabel('Password').fill('Umbrella-demo-1!');
  await page.getByRole('button', { name: 'Create account and continue' }).click();
  await page.getByLabel('Organization name').fill('Umbrella Tours');
  await page.getByRole('button', { name: 'Create organization' }).click();
  await expect(page).toHaveURL(/\/onboarding$/);
  await expect(page.getByRole('alert')).toContainText('The name umbrella-tours is taken. Free names: umbrella-tours-2');
  await expect(page.getByLabel('Organization name')).toHaveValue('Umbrella Tours');
  await expect(page.getByLabel(/Short name/)).toHaveAttribute('aria-invalid', 'true');
});

test.describe('without JavaScript, by keyboard', () => {
  test.use({ javaScriptEnabled: false });

  test('the whole sign-up and creation works with plain forms', async ({ page }) => {
    const email = `cy-${Date.now()}@umbrella.example`;
    await page.goto('/onboarding');
    await page.getByRole('link', { name: 'Create an account' }).focus();
    await page.keyboard.press('Enter');
    await page.getByLabel('Email address').focus();
    await page.keyboard.type(email);
    await page.keyboard.press('Tab');
    await page.keyboard.type('Umbrella-demo-1!');
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/\/onboarding$/);
    await page.getByLabel('Organization name').focus();
    await page.keyboard.type('Cyclone Rentals');
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/\/orgs\/org_[A-Za-z0-9]+$/);
    await expect(page.locator('header')).toContainText('Cyclone Rentals');

    // Their organization is listed where they created it.
    await page.goto('/onboarding');
    await expect(page.getByRole('link', { name: 'Cyclone Rentals' })).toBeVisible();
  });
});
