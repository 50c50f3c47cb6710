// The XSS corpus in a real browser (Debian's chromium, playwright-core): run by tests/e2e/test_xss.py,
// which has put the payloads in every field and passes
//   HERD_URL                     the server;  XSS_RESOLVE "host address" (its name in the test namespace)
//   XSS_EMAIL, XSS_PASSWORD      the person whose web client is opened
//   XSS_SERVER_PAGES             JSON list of paths opened signed out (server-rendered pages)
//   XSS_CLIENT_PAGES             JSON list of paths opened signed in (the web client)
//   XSS_ADMIN_EMAIL, XSS_ADMIN_PASSWORD, XSS_ADMIN_PAGES   the staff views, opened as the admin
//                                (a path, or {path, tab}: the tab to open there)
//   XSS_MAIL_FILES               JSON list of {subject, path}: the HTML part of each mail sent
//   XSS_STREAM_TOKEN, XSS_STREAM_TEXTS   posted with that token while the person's home is open:
//                                the posts arrive over the streaming API and are inspected there
// On every page: window.alert/confirm/prompt are hooked and page 'dialog' events recorded; the
// payloads try to set window.__xss; every element is searched for event-handler attributes and
// javascript:/data: URLs; Content-Security-Policy violations and page errors are collected; the
// page is hovered, content warnings opened and links focused so that lazy handlers would fire.
// Prints "PASS/FAIL <page>" and "N passed, N failed"; exits 1 on any failure.
import { launchChromium } from "./browser.mjs";

const base = process.env.HERD_URL;
const [host, address] = (process.env.XSS_RESOLVE || "").split(" ");
// What the web client shows once a view has loaded (a view that shows nothing would hide a hole).
const CLIENT_CONTENT = "main article, main .profile-name, main .notification-head, main .report, " +
  "main .admin li, main .admin tr, main .account-row";
let passed = 0;
let failed = 0;

// The server has a test host name: chromium resolves it to its loopback address and treats it as
// a secure origin (the client's sign-in needs one, as 127.0.0.1 would be).
const browser = await launchChromium(host ? [`--host-resolver-rules=MAP ${host} ${address}`,
  `--unsafely-treat-insecure-origin-as-secure=${base}`] : []);

async function context() {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await ctx.addInitScript(() => {
    const hit = (how) => (...a) => { window.__xss = window.__xss || `${how}(${a.join(",")})`; };
    window.alert = hit("alert");
    window.confirm = hit("confirm");
    window.prompt = hit("prompt");
  });
  return ctx;
}

// What a page shows that a payload could have made into script.
function inspect() {
  const bad = [];
  const scriptUrl = /^\s*(javascript|data|vbscript):/i;
  for (const el of document.querySelectorAll("*")) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      if (name.startsWith("on")) bad.push(`<${el.localName} ${name}="${attr.value.slice(0, 60)}">`);
      if (["href", "src", "action", "formaction", "data", "xlink:href", "srcdoc"].includes(name) &&
          scriptUrl.test(attr.value) && !(el.localName === "img" && /^data:image\//i.test(attr.value)))
        bad.push(`<${el.localName} ${name}="${attr.value.slice(0, 60)}">`);
    }
    if (el.localName === "script" && !(el.getAttribute("src") || "").startsWith("/assets/") &&
        el.getAttribute("type") !== "application/ld+json" && el.getAttribute("type") !== "application/json")
      bad.push(`<script>${el.textContent.slice(0, 60)}</script>`);
    if (["iframe", "object", "embed", "base", "frame", "frameset"].includes(el.localName) &&
        el.closest(".content, .note, .status, article, .card, .poll, .fields, dd, .cw"))
      bad.push(`<${el.localName}> inside user content`);
    if (el.localName === "meta" && /refresh/i.test(el.getAttribute("http-equiv") || "")) bad.push("<meta refresh>");
    if (el.localName === "style" && el.closest("body")) bad.push(`<style> in the body: ${el.textContent.slice(0, 60)}`);
  }
  return { bad, marker: window.__xss || null };
}

