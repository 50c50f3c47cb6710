// Two-factor authentication in a real browser: Debian's chromium driven by playwright-core. Run by
// tests/integration/test_two_factor.py, which starts `herd serve`, registers a user and passes:
//   HERD_URL  the server;  USER_EMAIL, USER_PASSWORD  the user;  CLIENT_ID  an app with the
//   out-of-band redirect URI;  SCREENSHOTS  folder for screenshots (optional)
// Sets up TOTP from the settings page (codes computed here, independently of the server), signs
// out and in again with a code, goes through the OAuth authorization flow with a code, and signs
// in with a recovery code. Prints lines "RESULT {json}" for the Python side, then
// "N passed, N failed".
import { createHmac } from "node:crypto";
import { launchChromium } from "./browser.mjs";

const base = process.env.HERD_URL;
const email = process.env.USER_EMAIL;
const password = process.env.USER_PASSWORD;
const clientId = process.env.CLIENT_ID;
const shots = process.env.SCREENSHOTS || "";
let passed = 0;
let failed = 0;

function check(condition, message) {
  if (!condition) throw new Error(message);
}

async function step(name, fn) {
  try {
    await fn();
    passed++;
    console.log(`PASS ${name}`);
  } catch (error) {
    failed++;
    console.log(`FAIL ${name}: ${error.message}`);
  }
}

// RFC 4648 base32 and RFC 6238 TOTP (SHA-1, 30 s, 6 digits), written here from the RFCs.
function base32Decode(text) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = 0;
  let value = 0;
  const out = [];
  for (const ch of text.replace(/=+$/, "").toUpperCase()) {
    value = (value << 5) | alphabet.indexOf(ch);
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

function totp(secret, stepNumber) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(stepNumber));
  const mac = createHmac("sha1", base32Decode(secret)).update(counter).digest();
  const offset = mac[mac.length - 1] & 15;
  const number = (mac.readUInt32BE(offset) & 0x7fffffff) % 1000000;
  return String(number).padStart(6, "0");
}

// Each code is accepted once and only within one step of the server's clock: use steps in
// increasing order, from the previous step on, waiting when the next one lies too far ahead.
let lastStep = 0;
async function nextCode(secret) {
  for (;;) {
    const now = Math.floor(Date.now() / 1000 / 30);
    const wanted = Math.max(lastStep + 1, now - 1);
    if (wanted <= now + 1) {
      lastStep = wanted;
      return totp(secret, wanted);
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

const browser = await launchChromium();

async function freshPage() {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(20000);
  return page;
}

async function shot(page, name) {
  if (shots) await page.screenshot({ path: `${shots}/${name}.png`, fullPage: true });
}

// Signed in: the settings page shows instead of sending to the sign-in form. A browser that
// lands on the web client (/home) first lets it finish its own OAuth sign-in: its redirects
// would otherwise replace the page opened next.
async function signedIn(page) {
  await page.waitForURL((url) => !url.pathname.startsWith("/auth/")).catch(() => {});
  if (new URL(page.url()).pathname === "/home") await page.getByRole("heading", { name: "Home", level: 1 }).waitFor();
  await page.goto(`${base}/settings/two_factor`);
  return page.isVisible("#two-factor-status");
}

async function signInWithPassword(page, returnTo = "") {
  await page.goto(`${base}/auth/sign_in${returnTo ? `?return_to=${encodeURIComponent(returnTo)}` : ""}`);
  await page.fill("#email", email);
  await page.fill("#password", password);
  await page.click('button[type="submit"]');
}

let secret = "";
let recoveryCodes = [];
const page = await freshPage();

await step("setting up two-factor authentication from the settings page", async () => {
  await signInWithPassword(page);
  check(await signedIn(page), "signed in with the password alone");
  check((await page.textContent("#two-factor-status")).includes("off"), "it starts off");
  await page.fill("#password", "not my password");
  await page.click('button:has-text("Set up")');
  check((await page.textContent(".error")).includes("current password"), "a wrong password is refused");
  await page.fill("#password", password);
  await page.click('button:has-text("Set up")');
  secret = (await page.textContent("#otp-secret")).trim();
  const uri = (await page.textContent("#otp-uri")).trim();
  check(/^[A-Z2-7]{32}$/.test(secret), `a base32 secret is shown: ${secret}`);
  check(uri.startsWith("otpauth://totp/") && uri.includes(`secret=${secret}`), `an otpauth URI: ${uri}`);
  await shot(page, "two-factor-setup");
  await page.fill("#code", "000000" === totp(secret, Math.floor(Date.now() / 30000)) ? "111111" : "000000");
  await page.click('button:has-text("Enable")');
  check((await page.textContent(".error")).includes("not right"), "a wrong code does not enable it");
  await page.fill("#code", await nextCode(secret));
  await page.click('button:has-text("Enable")');
  recoveryCodes = await page.$$eval(".recovery-codes code", (nodes) => nodes.map((n) => n.textContent));
  check(recoveryCodes.length === 10, `ten recovery codes are shown: ${recoveryCodes.length}`);
  await shot(page, "two-factor-recovery-codes");
  await page.goto(`${base}/settings/two_factor`);
  check((await page.textContent("#two-factor-status")).includes("on"), "it is on");
});

await step("signing in asks for the code after the password", async () => {
  await page.context().clearCookies();  // a browser without the session
  await signInWithPassword(page);
  check(await page.isVisible("#code"), "the code is asked for");
  await shot(page, "two-factor-challenge");
  await page.fill("#code", totp(secret, lastStep));  // the code already used to enable it
  await page.click('button[type="submit"]');
  check((await page.textContent(".error")).includes("Invalid two-factor code"), "a used code is refused");
  await page.fill("#code", await nextCode(secret));
  await page.click('button[type="submit"]');
  await page.waitForURL((url) => !url.pathname.startsWith("/auth/"));
  check(await signedIn(page), "signed in after the code");
});

await step("the OAuth authorization flow asks for the code", async () => {
  const other = await freshPage();
  const authorize = `/oauth/authorize?response_type=code&client_id=${encodeURIComponent(clientId)}` +
    `&redirect_uri=${encodeURIComponent("urn:ietf:wg:oauth:2.0:oob")}&scope=read`;
  await other.goto(`${base}${authorize}`);
  await other.fill("#email", email);
  await other.fill("#password", password);
  await other.click('button[type="submit"]');
  check(await other.isVisible("#code"), "the code is asked for before the consent");
  await other.fill("#code", await nextCode(secret));
  await other.click('button[type="submit"]');
  await other.click('button:has-text("Authorize")');
  const code = (await other.inputValue("input#code[readonly]")).trim();
  check(code.length > 10, `an authorization code is shown: ${code}`);
  console.log(`RESULT ${JSON.stringify({ authorization_code: code })}`);
  await other.context().close();
});

await step("a recovery code signs in once", async () => {
  for (const attempt of ["first", "second"]) {
    const other = await freshPage();
    await other.goto(`${base}/auth/sign_in`);
    await other.fill("#email", email);
    await other.fill("#password", password);
    await other.click('button[type="submit"]');
    await other.fill("#code", recoveryCodes[0]);
    await other.click('button[type="submit"]');
    if (attempt === "first") {
      await other.waitForURL((url) => !url.pathname.startsWith("/auth/"));
      check(await signedIn(other), "the recovery code signs in");
    } else {
      const text = await other.textContent("main");
      check(text.includes("Invalid two-factor code"), "the same recovery code is refused again");
    }
    await other.context().close();
  }
});

await browser.close();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
