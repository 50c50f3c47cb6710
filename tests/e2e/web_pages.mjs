// A server-rendered post page in a real browser: Debian's chromium driven by playwright-core. Run
// by tests/integration/test_web_pages.py, which passes
//   WEB_PAGE_URL       a post page with a content warning, an image and an audio file
//   WEB_NOT_FOUND_URL  an unknown path
//   WEB_EMBED_HOST_URL a page on another origin with a post's oEmbed iframe and an iframe of the
//                      post page itself (optional)
// Checks what a visitor meets: the content warning opens, the image is decoded and the audio
// plays under the page's Content-Security-Policy (no violation reported), the 404 page is a page.
// Prints "N passed, N failed".
import { launchChromium } from "./browser.mjs";

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

const browser = await launchChromium(["--autoplay-policy=no-user-gesture-required"]);
const page = await (await browser.newContext()).newPage();
page.setDefaultTimeout(20000);
const violations = [];
page.on("console", (message) => {
  if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
});

await step("the post page opens its content warning and shows the image", async () => {
  const response = await page.goto(process.env.WEB_PAGE_URL);
  check(response.status() === 200, `status ${response.status()}`);
  const article = page.locator("article.focused");
  await article.locator("summary").click();
  const image = article.locator(".media img");
  await image.waitFor({ state: "visible" });
  const decoded = await image.evaluate(async (img) => {
    if (!img.complete) await new Promise((done) => img.addEventListener("load", done));
    return img.naturalWidth;
  });
  check(decoded === 24, `the image is decoded (naturalWidth ${decoded})`);
  check((await image.getAttribute("alt")).startsWith("A striped"), "with its alt text");
});

await step("the audio plays", async () => {
  const audio = page.locator("article.focused audio");
  const state = await audio.evaluate(async (element) => {
    try {
      await element.play();
    } catch (error) {
      return `play failed: ${error.message}`;
    }
    return element.duration > 0 ? "ok" : `duration ${element.duration}`;
  });
  check(state === "ok", state);
});

await step("nothing on the page is blocked by its Content-Security-Policy", async () => {
  check(violations.length === 0, violations.join(" | "));
});

await step("an unknown path is an HTML page saying so", async () => {
  const response = await page.goto(process.env.WEB_NOT_FOUND_URL);
  check(response.status() === 404, `status ${response.status()}`);
  check((await page.locator("h1").textContent()) === "Page not found", "the heading");
  await page.locator("a[href='/']").first().click();
  await page.waitForURL((url) => url.pathname === "/");
});

if (process.env.WEB_EMBED_HOST_URL) {
  await step("another site embeds the post through oEmbed, but cannot frame the post page", async () => {
    const response = await page.goto(process.env.WEB_EMBED_HOST_URL, { waitUntil: "load" });
    check(response.status() === 200, `status ${response.status()}`);
    const embedded = page.frameLocator("iframe.mastodon-embed").locator("article");
    await embedded.first().waitFor({ state: "visible" });
    const text = await embedded.first().locator(".content").textContent();
    check(text.includes("Embed me"), `the framed post shows its text (${text})`);
    const framed = await page.frameLocator("#not-embeddable").locator("article").count();
    check(framed === 0, "the post page itself refuses to be framed (frame-ancestors 'none')");
  });
}

await browser.close();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
