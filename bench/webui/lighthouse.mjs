// Lighthouse 12.2.3 on the web client's home timeline (default: mobile emulation, simulated
// throttling) and, for comparison, on the server-rendered profile page. The browser is Debian's
// chromium started by playwright-core with a remote-debugging port, signed in first so that
// Lighthouse (storage kept) loads the client as the person sees it. Environment: HERD_URL.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import lighthouse from "lighthouse";
import { chromium } from "playwright-core";

const base = process.env.HERD_URL;
const port = 9300 + Math.floor(Math.random() * 500);
const profile = mkdtempSync(path.join(tmpdir(), "herd-lighthouse-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", `--remote-debugging-port=${port}`],
});
const page = context.pages()[0] ?? await context.newPage();
const password = "lighthouse-password-for-webui-1";
await page.goto(`${base}/auth/sign_up`);
await page.fill("#username", "lighthouse");
await page.fill("#email", "lighthouse@bench.test");
await page.fill("#password", password);
await page.fill("#password_confirmation", password);
await page.check('input[name="agreement"]');
await Promise.all([page.waitForURL(`${base}/home`), page.click('form button[type="submit"]')]);
for (let i = 0; i < 3; i++) {
  await page.getByLabel("Post text").fill(`Lighthouse post ${i} #bench`);
  await page.getByRole("button", { name: "Publish" }).click();
  await page.locator("main article.status", { hasText: `Lighthouse post ${i}` }).waitFor();
}

const categories = ["performance", "accessibility", "best-practices"];
console.log("| page | form factor | performance | accessibility | best practices | FCP | LCP | TBT | CLS |");
console.log("|---|---|---|---|---|---|---|---|---|");
for (const [label, url] of [["client /home", `${base}/home`], ["client /@lighthouse (profile)", `${base}/@lighthouse`]]) {
  for (const formFactor of ["mobile", "desktop"]) {
    const flags = { port, output: "json", logLevel: "error", disableStorageReset: true, onlyCategories: categories };
    const config = formFactor === "desktop"
      ? { extends: "lighthouse:default", settings: { formFactor: "desktop", screenEmulation: { mobile: false, width: 1350, height: 940, deviceScaleFactor: 1, disabled: false }, throttlingMethod: "simulate", throttling: { rttMs: 40, throughputKbps: 10240, cpuSlowdownMultiplier: 1 } } }
      : undefined;
    const result = await lighthouse(url, flags, config);
    const lhr = result.lhr;
    const score = (c) => Math.round((lhr.categories[c]?.score ?? 0) * 100);
    const audit = (id) => lhr.audits[id]?.displayValue ?? "";
    console.log(`| ${label} | ${formFactor} | ${score("performance")} | ${score("accessibility")} | ${score("best-practices")} | ${audit("first-contentful-paint")} | ${audit("largest-contentful-paint")} | ${audit("total-blocking-time")} | ${audit("cumulative-layout-shift")} |`);
    for (const c of categories)
      for (const ref of lhr.categories[c].auditRefs) {
        const a = lhr.audits[ref.id];
        if (ref.weight > 0 && a.score !== null && a.score < 0.9 && c !== "performance") console.log(`  - ${c}: ${a.id} (${a.title})`);
      }
  }
}
await context.close();
rmSync(profile, { recursive: true, force: true });
