// The web client end to end in Debian's chromium (playwright-core): run by tests/e2e/test_webui.py,
// which starts one `herd serve` and passes it in the environment:
//   HERD_URL  http://127.0.0.1:<port>;  HERD_ADMIN_EMAIL, HERD_ADMIN_PASSWORD;
//   WEBUI_SCREENSHOTS  folder for screenshots of the main views at 390 and 1440 px (optional).
// Two people sign up through the web, follow each other (one of them locked), post with an image,
// alt text and focal point that arrives live in the other's browser, reply, boost, favourite, vote
// in a poll, pick a custom emoji, see a remote photo's blurhash, edit, open notifications, change
// the avatar, block a domain, revoke an app, report; the admin signs in and acts on the report,
// then edits the rules, the about text, an announcement, the registration mode, and marks an
// account sensitive.
// Prints "PASS/FAIL <step>" lines and "N passed, N failed"; exits 1 on any failure.
import { launchChromium } from "./browser.mjs";
import { deflateSync } from "node:zlib";

const base = process.env.HERD_URL;
const shots = process.env.WEBUI_SCREENSHOTS || "";
const password = "webui-password-for-tests-1";
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
  } catch (error) {
    failed++;
    console.log(`FAIL ${name}: ${error.message.split("\n").slice(0, 6).join("\n  ")}`);
  }
}

// A solid-colour PNG (what a person uploads as a photo or avatar).
function png(width, height, [r, g, b]) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const byte of buf) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(type, 4, "latin1");
    data.copy(out, 8);
    out.writeUInt32BE(crc(out.subarray(4, 8 + data.length)), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) rows.set([r, g, b], y * (width * 3 + 1) + 1 + x * 3);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk("IHDR", header),
    chunk("IDAT", deflateSync(rows)), chunk("IEND", Buffer.alloc(0))]);
}

const browser = await launchChromium();

const consoleErrors = [];
async function person(name) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  page.on("dialog", (dialog) => dialog.accept());
  page.on("console", (m) => { if (m.type() === "error") consoleErrors.push(`${name}: ${m.text()}`); });
  page.on("pageerror", (e) => consoleErrors.push(`${name}: ${e.message}`));
  return { name, context, page };
}

async function signUp(p) {
  const { page, name } = p;
  await page.goto(`${base}/auth/sign_up`);
  await page.fill("#username", name);
  await page.fill("#email", `${name}@webui.test`);
  await page.fill("#password", password);
  await page.fill("#password_confirmation", password);
  await page.check('input[name="agreement"]');
  await Promise.all([page.waitForURL(`${base}/home`), page.click('form button[type="submit"]')]);
  await page.getByRole("heading", { name: "Home", level: 1 }).waitFor();
}

// The article of the post with this text, in the main column.
const post = (page, text) => page.locator("main article.status", { hasText: text }).first();

async function shot(page, name) {
  if (!shots) return;
  await page.waitForTimeout(150);
  await page.screenshot({ path: `${shots}/${name}-1440.png` });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(150);
  await page.screenshot({ path: `${shots}/${name}-390.png` });
  await page.setViewportSize({ width: 1440, height: 900 });
}

const alice = await person("alice");
const bob = await person("bob");
const admin = await person("admin");
const stamp = Date.now().toString(36);
const photoText = `A photo of the sea ${stamp}`;
const alt = `Blue sea under a clear sky ${stamp}`;

await step("sign up through the web lands in the client, served with a strict CSP", async () => {
  const shell = alice.page.waitForResponse((r) => r.url() === `${base}/home` && r.request().resourceType() === "document");
  await signUp(alice);
  const csp = (await shell).headers()["content-security-policy"] || "";
  check(csp.includes("script-src 'self'") && !csp.includes("unsafe-inline") && !csp.includes("unsafe-eval"), `CSP: ${csp}`);
  await signUp(bob);
  const announcement = alice.page.getByRole("region", { name: "Announcements" });
  await announcement.getByText("Welcome to the web app!").waitFor();
  await announcement.getByRole("button", { name: "Dismiss" }).click();
  await announcement.waitFor({ state: "detached" });
  check(await alice.page.locator(".brand .me").innerText().then((t) => t.includes("@alice")), "alice's account is shown");
});

