// masto.js 7.10 streaming (createStreamingAPIClient: one WebSocket, the token offered as the
// subprotocol, subscriptions by message) against a running herd, as Elk and Phanpy use it.
// Started by ../test_streaming.py with HERD_URL, HERD_ALICE_TOKEN, HERD_BOB_TOKEN, HERD_BOB_ID.
// Prints one line per check; exits 1 on the first failure.
import assert from "node:assert/strict";
import { createRestAPIClient, createStreamingAPIClient } from "masto";

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run this through test_streaming.py`);
  return value;
};
const url = env("HERD_URL");
const bobToken = env("HERD_BOB_TOKEN");
const alice = createRestAPIClient({ url, accessToken: env("HERD_ALICE_TOKEN"), timeout: 30_000 });
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const events = [];
const waiters = new Set();
const record = (event) => {
  events.push(event);
  for (const waiter of waiters) waiter();
};
const waitFor = (predicate, what, ms = 15_000) =>
  new Promise((resolve, reject) => {
    const check = () => {
      const found = events.find(predicate);
      if (found) {
        waiters.delete(check);
        clearTimeout(timer);
        resolve(found);
      }
    };
    const timer = setTimeout(() => {
      waiters.delete(check);
      reject(new Error(`timed out waiting for ${what}; received: ${JSON.stringify(events.map((e) => [e.stream, e.event]))}`));
    }, ms);
    waiters.add(check);
    check();
  });
const consume = async (subscription) => {
  for await (const event of subscription) record(event);
};

const ok = (what) => console.log(`ok - ${what}`);

try {
  const instance = await alice.v2.instance.fetch();
  const streamingApiUrl = instance.configuration.urls.streaming;
  assert.ok(streamingApiUrl.startsWith("ws://"), `configuration.urls.streaming ${streamingApiUrl}`);
  const streaming = createStreamingAPIClient({ streamingApiUrl, accessToken: bobToken, retry: false });
  const ws = await streaming.prepare();
  assert.equal(ws.protocol, bobToken, "the server echoes the offered subprotocol");
  ok("connected with the token as Sec-WebSocket-Protocol; subprotocol echoed");

  consume(streaming.user.subscribe()).catch((e) => record({ stream: ["error"], event: "error", payload: String(e) }));
  consume(streaming.hashtag.subscribe({ tag: "MastoStream" })).catch((e) => record({ stream: ["error"], event: "error", payload: String(e) }));
  consume(streaming.user.notification.subscribe()).catch((e) => record({ stream: ["error"], event: "error", payload: String(e) }));
  await sleep(1000); // the subscribe messages go out once each iterator starts

  const status = await alice.v1.statuses.create({ status: "masto.js streaming #mastostream", visibility: "public" });
  const update = await waitFor((e) => e.event === "update" && e.stream[0] === "user" && e.payload.id === status.id, "update on user");
  assert.equal(update.payload.account.username, "alice");
  assert.equal(update.payload.content, status.content);
  ok("user: update for a followed account's post, Status payload");
  await waitFor((e) => e.event === "update" && e.stream[0] === "hashtag" && e.stream[1] === "MastoStream" && e.payload.id === status.id, "update on hashtag");
  ok("hashtag: update, stream [\"hashtag\", tag]");

  await alice.v1.statuses.$select(status.id).remove();
  await waitFor((e) => e.event === "delete" && e.stream[0] === "user" && e.payload === status.id, "delete on user");
  ok("user: delete with the id as payload");

  const mention = await alice.v1.statuses.create({ status: "@bob streaming mention", visibility: "unlisted" });
  const notification = await waitFor((e) => e.event === "notification" && e.stream[0] === "user" && e.payload.status?.id === mention.id, "notification on user");
  assert.equal(notification.payload.type, "mention");
  assert.equal(notification.payload.account.username, "alice");
  await waitFor((e) => e.event === "notification" && e.stream[0] === "user:notification" && e.payload.status?.id === mention.id, "notification on user:notification");
  ok("user and user:notification: notification for a mention");

  const errors = events.filter((e) => e.event === "error");
  assert.equal(errors.length, 0, `no subscription failed: ${JSON.stringify(errors)}`);
  streaming.close();
  process.exit(0);
} catch (error) {
  console.log(`not ok - ${error.stack || error}`);
  process.exit(1);
}