// Runs `act` on the page (a navigation, a streamed post...), then looks for what a payload could
// have turned into script; prints PASS or FAIL with the label.
async function check(page, label, act, { expectContent = false } = {}) {
  const problems = [];
  const onDialog = (d) => { problems.push(`dialog ${d.type()}: ${d.message()}`); d.dismiss().catch(() => {}); };
  const onConsole = (m) => {
    // A script the policy stopped (an http: image it blocks is no injection).
    if (/Content Security Policy/i.test(m.text())) {
      if (/script|inline|eval|frame|object|base-uri|form-action/i.test(m.text())) problems.push(`CSP: ${m.text().slice(0, 200)}`);
    } else if (m.type() === "error" && !/Failed to load resource/.test(m.text())) problems.push(`console error: ${m.text().slice(0, 200)}`);
  };
  const onError = (e) => problems.push(`page error: ${e.message}`);
  page.on("dialog", onDialog);
  page.on("console", onConsole);
  page.on("pageerror", onError);
  try {
    await act(problems);
    if (expectContent) await page.locator(CLIENT_CONTENT).first().waitFor({ timeout: 8000 }).catch(() => {});
    // Open content warnings, hover and focus what is there, so that lazy handlers would run.
    for (const button of await page.locator('.cw button[aria-expanded="false"], details > summary').all())
      await button.click().catch(() => {});
    for (const el of await page.locator(".content a, .content span, .note a, dd a, .card, .poll, .media img, .display-name, .report-comment, .announcement a").all())
      await el.hover({ timeout: 1000 }).catch(() => {});
    await page.keyboard.press("Tab");
    await page.waitForTimeout(200);
    const { bad, marker } = await page.evaluate(inspect);
    if (marker) problems.push(`window.__xss = ${marker}`);
    problems.push(...bad);
    if (expectContent && (await page.locator(CLIENT_CONTENT).count()) === 0)
      problems.push(`nothing rendered in main (the page would hide a failure): ${(await page.locator("main").innerText()).slice(0, 300)}`);
  } catch (error) {
    problems.push(error.message.split("\n")[0]);
  } finally {
    page.off("dialog", onDialog);
    page.off("console", onConsole);
    page.off("pageerror", onError);
  }
  if (problems.length) {
    failed++;
    console.log(`FAIL ${label}:\n  ${[...new Set(problems)].join("\n  ")}`);
  } else {
    passed++;
    console.log(`PASS ${label}`);
  }
}

// `tab`: the index of a tab (role="tab") to open once the view has loaded.
async function visit(page, path, signedIn, tab) {
  const label = `${signedIn ? "web client" : "server page"} ${path}${tab === undefined ? "" : ` (tab ${tab})`}`;
  await check(page, label, async (problems) => {
    const response = await page.goto(base + path);
    if (!response || response.status() !== 200) problems.push(`status ${response && response.status()}`);
    if (tab !== undefined) await page.locator('main [role="tab"]').nth(tab).click();
  }, { expectContent: signedIn });
}

async function signIn(email, password) {
  const page = await (await context()).newPage();
  page.setDefaultTimeout(15000);
  await page.goto(`${base}/auth/sign_in`);
  await page.fill("#email", email);
  await page.fill("#password", password);
  await Promise.all([page.waitForURL(`${base}/home`), page.click('form button[type="submit"]')]);
  return page;
}

// The server-rendered pages, signed out.
const visitor = await (await context()).newPage();
visitor.setDefaultTimeout(15000);
for (const path of JSON.parse(process.env.XSS_SERVER_PAGES || "[]")) await visit(visitor, path, false);

// The web client, signed in.
const reader = await signIn(process.env.XSS_EMAIL, process.env.XSS_PASSWORD);
for (const path of JSON.parse(process.env.XSS_CLIENT_PAGES || "[]")) await visit(reader, path, true);

// Posts arriving over the streaming API while home is open.
const streamed = JSON.parse(process.env.XSS_STREAM_TEXTS || "[]");
if (streamed.length) {
  await reader.goto(`${base}/home`);
  await reader.locator("main article").first().waitFor();
  await reader.waitForTimeout(1000); // the stream is open
  await check(reader, "web client /home, posts streamed in", async (problems) => {
    for (const status of streamed) {
      const r = await fetch(`${base}/api/v1/statuses`, {
        method: "POST", body: JSON.stringify({ status }),
        headers: { Authorization: `Bearer ${process.env.XSS_STREAM_TOKEN}`, "Content-Type": "application/json" },
      });
      if (r.status !== 200) problems.push(`posting a streamed status: ${r.status}`);
    }
    const last = streamed[streamed.length - 1].split(" ")[0];
    // The client may show new posts at once or behind a "new posts" button: either way they must arrive.
    const arrived = async () => (await reader.locator(`main article:has-text("${last}")`).count()) > 0;
    for (let i = 0; i < 50 && !(await arrived()); i++) {
      await reader.locator("main .new-posts, main button.load-new").first().click({ timeout: 100 }).catch(() => {});
      await reader.waitForTimeout(200);
    }
    if (!(await arrived())) problems.push("the streamed posts never appeared on home");
  });
}

// The staff views, as the admin.
if (process.env.XSS_ADMIN_EMAIL) {
  const staff = await signIn(process.env.XSS_ADMIN_EMAIL, process.env.XSS_ADMIN_PASSWORD);
  for (const entry of JSON.parse(process.env.XSS_ADMIN_PAGES || "[]")) {
    const { path, tab } = typeof entry === "string" ? { path: entry } : entry;
    await visit(staff, path, true, tab);
  }
}

// The HTML part of each mail, opened as a web mail reader without a sandbox would show it.
const mailPage = await (await context()).newPage();
for (const mail of JSON.parse(process.env.XSS_MAIL_FILES || "[]")) {
  const html = (await import("node:fs")).readFileSync(mail.path, "utf8");
  await check(mailPage, `mail "${mail.subject}"`, async () => { await mailPage.setContent(html); });
}

await browser.close();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