await step("assets are content-hashed, immutable and precompressed", async () => {
  const src = await alice.page.locator('script[type="module"]').getAttribute("src");
  check(/^\/assets\/app-[A-Z0-9]+\.js$/.test(src), `script ${src}`);
  const response = await alice.page.request.get(`${base}${src}`, { headers: { "Accept-Encoding": "br" } });
  check(response.headers()["cache-control"] === "public, max-age=31536000, immutable", response.headers()["cache-control"]);
  check(response.headers()["content-encoding"] === "br", `encoding ${response.headers()["content-encoding"]}`);
});

await step("bob locks his account and changes his avatar in the settings", async () => {
  const page = bob.page;
  await page.getByRole("link", { name: "Settings" }).click();
  await page.getByLabel("Avatar").setInputFiles({ name: "avatar.png", mimeType: "image/png", buffer: png(120, 120, [200, 80, 60]) });
  await page.getByLabel("Display name").fill("Bob Builder");
  await page.getByLabel("Approve followers by hand (locked account)").check();
  await page.getByRole("button", { name: "Save changes" }).click();
  await page.getByText("Saved").waitFor();
  const src = await page.locator(".brand .me img").getAttribute("src");
  check(src && !src.includes("missing.png"), `avatar is ${src}`);
  await shot(page, "settings");
});

await step("alice asks to follow locked bob; bob accepts; bob follows alice", async () => {
  await alice.page.goto(`${base}/@bob`);
  await alice.page.getByRole("button", { name: "Request to follow" }).click();
  await alice.page.getByRole("button", { name: "Requested (cancel)" }).waitFor();
  await bob.page.getByRole("link", { name: "Notifications" }).click();
  await bob.page.locator("article.notification", { hasText: "asked to follow you" }).getByRole("button", { name: "Accept" }).click();
  await bob.page.getByText("Follow request accepted").waitFor();
  await alice.page.reload();
  await alice.page.getByRole("button", { name: "Unfollow" }).waitFor();
  await bob.page.goto(`${base}/@alice`);
  await bob.page.getByRole("button", { name: "Follow", exact: true }).click();
  await bob.page.getByRole("button", { name: "Unfollow" }).waitFor();
  await shot(alice.page, "profile");
});

await step("alice posts an image with alt text; it arrives live in bob's home", async () => {
  await bob.page.goto(`${base}/home`);
  await bob.page.getByRole("heading", { name: "Home", level: 1 }).waitFor();
  await bob.page.waitForTimeout(300);  // the streaming socket subscribes
  const page = alice.page;
  await page.goto(`${base}/home`);
  await page.getByLabel("Add images, a video or audio").first().setInputFiles({ name: "sea.png", mimeType: "image/png", buffer: png(320, 200, [40, 110, 200]) });
  await page.getByLabel("Description (alt text)").fill(alt);
  // The focal point: a click on the preview (96 x 60 px for this 320 x 200 image) at 3/4 across,
  // 1/4 down puts the marker there (give or take a pixel of rounding).
  await page.getByRole("button", { name: /^Focal point at 50% across, 50% down/ }).click({ position: { x: 72, y: 15 } });
  await page.getByRole("button", { name: /^Focal point at 7[4-6]% across, 2[4-6]% down/ }).locator(".focal-marker").waitFor();
  await page.getByLabel("Post text").fill(photoText);
  await page.getByRole("button", { name: "Publish" }).click();
  await post(page, photoText).waitFor();
  check(await page.getByLabel("Post text").inputValue() === "", "the compose box is cleared");
  await bob.page.getByRole("button", { name: /Show 1 new post/ }).click();
  const arrived = post(bob.page, photoText);
  await arrived.waitFor();
  check(await arrived.locator(`img[alt="${alt}"]`).count() === 1, "the image carries its alt text");
  await shot(bob.page, "home");
});

