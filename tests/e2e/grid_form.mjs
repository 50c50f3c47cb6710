// The deploy form in a real browser: Debian's chromium driven by playwright-core. Run by
// tests/grid/test_form_browser.py, which starts a grid (control plane, nginx gateway, node a in
// farm alpha/BE and node b in farm beta/EG) and passes it in the environment:
//   GRID_FORM_URL  http://localhost:<gateway port>/#token=<owner token>
//   GRID_NODE_A, GRID_NODE_B  node ids;  GRID_SCREENSHOTS  folder for screenshots (optional)
// Prints "N passed, N failed".
import { launchChromium } from "./browser.mjs";

const formUrl = process.env.GRID_FORM_URL;
const nodeA = process.env.GRID_NODE_A;
const nodeB = process.env.GRID_NODE_B;
const shots = process.env.GRID_SCREENSHOTS || "";
let passed = 0;
let failed = 0;

function check(condition, message) {
  if (!condition) throw new Error(message);
}

async function step(name, fn) {
  const started = Date.now();
  try {
    await fn();
    passed++;
    console.log(`PASS ${name} (${((Date.now() - started) / 1000).toFixed(1)}s)`);
    return true;
  } catch (error) {
    failed++;
    console.log(`FAIL ${name}: ${error.message}`);
    return false;
  }
}

const browser = await launchChromium(["--host-resolver-rules=MAP localhost 127.0.0.1, MAP *.localhost 127.0.0.1"]);
const context = await browser.newContext();
const page = await context.newPage();
page.on("dialog", (dialog) => dialog.accept());
page.setDefaultTimeout(30000);

async function shot(name) {
  if (shots) await page.screenshot({ path: `${shots}/${name}.png`, fullPage: true });
}

async function fillAdmin(email, username) {
  await page.click('.tabs button[data-tab="admin"]');
  await page.fill("#admin-email", email);
  if (username) await page.fill("#admin-username", username);
}

async function deployAndWait(name) {
  await page.click("#deploy");
  await page.waitForFunction(
    (n) => /Deployed|error|rolled back|required|not/i.test(document.querySelector("#result").textContent) &&
           !/^Deploying/.test(document.querySelector("#result").textContent),
    name, { timeout: 120000 });
  return (await page.textContent("#result")).trim();
}

