// Runs axe-core on every main view of the web client (light and dark, 390 and 1440 px) and times
// how long the home timeline takes to paint after navigation. Environment: HERD_URL (a running
// herd with open registrations). Prints a Markdown table.
import { AxeBuilder } from "@axe-core/playwright";
import { chromium } from "playwright-core";

const base = process.env.HERD_URL;
const password = "bench-password-for-webui-1";
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"],
});
const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
const page = await context.newPage();
await page.goto(`${base}/auth/sign_up`);
await page.fill("#username", "benchuser");
await page.fill("#email", "benchuser@bench.test");
await page.fill("#password", password);
await page.fill("#password_confirmation", password);
await page.check('input[name="agreement"]');
await Promise.all([page.waitForURL(`${base}/home`), page.click('form button[type="submit"]')]);
for (let i = 0; i < 5; i++) {
  await page.getByLabel("Post text").fill(`Bench post ${i} #bench with a link https://example.com/${i}`);
  await page.getByRole("button", { name: "Publish" }).click();
  await page.locator("main article.status", { hasText: `Bench post ${i}` }).waitFor();
}

const views = ["/home", "/notifications", "/explore", "/public/local", "/public", "/tags/bench", "/search?q=bench",
  "/@benchuser", "/conversations", "/favourites", "/settings/profile", "/settings/preferences", "/settings/filters",
  "/settings/domain_blocks", "/settings/authorized_apps", "/bookmarks", "/lists"];
const adminViews = ["/admin/reports", "/admin/accounts", "/admin/domain_blocks", "/admin/rules", "/admin/announcements",
  "/admin/documents", "/admin/site"];
const rows = [];
async function audit(page, views) {
  for (const scheme of ["light", "dark"]) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const width of [1440, 390]) {
      await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
      for (const view of views) {
        await page.goto(`${base}${view}`);
        await page.locator("main h1").first().waitFor();
        await page.waitForLoadState("networkidle");
        const result = await new AxeBuilder({ page }).analyze();
        const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
        rows.push({ scheme, width, view, serious: bad.length, all: result.violations.length,
          ids: result.violations.map((v) => `${v.id} (${v.impact}: ${v.nodes.slice(0, 2).map((n) => n.target.join(' ')).join(', ')})`).join("; ") });
      }
    }
  }
}
await audit(page, views);
// The staff views, as the admin (HERD_ADMIN_EMAIL / HERD_ADMIN_PASSWORD of the bench server).
if (process.env.HERD_ADMIN_PASSWORD) {
  const staff = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
  await staff.goto(`${base}/auth/sign_in`);
  await staff.fill("#email", process.env.HERD_ADMIN_EMAIL);
  await staff.fill("#password", process.env.HERD_ADMIN_PASSWORD);
  await Promise.all([staff.waitForURL(`${base}/home`), staff.click('form button[type="submit"]')]);
  await audit(staff, adminViews);
  await staff.context().close();
}

// Home painted: from navigation start until the first post is visible (median of 5, warm cache).
await page.emulateMedia({ colorScheme: "light" });
await page.setViewportSize({ width: 1440, height: 900 });
const times = [];
for (let i = 0; i < 5; i++) {
  const started = Date.now();
  await page.goto(`${base}/home`);
  await page.locator("main article.status").first().waitFor();
  times.push(Date.now() - started);
}
times.sort((a, b) => a - b);
await browser.close();

console.log("| theme | width | view | serious+critical | all violations | rules |");
console.log("|---|---|---|---|---|---|");
for (const r of rows) console.log(`| ${r.scheme} | ${r.width} | ${r.view} | ${r.serious} | ${r.all} | ${r.ids} |`);
console.log(`\nhome timeline painted after navigation (warm, median of 5): ${times[2]} ms (min ${times[0]}, max ${times[4]})`);
process.exit(rows.some((r) => r.serious) ? 1 : 0);