await step("bob replies, boosts and favourites; alice sees the unread count and notifications", async () => {
  const page = bob.page;
  const target = post(page, photoText);
  await target.getByRole("button", { name: "Favourite" }).click();
  await target.getByRole("button", { name: "Boost" }).click();
  await page.waitForFunction(() => document.querySelectorAll('main article.status [data-action="favourite"][aria-pressed="true"]').length > 0);
  await target.getByRole("button", { name: "Reply" }).click();
  const text = page.getByLabel("Post text");
  await page.waitForFunction(() => document.getElementById("compose-text")?.value.startsWith("@alice "));
  await text.press("End");
  await text.type("Lovely colours!");
  await page.getByRole("button", { name: "Publish" }).click();
  await page.getByText("Posted").first().waitFor();
  await alice.page.locator(".nav .badge.unread").waitFor();
  await alice.page.getByRole("link", { name: /Notifications/ }).click();
  for (const words of ["favourited your post", "boosted your post"])
    await alice.page.locator("article.notification", { hasText: words }).first().waitFor();
  await alice.page.locator("main article.status", { hasText: "Lovely colours!" }).first().waitFor();
  await shot(alice.page, "notifications");
});

await step("the thread shows the post with its reply", async () => {
  await alice.page.goto(`${base}/home`);
  await post(alice.page, photoText).locator(".content").click();
  await alice.page.locator("article.status.focused", { hasText: photoText }).waitFor();
  await alice.page.locator("main article.status", { hasText: "Lovely colours!" }).waitFor();
  await alice.page.locator("article.status.focused .media-item").click();
  await alice.page.getByRole("dialog", { name: "Media viewer" }).getByText(alt).waitFor();
  await shot(alice.page, "media-viewer");
  await alice.page.keyboard.press("Escape");
  await shot(alice.page, "thread");
});

await step("alice posts a poll; bob votes and sees the results", async () => {
  const page = alice.page;
  await page.goto(`${base}/home`);
  await page.getByRole("button", { name: "Poll", exact: true }).click();
  await page.getByLabel("Choice 1", { exact: true }).fill("Tea");
  await page.getByLabel("Choice 2", { exact: true }).fill("Coffee");
  await page.getByLabel("Post text").fill(`Tea or coffee? ${stamp}`);
  await page.getByRole("button", { name: "Publish" }).click();
  await post(page, `Tea or coffee? ${stamp}`).waitFor();
  await bob.page.goto(`${base}/home`);
  const poll = post(bob.page, `Tea or coffee? ${stamp}`);
  await poll.getByLabel("Coffee").check();
  await poll.getByRole("button", { name: "Vote" }).click();
  await poll.getByText("100%").waitFor();
  await poll.getByText("1 vote").waitFor();
});

await step("alice picks a custom emoji from the autocomplete with the keyboard", async () => {
  const page = alice.page;
  await page.goto(`${base}/home`);
  const text = page.getByLabel("Post text");
  await text.fill("");
  await text.type("Hello :blo");
  await page.getByRole("listbox", { name: "Suggestions" }).getByRole("option", { name: ":blobcat:" }).waitFor();
  await text.press("Enter");
  await page.waitForFunction(() => document.getElementById("compose-text")?.value === "Hello :blobcat: ");
  await text.type(`from the picker ${stamp}`);
  await page.getByRole("button", { name: "Publish" }).click();
  await post(page, `from the picker ${stamp}`).locator('img.emoji[alt=":blobcat:"]').waitFor();
});

await step("a remote sensitive photo is covered by its blurhash until opened", async () => {
  const page = alice.page;
  await page.goto(`${base}/public`);
  const remote = post(page, "A sensitive photo from sam");
  const cover = remote.locator(".sensitive-cover canvas.blurhash");
  await cover.waitFor();
  const want = process.env.BLURHASH_RGB.split(",").map(Number);
  const rgba = await cover.evaluate((c) => Array.from(c.getContext("2d").getImageData(16, 16, 1, 1).data));
  check(want.every((v, i) => Math.abs(v - rgba[i]) <= 3) && rgba[3] === 255, `the cover shows the photo's colours: ${rgba} (the blurhash says ${want})`);
  await shot(page, "federated");
  await remote.getByRole("button", { name: /Sensitive content/ }).click();
  // The photo itself cannot be fetched here: its blurhash stays in its place.
  await remote.locator(".media-item canvas.blurhash").waitFor();
});

