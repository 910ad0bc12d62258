import type { Page } from 'playwright-core';
import type { Simulator } from '../../../src/start-simulator.js';
import type { HeadlessChromium } from './launch-chromium.js';

/**
 * Opens the simulator's dashboard in a new page and waits until it has loaded its first
 * overview (bounded by `timeout` ms).
 */
export async function openDashboard(
  chromium: HeadlessChromium,
  sim: Simulator,
  timeout: number,
): Promise<Page> {
  const page = await chromium.context.newPage();
  await page.goto(`${sim.url}/__sim/`);
  await page.locator('body[data-loaded]').waitFor({ timeout });
  return page;
}
