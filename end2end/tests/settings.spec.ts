import { test, expect } from '@playwright/test';
import { accountMenu, signUpAndCreate } from './fixtures/app';

test('an admin changes the organization name and colours, sees the contrast as they type, and the header follows', async ({ page }) => {
  // An organization of its own, so no other spec sees its name change.
  await signUpAndCreate(page, `ida-${Date.now()}@initrode.example`, 'Initrode');
  await expect(page.locator('main[data-ready="true"]')).toBeVisible();
  await accountMenu(page);
  await page.getByRole('link', { name: 'Organization settings' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Settings');
  await expect(page.locator('main[data-ready="true"]')).toBeVisible();

  await page.getByLabel('Organization name').fill('Initrode Voyages');
  await page.getByLabel('Primary colour').fill('#ffff00');
  await page.getByLabel('Page background').fill('#ffffff');
  await expect(page.getByTestId('contrast')).toContainText('too low');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByRole('alert')).toContainText('contrast of 1.1:1');

  // What was typed is still there after the refusal.
  await expect(page.getByLabel('Organization name')).toHaveValue('Initrode Voyages');
  await page.getByLabel('Primary colour').fill('#1d4ed8');
  await expect(page.getByTestId('contrast')).toContainText('readable');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByTestId('form-notice')).toContainText('Settings saved.');
  await expect(page.getByTestId('org-brand')).toContainText('Initrode Voyages');
  const accent = await page.locator('header.site-header').evaluate((h) => getComputedStyle(h).borderTopColor);
  expect(accent).toBe('rgb(29, 78, 216)');
});

test('an admin deletes the organization after typing its name: signed out, and the organization is gone', async ({ page }) => {
  await signUpAndCreate(page, `del-${Date.now()}@initrode.example`, 'Short Lived');
  await expect(page.locator('main[data-ready="true"]')).toBeVisible();
  await page.goto(page.url() + '/settings');
  await expect(page.locator('main[data-ready="true"]')).toBeVisible();
  await page.getByLabel('Type short-lived to confirm').fill('short-live');
  await page.getByRole('button', { name: 'Delete organization' }).click();
  await expect(page.getByRole('alert')).toContainText('Type the organization');
  await page.getByLabel('Type short-lived to confirm').fill('short-lived');
  await page.getByRole('button', { name: 'Delete organization' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId('form-notice')).toContainText('The organization was deleted');
  await expect(page.getByRole('link', { name: 'Sign in' })).toBeVisible();
});