await step("alice sets the language of her posts in the preferences; compose starts with it", async () => {
  const page = alice.page;
  await page.goto(`${base}/settings/preferences`);
  await page.getByLabel("Language of your posts").selectOption("de");
  await page.getByRole("button", { name: "Save changes" }).first().click();
  await page.getByText("Saved").first().waitFor();
  await page.goto(`${base}/home`);
  await page.getByText("Language and scheduling").click();
  await page.waitForFunction(() => document.querySelector(".compose-extra select")?.value === "de");
});

await step("alice blocks a domain in her settings, then unblocks it", async () => {
  const page = alice.page;
  await page.goto(`${base}/settings/domain_blocks`);
  await page.getByLabel("Domain to block").fill("spam.example");
  await page.getByRole("button", { name: "Block domain" }).click();
  const list = page.getByRole("list", { name: "Blocked domains" });
  await list.getByText("spam.example", { exact: true }).waitFor();
  await page.reload();
  await list.getByText("spam.example", { exact: true }).waitFor();
  await shot(page, "settings-domains");
  await page.getByRole("button", { name: "Unblock spam.example" }).click();
  await page.getByText("You have not blocked any domain.").waitFor();
});

await step("alice makes a list, adds bob from the people she follows, and reads his posts there", async () => {
  const page = alice.page;
  await page.goto(`${base}/lists`);
  await page.getByLabel("New list title").fill("Builders");
  await page.getByRole("button", { name: "Create list" }).click();
  await page.getByRole("heading", { name: "Builders", level: 2 }).waitFor();
  await page.getByText("Nobody is in this list yet").waitFor();
  await page.getByLabel("Find people you follow").fill("bob");
  await page.getByLabel("Find people you follow").press("Enter");
  await page.getByRole("list", { name: "People you follow" }).getByRole("button", { name: "Add @bob" }).click();
  await page.getByRole("list", { name: "People in this list" }).getByRole("button", { name: "Remove @bob" }).waitFor();
  await shot(page, "list");
  await page.getByRole("button", { name: "Done editing" }).click();
  await bob.page.goto(`${base}/home`);
  await bob.page.getByLabel("Post text").fill(`Building a shed ${stamp}`);
  await bob.page.getByRole("button", { name: "Publish" }).click();
  await post(bob.page, `Building a shed ${stamp}`).waitFor();
  await page.reload();
  await post(page, `Building a shed ${stamp}`).waitFor();
});

await step("alice edits her post; the edited marker and history show", async () => {
  const page = alice.page;
  await page.goto(`${base}/@alice`);
  const mine = post(page, photoText);
  await mine.getByRole("button", { name: "More" }).click();
  await mine.getByRole("menuitem", { name: "Edit" }).click();
  const text = page.getByLabel("Post text");
  await page.waitForFunction((t) => document.getElementById("compose-text")?.value === t, photoText);
  await text.fill(`${photoText} (at noon)`);
  await page.getByRole("button", { name: "Save changes" }).click();
  await page.getByText("Changes saved").waitFor();
  const edited = post(page, "(at noon)");
  await edited.getByRole("button", { name: /^Edited/ }).click();
  await edited.getByRole("region", { name: "Edit history" }).getByText(photoText).first().waitFor();
});

await step("a failed post keeps its text and says why", async () => {
  const page = alice.page;
  const long = "x".repeat(30);
  await page.route("**/api/v1/statuses", (route) => route.fulfill({ status: 422, contentType: "application/json", body: '{"error":"Validation failed: Text is too long"}' }));
  await page.getByLabel("Post text").fill(long);
  await page.getByRole("button", { name: "Publish" }).click();
  await page.getByText("Validation failed: Text is too long").waitFor();
  check(await page.getByLabel("Post text").inputValue() === long, "the text is kept");
  await page.unroute("**/api/v1/statuses");
  await page.reload();
  check(await page.getByLabel("Post text").inputValue() === long, "the draft survives a reload");
  await page.getByLabel("Post text").fill("");
});