try {
  await step("the form loads with the token from the link", async () => {
    await page.goto(formUrl);
    await page.waitForFunction(() => document.querySelectorAll("#gateway option[value]:not([value=''])").length > 0);
    check(await page.title() === "Deploy a herd instance", "title");
    check(!(await page.url()).includes("token="), "the token is removed from the address bar");
    const packages = await page.$$eval("#package option", (os) => os.map((o) => o.value));
    check(JSON.stringify(packages) === JSON.stringify(["minimum", "standard", "recommended", "custom"]),
          "packages: " + packages);
    check((await page.textContent("#gateway")).includes("localhost"), "gateway localhost listed");
  });

  await step("a missing admin email is refused and nothing is deployed", async () => {
    await page.fill("#name", "noemail");
    await page.click('.tabs button[data-tab="admin"]');
    await page.fill("#admin-email", "");
    const text = await deployAndWait("noemail");
    check(text.includes("Admin email is required"), "message: " + text);
    check(await page.$('tr[data-name="noemail"]') === null, "no row for noemail");
  });

  await step("a custom domain is refused on a grid without ACME", async () => {
    await page.fill("#admin-email", "domain@example.org");
    await page.click('.tabs button[data-tab="base"]');
    await page.fill("#name", "withdomain");
    await page.fill("#custom-domain", "social.example.org");
    const text = await deployAndWait("withdomain");
    check(text.includes("need certificates by ACME"), "message: " + text);
    check(await page.$('tr[data-name="withdomain"]') === null, "no row for withdomain");
    await page.fill("#custom-domain", "");
  });

  await step("an invalid name is flagged on the Base tab", async () => {
    await page.click('.tabs button[data-tab="base"]');
    await page.fill("#name", "9lives");
    check((await page.textContent("#name-error")).includes("start with a lowercase letter"), "name error");
  });

  await step("deploy with the capacity filter, a custom package and a mail server", async () => {
    await page.click('.tabs button[data-tab="base"]');
    await page.fill("#name", "formone");
    await page.selectOption("#package", "minimum");
    const minimumCost = await page.textContent("#cost");
    await page.selectOption("#package", "custom");
    check(await page.isVisible("#cpu"), "custom fields shown");
    await page.fill("#cpu", "1");
    await page.fill("#memory", "1024");
    await page.fill("#disk", "5");
    const customCost = await page.textContent("#cost");
    check(customCost !== "-" && customCost !== minimumCost, `cost updates (${minimumCost} -> ${customCost})`);
    await page.selectOption("#gateway", { label: "localhost" });
    await page.selectOption("#node-mode", "filter");
    await page.selectOption("#farm", "beta");
    await page.selectOption("#country", "EG");
    await page.click("#suggest");
    await page.waitForFunction(() => /Found 1\)/.test(document.querySelector("#node-select-label").textContent));
    const suggested = await page.$$eval("#node-select option", (os) => os.map((o) => o.value));
    check(JSON.stringify(suggested) === JSON.stringify([nodeB]), "suggested: " + suggested);
    await page.selectOption("#node-select", nodeB);
    await fillAdmin("form.owner@example.com", "formadmin");
    await page.fill("#admin-password", "");
    await page.click('.tabs button[data-tab="mail"]');
    await page.check("#smtp-enabled");
    await page.fill("#smtp-host", "smtp.example.com");
    await page.fill("#smtp-port", "2525");
    await page.fill("#smtp-username", "mailer");
    await page.fill("#smtp-password", "mail-secret");
    await page.fill("#smtp-from", "noreply@example.com");
    await page.selectOption("#smtp-tls", "tls");
    await shot("form-filled");
    const text = await deployAndWait("formone");
    check(text.includes("Deployed formone"), "result: " + text);
    const password = (await page.textContent("#admin-password-once")).trim();
    check(password.length >= 12, "the admin password is shown once");
    const row = page.locator('tr[data-name="formone"]');
    await row.waitFor();
    check((await row.locator(".status").textContent()) === "running", "status running");
    const cells = await row.locator("td").allTextContents();
    check(cells[1] === "formone1.localhost" && cells[3] === nodeB && cells[4] === "beta" && cells[5] === "EG",
          "row: " + cells.join(" | "));
    await shot("deployed");
  });

  await step("Visit opens the instance through the gateway", async () => {
    const [popup] = await Promise.all([
      context.waitForEvent("page"),
      page.click('tr[data-name="formone"] a.visit'),
    ]);
    await popup.waitForLoadState("domcontentloaded");
    check(popup.url().startsWith("http://formone1.localhost:"), "url: " + popup.url());
    const html = await popup.content();
    check(/formone|herd|Mastodon/i.test(html), "the instance's page");
    const response = await popup.goto(new URL("/api/v1/instance", popup.url()).href);
    check(response.ok(), "instance API through the gateway: " + response.status());
    const instance = await response.json();
    check(instance.title === "formone", "instance title: " + instance.title);
    await popup.close();
  });

  await step("deploy with a manual node id", async () => {
    await page.click('.tabs button[data-tab="base"]');
    await page.fill("#name", "formtwo");
    await page.selectOption("#package", "minimum");
    await page.selectOption("#node-mode", "manual");
    await page.fill("#node-id", "999");
    await page.waitForFunction(() => /does not exist/.test(document.querySelector("#node-check").textContent));
    await page.fill("#node-id", nodeA);
    await page.waitForFunction(() => /up and has enough resources/.test(document.querySelector("#node-check").textContent));
    await fillAdmin("two@example.org", "");
    await page.click('.tabs button[data-tab="mail"]');
    await page.uncheck("#smtp-enabled");
    const text = await deployAndWait("formtwo");
    check(text.includes("Deployed formtwo"), "result: " + text);
    const row = page.locator('tr[data-name="formtwo"]');
    await row.waitFor();
    check((await row.locator("td").nth(3).textContent()) === nodeA, "on node a");
  });

  await step("Details show live use", async () => {
    await page.click('tr[data-name="formone"] button.details');
    const details = page.locator("#details-formone");
    await details.waitFor();
    const text = await details.textContent();
    check(/cpu [0-9.]+%, memory [0-9.]+ MB of 1024 MB, disk/.test(text), "details: " + text);
  });

  await step("Details show readiness, counts and recent log lines", async () => {
    await page.waitForFunction(() => /ready yes, [0-9]+ users, [0-9]+ statuses/.test(
      document.querySelector("#details-formone").textContent));
    check(/GET \/health/.test(await page.locator("#details pre.log").textContent()), "log lines");
  });

  await step("Back up now, then restore that backup", async () => {
    await page.click("#details button.backup");
    await page.waitForFunction(() => /Backup: done/.test(document.querySelector("#details-message").textContent));
    check((await page.locator("#backups option").count()) === 1, "one backup listed");
    await page.click("#details button.restore");
    await page.waitForFunction(() => /Restore: done/.test(document.querySelector("#details-message").textContent),
                               null, {timeout: 60000});
    await shot("after-restore");
  });

  await step("Stop, then Start", async () => {
    await page.click("#details button.stop");
    await page.waitForFunction(() => /Stop: done/.test(document.querySelector("#details-message").textContent));
    check((await page.locator('tr[data-name="formone"] td.status').textContent()) === "stopped", "row stopped");
    await page.click("#details button.start");
    await page.waitForFunction(() => /Start: done/.test(document.querySelector("#details-message").textContent),
                               null, {timeout: 60000});
    check((await page.locator('tr[data-name="formone"] td.status').textContent()) === "running", "row running");
  });

  await step("Resize to another package; a bad upgrade is refused", async () => {
    await page.selectOption("#resize-package", "minimum");
    await page.click("#details button.resize");
    await page.waitForFunction(() => /Resize: done/.test(document.querySelector("#details-message").textContent));
    check(/of 2048 MB/.test(await page.locator("#details-formone").textContent()), "2048 MB now");
    await page.fill("#upgrade-binary", "no-such-binary");
    await page.click("#details button.upgrade");
    await page.waitForFunction(() => /Upgrade: .*not an executable/.test(
      document.querySelector("#details-message").textContent), null, {timeout: 60000});
    await shot("lifecycle");
  });

  await step("Delete removes the row", async () => {
    await page.click('tr[data-name="formtwo"] button.delete');
    await page.waitForFunction(() => !document.querySelector('tr[data-name="formtwo"]'));
    await shot("after-delete");
  });

  await step("Resize to a package that does not fit its node moves it to another", async () => {
    // recommended needs 4 cpus: node b has 2, node a (empty now) has 4
    await page.click('tr[data-name="formone"] button.details');
    // the panel drawn anew (no outcome shown yet), so that the choice below is not redrawn away
    await page.waitForFunction(() => document.querySelector("#details-formone") &&
      document.querySelector("#details-message").textContent === "");
    await page.selectOption("#resize-package", "recommended");
    await page.click("#details button.resize");
    await page.waitForFunction((ids) => new RegExp("Resize: done \\(it did not fit node " + ids[1] +
      ": moved to node " + ids[0] + "\\)").test(document.querySelector("#details-message").textContent),
      [nodeA, nodeB], {timeout: 120000});
    const text = await page.locator("#details-formone").textContent();
    check(text.includes("on node " + nodeA) && /of 4096 MB/.test(text), "details: " + text);
    check((await page.locator('tr[data-name="formone"] td').nth(3).textContent()) === nodeA, "row on node a");
    await shot("after-resize-move");
  });
} finally {
  await browser.close();
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
