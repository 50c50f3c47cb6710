// masto.js 7.10 (the client library of Elk and Phanpy) against a running herd.
// Started by ../test_masto_js.py, which passes the server and two users' tokens:
//   HERD_URL, HERD_DOMAIN, HERD_ALICE_TOKEN, HERD_ALICE_ID, HERD_BOB_TOKEN, HERD_BOB_ID
// masto.js turns snake_case JSON keys into camelCase.
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { createRestAPIClient, MastoHttpError } from "masto";

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run this through test_masto_js.py`);
  return value;
};
const url = env("HERD_URL");
const domain = env("HERD_DOMAIN");
const alice = createRestAPIClient({ url, accessToken: env("HERD_ALICE_TOKEN"), timeout: 30_000 });
const bob = createRestAPIClient({ url, accessToken: env("HERD_BOB_TOKEN"), timeout: 30_000 });
const anonymous = createRestAPIClient({ url, timeout: 30_000 });
const aliceId = env("HERD_ALICE_ID");

const isInt = (v) => Number.isInteger(v) && v >= 0 && v < 2 ** 31;
const isAbsoluteUrl = (v, schemes = ["http:", "https:"]) => {
  try {
    return schemes.includes(new URL(v).protocol);
  } catch {
    return false;
  }
};
const isoMillis = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

test("v2 instance: the fields Elk and Phanpy read", async () => {
  const instance = await anonymous.v2.instance.fetch();
  assert.equal(instance.domain, domain);
  assert.match(instance.version, /^4\.5\.0 \(compatible; herd \d+\.\d+\.\d+\)$/);
  assert.equal(typeof instance.title, "string");
  assert.ok(isAbsoluteUrl(instance.sourceUrl), `sourceUrl ${instance.sourceUrl}`);
  assert.equal(typeof instance.description, "string");
  assert.ok(isInt(instance.usage?.users?.activeMonth), "usage.users.activeMonth");
  assert.ok(isAbsoluteUrl(instance.thumbnail?.url), "thumbnail.url");
  assert.ok(Array.isArray(instance.languages), "languages[]");
  const config = instance.configuration;
  assert.ok(isAbsoluteUrl(config.urls.streaming, ["ws:", "wss:"]), `urls.streaming ${config.urls.streaming}`);
  assert.ok(config.urls.streaming.startsWith("ws://"), "ws:// when LOCAL_HTTPS=false");
  for (const key of ["maxCharacters", "maxMediaAttachments", "charactersReservedPerUrl"]) {
    assert.ok(isInt(config.statuses[key]) && config.statuses[key] > 0, `configuration.statuses.${key}`);
  }
  assert.ok(Array.isArray(config.mediaAttachments.supportedMimeTypes), "supportedMimeTypes[]");
  assert.ok(config.mediaAttachments.supportedMimeTypes.includes("image/png"), "PNG uploads supported");
  for (const key of ["imageSizeLimit", "imageMatrixLimit", "videoSizeLimit", "videoFrameRateLimit", "videoMatrixLimit"]) {
    assert.ok(isInt(config.mediaAttachments[key]), `configuration.mediaAttachments.${key}`);
  }
  for (const key of ["maxOptions", "maxCharactersPerOption", "minExpiration", "maxExpiration"]) {
    assert.ok(isInt(config.polls[key]), `configuration.polls.${key}`);
  }
  assert.ok(isInt(config.accounts.maxFeaturedTags), "configuration.accounts.maxFeaturedTags");
  assert.equal(typeof config.translation.enabled, "boolean");
  assert.equal(instance.registrations.enabled, true);
  assert.equal(instance.registrations.approvalRequired, false);
  assert.equal(instance.apiVersions?.mastodon, 7, "api_versions.mastodon");
  assert.equal(typeof instance.contact.email, "string");
  assert.ok(Array.isArray(instance.rules), "rules[]");

  const v1 = await anonymous.v1.instance.fetch();
  assert.equal(v1.uri, domain);
  assert.equal(v1.version, instance.version, "v1 and v2 report the same version");
});

test("verify credentials and create statuses", async () => {
  const me = await alice.v1.accounts.verifyCredentials();
  assert.equal(me.id, aliceId);
  assert.equal(me.username, "alice");
  assert.equal(typeof me.source?.privacy, "string");

  const status = await alice.v1.statuses.create({
    status: "Hello from masto.js #mastojs",
    visibility: "public",
    language: "en",
    spoilerText: "masto cw",
  });
  assert.equal(typeof status.id, "string");
  assert.match(status.id, /^\d+$/);
  assert.match(status.createdAt, isoMillis);
  assert.equal(status.account.id, aliceId);
  assert.match(status.content, /Hello from masto\.js/);
  assert.equal(status.spoilerText, "masto cw");
  assert.equal(status.language, "en");
  assert.equal(status.visibility, "public");
  assert.deepEqual(status.tags.map((t) => t.name.toLowerCase()), ["mastojs"]);
  assert.ok(Array.isArray(status.mediaAttachments) && Array.isArray(status.emojis));
  assert.ok(isAbsoluteUrl(status.url) && isAbsoluteUrl(status.uri));

  const fetched = await bob.v1.statuses.$select(status.id).fetch();
  assert.equal(fetched.id, status.id);
  assert.equal(fetched.favourited, false);

  const reply = await bob.v1.statuses.create({ status: "@alice nice", inReplyToId: status.id });
  assert.equal(reply.inReplyToId, status.id);
  assert.equal(reply.inReplyToAccountId, aliceId);
  const context = await alice.v1.statuses.$select(status.id).context.fetch();
  assert.deepEqual(context.descendants.map((s) => s.id), [reply.id]);

  const favourited = await bob.v1.statuses.$select(status.id).favourite();
  assert.equal(favourited.favourited, true);
  assert.equal(favourited.favouritesCount, 1);
});

test("Idempotency-Key: the same key creates one status", async () => {
  const key = randomUUID();
  const meta = { requestInit: { headers: { "Idempotency-Key": key } } };
  const first = await alice.v1.statuses.create({ status: `idempotent ${key}` }, meta);
  const second = await alice.v1.statuses.create({ status: `idempotent ${key}` }, meta);
  assert.equal(second.id, first.id, "a retried POST with the same Idempotency-Key returns the same status");
  const other = await alice.v1.statuses.create({ status: `idempotent ${key}` });
  assert.notEqual(other.id, first.id, "without the key it is a new status");
});

test("errors are JSON that masto.js can read", async () => {
  await assert.rejects(
    () => alice.v1.statuses.$select("123456789012345678").fetch(),
    (error) => {
      assert.ok(error instanceof MastoHttpError, `MastoHttpError, got ${error?.constructor?.name}: ${error}`);
      assert.equal(error.statusCode, 404);
      return true;
    },
  );
  await assert.rejects(
    () => alice.v1.statuses.create({ status: "" }),
    (error) => {
      assert.ok(error instanceof MastoHttpError, `MastoHttpError, got ${error?.constructor?.name}: ${error}`);
      assert.equal(error.statusCode, 422);
      return true;
    },
  );
});

test("paginate with the async iterator (Link headers)", async () => {
  const created = [];
  for (let i = 0; i < 45; i++) {
    const s = await bob.v1.statuses.create({ status: `masto page item ${i}` });
    created.push(s.id);
  }
  const bobAccount = await bob.v1.accounts.verifyCredentials();
  const bobId = bobAccount.id;
  const seen = [];
  let pages = 0;
  for await (const page of bob.v1.accounts.$select(bobId).statuses.list({ limit: 10 })) {
    pages += 1;
    assert.ok(pages <= 10, "the paginator stops (no repeating next link)");
    seen.push(...page.map((s) => s.id));
  }
  const mine = seen.filter((id) => created.includes(id));
  assert.equal(new Set(seen).size, seen.length, "no status repeated across pages");
  assert.deepEqual(new Set(mine), new Set(created), "every created status seen");
  assert.deepEqual(seen, [...seen].sort((a, b) => (BigInt(b) > BigInt(a) ? 1 : BigInt(b) < BigInt(a) ? -1 : 0)),
    "newest first");
  assert.equal(seen.length, bobAccount.statusesCount, "as many statuses as statuses_count says");

  // Home timeline of a follower, iterated the same way.
  await alice.v1.accounts.$select(bobId).follow();
  const after = await bob.v1.statuses.create({ status: "after alice followed bob" });
  const home = [];
  for await (const page of alice.v1.timelines.home.list({ limit: 20 })) {
    home.push(...page.map((s) => s.id));
    if (home.length > 500) break;
  }
  assert.equal(new Set(home).size, home.length, "home timeline pages repeat nothing");
  assert.ok(home.includes(after.id), "a followed account's new status is in the home timeline");

  // Public timeline with local=true: the parameter survives into the next links.
  let publicPages = 0;
  const publicSeen = [];
  for await (const page of anonymous.v1.timelines.public.list({ local: true, limit: 20 })) {
    publicPages += 1;
    publicSeen.push(...page.map((s) => s.id));
    if (publicPages > 20) break;
  }
  assert.equal(new Set(publicSeen).size, publicSeen.length, "public timeline pages repeat nothing");
  assert.ok(created.every((id) => publicSeen.includes(id)), "every public status on the local timeline");
});

test("quote posts (Mastodon 4.5): quotedStatusId, quote, quoteApproval, quotes list", async () => {
  const original = await alice.v1.statuses.create({ status: `quote me ${randomUUID()}` });
  assert.deepEqual(original.quoteApproval, { automatic: ["public"], manual: [], currentUser: "automatic" });
  const quote = await bob.v1.statuses.create({ status: "quoting alice", quotedStatusId: original.id });
  assert.equal(quote.quote?.state, "accepted", "quote.state");
  assert.equal(quote.quote?.quotedStatus?.id, original.id, "quote.quotedStatus");
  const limited = await alice.v1.statuses.create({ status: "nobody may quote", quoteApprovalPolicy: "nobody" });
  assert.deepEqual(limited.quoteApproval.automatic, [], "quoteApprovalPolicy nobody");
  const quotes = await alice.v1.statuses.$select(original.id).quotes.list();
  assert.deepEqual(quotes.map((s) => s.id), [quote.id], "statuses.$select(id).quotes.list()");
  const fetched = await alice.v1.statuses.$select(original.id).fetch();
  assert.equal(fetched.quotesCount, 1, "quotesCount");
});

test("grouped notifications, the policy and requests (Mastodon 4.3)", async () => {
  const post = await alice.v1.statuses.create({ status: `favourite me ${randomUUID()}` });
  await bob.v1.statuses.$select(post.id).favourite();
  await bob.v1.statuses.$select(post.id).reblog();
  const results = await alice.v2.notifications.list({ types: ["favourite", "reblog"] });
  const mine = results.notificationGroups.filter((g) => g.statusId === post.id);
  assert.deepEqual(mine.map((g) => g.type).sort(), ["favourite", "reblog"], "a group per kind");
  assert.ok(results.statuses.some((s) => s.id === post.id), "the status among statuses");
  assert.ok(results.accounts.some((a) => a.id === env("HERD_BOB_ID")), "bob among accounts");
  const favourite = mine.find((g) => g.type === "favourite");
  const group = await alice.v2.notifications.$select(favourite.groupKey).fetch();
  assert.equal(group.notificationGroups[0]?.groupKey, favourite.groupKey, "$select(groupKey).fetch()");
  const accounts = await alice.v2.notifications.$select(favourite.groupKey).accounts.fetch();
  assert.deepEqual(accounts.map((a) => a.id), [env("HERD_BOB_ID")], "the group's accounts");
  const unread = await alice.v2.notifications.unreadCount.fetch();
  assert.ok(Number.isInteger(unread.count) && unread.count >= 2, `unreadCount ${unread.count}`);
  await alice.v2.notifications.$select(favourite.groupKey).dismiss();
  const after = await alice.v2.notifications.list({ types: ["favourite"] });
  assert.ok(!after.notificationGroups.some((g) => g.groupKey === favourite.groupKey), "dismissed");

  const policy = await alice.v2.notifications.policy.update({ forNewAccounts: "filter" });
  assert.equal(policy.forNewAccounts, "filter", "policy.update");
  assert.equal(policy.forPrivateMentions, "filter", "Mastodon's default for private mentions");
  assert.ok(Number.isInteger(policy.summary.pendingRequestsCount), "summary.pendingRequestsCount");
  const fetchedPolicy = await alice.v2.notifications.policy.fetch();
  assert.equal(fetchedPolicy.forNewAccounts, "filter", "policy.fetch");
  const requests = await alice.v1.notifications.requests.list();
  assert.ok(Array.isArray(requests), "requests.list()");
  const merged = await alice.v1.notifications.requests.merged.fetch();
  assert.equal(merged.merged, true, "requests.merged");
  await alice.v2.notifications.policy.update({ forNewAccounts: "accept" });
});