await step("search finds people and hashtags; keyboard shortcuts work", async () => {
  const page = bob.page;
  await page.goto(`${base}/home`);
  await page.locator("main").click({ position: { x: 5, y: 5 } });
  await page.keyboard.press("/");
  await page.waitForURL(`${base}/search`);
  await page.keyboard.type("alice");
  await page.keyboard.press("Enter");
  await page.locator("main .account-list").getByText("@alice").first().waitFor();
  await shot(page, "search");
  await page.goto(`${base}/home`);
  await post(page, photoText).waitFor();
  await page.locator("main").click({ position: { x: 5, y: 5 } });
  await page.keyboard.press("j");
  check(await page.evaluate(() => document.activeElement?.matches("article.status")), "j focuses a post");
  await page.keyboard.press("?");
  await page.getByRole("dialog", { name: "Keyboard shortcuts" }).waitFor();
  await shot(page, "help");
  await page.keyboard.press("Escape");
});

await step("views at phone width: compose page and local timeline", async () => {
  const page = alice.page;
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${base}/public/local`);
  await post(page, photoText).waitFor();
  if (shots) await page.screenshot({ path: `${shots}/local-390.png` });
  await page.getByRole("link", { name: "Post", exact: true }).click();
  await page.getByLabel("Post text").waitFor();
  if (shots) await page.screenshot({ path: `${shots}/compose-390.png` });
  await page.setViewportSize({ width: 1440, height: 900 });
});

await step("bob sends alice a direct message; it is in her conversations", async () => {
  const page = bob.page;
  await page.goto(`${base}/home`);
  await page.getByLabel("Post text").fill(`@alice a direct word ${stamp}`);
  await page.getByLabel("Who can see this post").selectOption("direct");
  await page.getByRole("button", { name: "Publish" }).click();
  await post(page, `a direct word ${stamp}`).waitFor();
  await alice.page.getByRole("link", { name: "Direct messages" }).click();
  await alice.page.getByRole("button", { name: new RegExp(`@bob.*a direct word ${stamp}`) }).click();
  await alice.page.locator("article.status.focused", { hasText: `a direct word ${stamp}` }).waitFor();
});

await step("alice finds a person on another instance by handle and follows her", async () => {
  const handle = process.env.REMOTE_HANDLE;
  const page = alice.page;
  await page.goto(`${base}/search?q=${encodeURIComponent("@" + handle)}`);
  await page.locator("main .account-list").getByText(`@${handle}`).click();
  await page.waitForURL(`${base}/@${handle}`);
  await page.getByRole("button", { name: "Follow", exact: true }).click();
  // Until the remote Accept arrives the follow is a request.
  await page.getByRole("button", { name: /^(Unfollow|Requested \(cancel\))$/ }).waitFor();
});

await step("bob reports alice's post", async () => {
  const page = bob.page;
  const target = post(page, photoText);
  await target.getByRole("button", { name: "More" }).click();
  await target.getByRole("menuitem", { name: "Report @alice" }).click();
  const dialog = page.getByRole("dialog", { name: "Report @alice" });
  await dialog.getByLabel("It is spam").check();
  await dialog.getByLabel("Anything the moderators should know (optional)").fill("report from bob: spam");
  await shot(page, "report-dialog");
  await dialog.getByRole("button", { name: "Send report" }).click();
  await page.getByText("Report sent to the moderators").waitFor();
});

await step("the admin signs in on the web and limits the reported account", async () => {
  const page = admin.page;
  await page.goto(`${base}/auth/sign_in`);
  await page.fill("#email", process.env.HERD_ADMIN_EMAIL);
  await page.fill("#password", process.env.HERD_ADMIN_PASSWORD);
  await Promise.all([page.waitForURL(`${base}/home`), page.click('form button[type="submit"]')]);
  await page.getByRole("link", { name: "Moderation" }).click();
  await page.getByRole("link", { name: "Report on @alice" }).click();
  await page.getByText("report from bob: spam").waitFor();
  await shot(page, "admin-report");
  await page.getByLabel("Limit").check();
  await page.getByRole("button", { name: "Apply and resolve" }).click();
  await page.getByText("Done").waitFor();
  await page.locator(".report .meta", { hasText: "Resolved" }).waitFor();
});

await step("the admin adds a rule and writes the about text; visitors see both", async () => {
  const page = admin.page;
  await page.getByRole("link", { name: "Rules", exact: true }).click();
  await page.getByLabel("Rule", { exact: true }).first().fill(`Be kind to each other ${stamp}`);
  await page.getByRole("button", { name: "Add a rule" }).click();
  await page.getByText("Done").first().waitFor();
  await page.getByRole("list", { name: "Rules" }).getByRole("textbox").first().waitFor();
  await shot(page, "admin-rules");
  await page.getByRole("link", { name: "About and policies" }).click();
  const about = page.locator("form", { has: page.getByLabel("About this server (extended description)") });
  await about.getByRole("textbox").fill(`We sail small boats. ${stamp}`);
  await about.getByRole("button", { name: "Save changes" }).click();
  await about.getByText(/^Last changed/).waitFor();
  const visitor = await browser.newContext();
  const aboutPage = await visitor.newPage();
  await aboutPage.goto(`${base}/about`);
  await aboutPage.getByText(`We sail small boats. ${stamp}`).waitFor();
  await aboutPage.getByText(`Be kind to each other ${stamp}`).waitFor();
  await visitor.close();
});

await step("the admin drafts an announcement, publishes, edits and deletes it; alice sees each", async () => {
  const page = admin.page;
  const text = `Maintenance tonight ${stamp}`;
  await page.goto(`${base}/admin/announcements`);
  await page.getByLabel("Announcement", { exact: true }).fill(text);
  await page.getByRole("button", { name: "Save as draft" }).click();
  const item = page.getByRole("list", { name: "Announcements" }).locator("li", { hasText: text });
  await item.getByText("Draft (not shown to anyone)").waitFor();
  const fetched = alice.page.waitForResponse((r) => r.url().endsWith("/api/v1/announcements"));
  await alice.page.goto(`${base}/home`);
  check(!JSON.stringify(await (await fetched).json()).includes(text), "a draft is not shown to people");
  await item.getByRole("button", { name: "Publish" }).click();
  await item.getByText(/^Published/).waitFor();
  await alice.page.reload();
  const shown = alice.page.getByRole("region", { name: "Announcements" });
  await shown.getByText(text).waitFor();
  await shot(page, "admin-announcements");
  await item.getByRole("button", { name: "Edit" }).click();
  await page.getByRole("list", { name: "Announcements" }).getByLabel("Announcement", { exact: true }).fill(`${text}, from 22:00`);
  await page.getByRole("list", { name: "Announcements" }).getByRole("button", { name: "Save changes" }).click();
  await alice.page.reload();
  await shown.getByText(`${text}, from 22:00`).waitFor();
  const edited = page.getByRole("list", { name: "Announcements" }).locator("li", { hasText: text });
  await edited.getByRole("button", { name: "Delete" }).click();
  await edited.waitFor({ state: "detached" });
});

await step("the admin switches registrations to approval: sign-up is closed, then reviewed; shows the moderated servers", async () => {
  const page = admin.page;
  await page.goto(`${base}/admin/site`);
  const save = () => Promise.all([page.waitForResponse((r) => r.url().endsWith("/api/v1/admin/site") && r.request().method() === "PUT" && r.ok()), page.getByRole("button", { name: "Save changes" }).click()]);
  await page.getByLabel("Nobody can sign up").check();
  await save();
  const visitor = await browser.newContext();
  const signUp = await visitor.newPage();
  await signUp.goto(`${base}/auth/sign_up`);
  await signUp.getByText("Registrations are closed").first().waitFor();
  await page.getByLabel("Anyone can ask; staff approve each account").check();
  await save();
  await signUp.goto(`${base}/auth/sign_up`);
  await signUp.locator("#username").waitFor();
  await visitor.close();
  check((await fetch(`${base}/api/v1/instance/domain_blocks`)).status === 404, "moderated servers hidden by default");
  await page.getByRole("group", { name: "Who sees the list of moderated servers" }).getByLabel("Everyone").check();
  await save();
  const listed = await fetch(`${base}/api/v1/instance/domain_blocks`);
  check(listed.status === 200 && Array.isArray(await listed.json()), `moderated servers shown to everyone: ${listed.status}`);
  await page.getByRole("group", { name: "Who sees the list of moderated servers" }).getByLabel("Nobody").check();
  await save();
  await shot(page, "admin-site");
});

await step("the admin marks bob's media as sensitive from the accounts list", async () => {
  const page = admin.page;
  await page.goto(`${base}/admin/accounts`);
  await page.getByLabel("Find an account by username").fill("bob");
  await page.getByRole("button", { name: "Search", exact: true }).click();
  const row = page.locator("main .account-list li", { hasText: "@bob" });
  await row.getByRole("button", { name: "Mark media as sensitive" }).click();
  await row.getByText("Media marked sensitive").waitFor();
  await row.getByRole("button", { name: "Undo sensitive" }).waitFor();
});

await step("bob sees his browser and the apps with access, and revokes one", async () => {
  const page = bob.page;
  const app = await (await page.request.post(`${base}/api/v1/apps`, { data: { client_name: "Pocket Toot", redirect_uris: "urn:ietf:wg:oauth:2.0:oob", scopes: "read" } })).json();
  const grant = await (await page.request.post(`${base}/oauth/token`, { form: { grant_type: "password", client_id: app.client_id, client_secret: app.client_secret, username: "bob@webui.test", password, scope: "read" } })).json();
  check(grant.access_token, `a token for Pocket Toot: ${JSON.stringify(grant)}`);
  await page.goto(`${base}/settings/authorized_apps`);
  const apps = page.getByRole("list", { name: "Authorized apps" });
  await apps.getByText("Pocket Toot", { exact: true }).waitFor();
  const browsers = page.getByRole("list", { name: "Browsers signed in" });
  await browsers.locator("li", { hasText: "This browser" }).getByText("Chrome on Linux").waitFor();
  await shot(page, "settings-sessions");
  await page.getByRole("button", { name: "Revoke Pocket Toot" }).click();
  await apps.getByText("Pocket Toot", { exact: true }).waitFor({ state: "detached" });
  const response = await page.request.get(`${base}/api/v1/accounts/verify_credentials`, { headers: { Authorization: `Bearer ${grant.access_token}` } });
  check(response.status() === 401, `Pocket Toot's token answers ${response.status()}`);
});

await step("signing out revokes the client's token and ends the session", async () => {
  const page = bob.page;
  await page.goto(`${base}/home`);
  const token = await page.evaluate(() => JSON.parse(localStorage.getItem("herd.token")).token);
  await page.setViewportSize({ width: 390, height: 844 });  // on a phone: from the settings
  await page.getByRole("link", { name: "Settings" }).click();
  await Promise.all([page.waitForURL(`${base}/`), page.getByRole("button", { name: "Sign out" }).click()]);
  await page.setViewportSize({ width: 1440, height: 900 });
  const response = await page.request.get(`${base}/api/v1/accounts/verify_credentials`, { headers: { Authorization: `Bearer ${token}` } });
  check(response.status() === 401, `the old token answers ${response.status()}`);
  await page.goto(`${base}/home`);
  await page.waitForURL(/\/auth\/sign_in/);
});

await step("no script errors in the browsers", async () => {
  const real = consoleErrors.filter((e) => !e.includes("status of 422") && !e.includes("Failed to load resource"));
  check(real.length === 0, real.join("\n"));
});

await browser.close();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
