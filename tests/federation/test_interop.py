#!/usr/bin/python3
"""Federation with peers shaped like the servers that exist (tests/federation/shapes.py: GoToSocial,
snac, Misskey, Akkoma, PeerTube, Mastodon, a minimal actor), served by the fake peer, against one
herd instance that is restarted between steps:

  - a GoToSocial key document (a bare Person at the keyId URL) never overwrites the stored actor;
    keys are stored by key id and survive a restart (the key URL is fetched once); so do a stub
    whose id is the key URL and a bare Key; a key its claimed owner's document does not list is
    refused (401);
  - a Mastodon-shaped actor (fields, header, shared inbox) and one with only an inbox and a key;
  - Update(Person) only from the actor itself and only from a whole actor document;
  - a delivery to an account without an inbox refetches the actor, and when it still has none the
    failure is recorded and shown to the admin (/api/v1/admin/delivery_failures);
  - replies (paged as Mastodon), likes and shares collections of a Note; the instance actor's
    collections; featured (private pins as URIs for followers) and featuredTags; AUTHORIZED_FETCH
    honoured; featured and outbox empty for a signer the owner blocks;
  - blocking sends Reject(Follow) and Undo(Follow) besides Block; an inbound Block ends both
    follows;
  - tombstones: a 410 object is fetched once; a Create after its Delete is not taken; a Delete of
    an unknown actor whose key is gone is answered 202 (no retries); an inbox answering 410 is
    tried once and the failure listed, also after a restart;
  - a stale actor (HERD_ACTOR_STALE_MS here) is refetched in the background when it interacts;
  - a Misskey Question with anyOf and Emoji tags (shown in `emojis`), a PeerTube Announce of a Video attributed to
    [Person, Group].

    /usr/bin/python3 tests/federation/test_interop.py --herd build/herd [--backend sqlite]
"""
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fedlib  # noqa: E402
import shapes  # noqa: E402
from fedlib import harness, wait_for  # noqa: E402

fedlib.enter_namespace()
args = harness.parse_args(__doc__)
suite = harness.Suite("federation: interoperability with other servers' shapes", args)
S = suite.state
AS_PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
AP = {"Accept": "application/activity+json"}
STALE_MS = 4000


def acct_search(server, user, handle):
    r = server.api("GET", "/api/v2/search", token=user.token,
                   query={"q": handle, "resolve": "true", "type": "accounts"})
    return r["accounts"][0] if r["accounts"] else None


def relationship(user, account_id):
    return S["alpha"].api("GET", "/api/v1/accounts/relationships", token=user.token,
                          query={"id[]": account_id})[0]


def account_by_uri(uri):
    """alpha's account for a remote actor URI (searched by URL, without resolving)."""
    r = S["alpha"].api("GET", "/api/v2/search", token=S["alice"].token,
                       query={"q": uri, "resolve": "true", "type": "accounts"})
    return r["accounts"][0] if r["accounts"] else None


def restart():
    S["alpha"].stop()
    S["alpha"].start()


def activity(kind, actor, obj, suffix, **extra):
    doc = {"@context": "https://www.w3.org/ns/activitystreams", "type": kind, "id": f"{actor}#{suffix}",
           "actor": actor, "object": obj}
    doc.update(extra)
    return doc


def note(fake_base, path, author, text, **extra):
    doc = {"id": f"{fake_base}{path}", "type": "Note", "attributedTo": author, "content": f"<p>{text}</p>",
           "to": [AS_PUBLIC], "cc": [], "published": "2026-12-01T10:00:00Z"}
    doc.update(extra)
    return doc


def inbox(name="alice"):
    return f"http://alpha.test/users/{name}/inbox"


def admin_token():
    return harness.password_token(S["alpha"], harness.ADMIN_EMAIL, S["alpha"].admin_password,
                                  scope="read write follow admin:read admin:write")


@suite.setup
def start(s):
    S["alpha"] = fedlib.fed_server(s, "alpha.test", env={"HERD_ACTOR_STALE_MS": str(STALE_MS)})
    S["alice"] = harness.register(S["alpha"], "alice")
    for host in ("gts.test", "snac.test", "misskey.test", "akkoma.test", "peertube.test", "mastodon.test"):
        S[host] = fedlib.FakeServer(host).start()
    gts, snac, misskey, akkoma, peertube = (S[h] for h in ("gts.test", "snac.test", "misskey.test",
                                                          "akkoma.test", "peertube.test"))
    doc, key = shapes.gotosocial_actor(gts.base(), "gina", "Gina", icon=gts.base() + "/gina.png")
    S["gina"] = gts.put_actor("gina", doc, key)
    gts.objects["/users/gina/main-key"] = shapes.gotosocial_key_stub(doc)
    doc, key = shapes.gotosocial_actor(gts.base(), "gus", "Gus", icon=gts.base() + "/gus.png")
    S["gus"] = gts.put_actor("gus", doc, key)
    gts.objects["/users/gus/main-key"] = shapes.gotosocial_key_stub(doc, id_is_key=True)
    doc, key = shapes.gotosocial_actor(gts.base(), "kay", "Kay")
    S["kay"] = gts.put_actor("kay", doc, key)
    gts.objects["/users/kay/main-key"] = shapes.bare_key(doc)
    doc, key = shapes.gotosocial_actor(gts.base(), "mal", "Mal")
    S["mal"] = gts.put_actor("mal", doc, key)
    # mal's key URL claims gina owns mal's key; gina's own document lists another key.
    gts.objects["/users/mal/main-key"] = shapes.bare_key(doc, owner=S["gina"])
    doc, key = shapes.snac_actor(snac.base(), "sam")
    S["sam"] = snac.put_actor("sam", doc, key)
    doc, key = shapes.snac_actor(snac.base(), "nobox", inbox=False)
    S["nobox"] = snac.put_actor("nobox", doc, key)
    doc, key = shapes.misskey_actor(misskey.base(), "miko", "9xk2abc", "Miko :blobcat:")
    S["miko"] = misskey.put_actor("miko", doc, key)
    doc, key = shapes.akkoma_actor(akkoma.base(), "ak")
    S["ak"] = akkoma.put_actor("ak", doc, key)
    doc, key = shapes.peertube_channel(peertube.base(), "chan")
    S["chan"] = peertube.put_actor("chan", doc, key)
    doc, key = shapes.peertube_account(peertube.base(), "pat")
    S["pat"] = peertube.put_actor("pat", doc, key)
    mastodon = S["mastodon.test"]
    doc, key = shapes.mastodon_actor(mastodon.base(), "max", "Max :verified:")
    S["max"] = mastodon.put_actor("max", doc, key)
    doc, key = shapes.minimal_actor(snac.base(), "bot")
    S["bot"] = snac.put_actor("bot", doc, key)
    doc, key = shapes.misskey_actor(misskey.base(), "ghost", "9ghost", "Ghost")
    S["ghost"] = misskey.put_actor("ghost", doc, key)
    misskey.gone.add("/users/9ghost")  # deleted before alpha ever heard of it


def remote_follows_alice(s, fake, name, suffix):
    """The fake actor follows alice; returns the Follow once alpha answered it with an Accept."""
    follow = activity("Follow", fake.uri(name), "http://alpha.test/users/alice", suffix)
    r = fake.post(name, inbox(), follow)
    s.require(r.status == 202, f"{name}'s Follow is accepted by alpha", r.describe())
    accepted = wait_for(lambda: [p for p in fake.inbox_posts("Accept")
                                 if isinstance(p.get("object"), dict) and p["object"].get("id") == follow["id"]])
    s.check(accepted, f"{name} receives the Accept of its Follow", fake.inbox_posts())
    return follow


def alice_follows(s, fake, name):
    """alice follows the fake actor, which accepts."""
    account = account_by_uri(fake.uri(name))
    s.require(account, f"alice finds {fake.uri(name)}")
    S["alpha"].api("POST", f"/api/v1/accounts/{account['id']}/follow", token=S["alice"].token)
    follow = wait_for(lambda: [p for p in fake.inbox_posts("Follow") if p.get("object") == fake.uri(name)])
    s.require(follow, f"alice's Follow reaches {fake.host}")
    fake.post(name, inbox(), activity("Accept", fake.uri(name), follow[-1], "accepts/" + name))
    s.require(wait_for(lambda: relationship(S["alice"], account["id"])["following"]),
              f"alice follows {name}")
    return account, follow[-1]


def creates_received(fake, needle):
    return [p for p in fake.inbox_posts("Create") if needle in p.get("object", {}).get("content", "")]


@suite.case
def gotosocial_key_document_never_overwrites_the_actor(s):
    gts, alpha, alice = S["gts.test"], S["alpha"], S["alice"]
    remote_follows_alice(s, gts, "gina", "follows/1")
    gina = account_by_uri(S["gina"])
    s.require(gina, "alpha knows gina")
    s.eq(gina["display_name"], "Gina", "gina's name comes from her whole actor document")
    s.eq(gina["avatar"], gts.base() + "/gina.png", "and her avatar")
    alpha.api("POST", "/api/v1/statuses", token=alice.token, form={"status": "first post for gina"})
    s.check(wait_for(lambda: creates_received(gts, "first post for gina")),
            "alice's post reaches gina's inbox", gts.inbox_posts())
    restart()
    like_target = alpha.api("POST", "/api/v1/statuses", token=alice.token, form={"status": "like me, gina"})
    r = gts.post("gina", inbox(), activity("Like", S["gina"], like_target["uri"], "likes/1"))
    s.status(r, 202, "gina's Like after a restart verifies")
    s.check(wait_for(lambda: alpha.api("GET", f"/api/v1/statuses/{like_target['id']}",
                                       token=alice.token)["favourites_count"] == 1),
            "and counts")
    s.eq(gts.fetch_count("/users/gina/main-key"), 1,
         "the key URL was fetched once: the key is stored by key id across the restart")
    alpha.api("POST", "/api/v1/statuses", token=alice.token, form={"status": "second post for gina"})
    s.check(wait_for(lambda: creates_received(gts, "second post for gina")),
            "after the restart and the key lookups, posts still reach gina", gts.inbox_posts())
    gina = account_by_uri(S["gina"])
    s.eq((gina["display_name"], gina["avatar"]), ("Gina", gts.base() + "/gina.png"),
         "gina's profile is intact")


@suite.case
def key_documents_in_every_shape(s):
    """Key URLs answering a Person stub whose id is the key URL, or a bare Key: the key is used,
    the account comes from the actor's own document; a key its owner does not list is refused."""
    gts, alpha, alice = S["gts.test"], S["alpha"], S["alice"]
    for name, display in (("gus", "Gus"), ("kay", "Kay")):
        remote_follows_alice(s, gts, name, "follows/" + name)
        account = account_by_uri(S[name])
        s.check(account and account["display_name"] == display, f"{name}'s profile comes from the actor",
                account)
    alpha.api("POST", "/api/v1/statuses", token=alice.token, form={"status": "hello gus and kay"})
    s.check(wait_for(lambda: len([p for p in gts.received if p[0] in ("/users/gus/inbox", "/users/kay/inbox")
                                  and "hello gus and kay" in str(p[2])]) == 2),
            "alice's post reaches both inboxes", [p[0] for p in gts.received])
    restart()
    post = alpha.api("POST", "/api/v1/statuses", token=alice.token, form={"status": "like me, gus and kay"})
    for name in ("gus", "kay"):
        r = gts.post(name, inbox(), activity("Like", S[name], post["uri"], "likes/" + name))
        s.status(r, 202, f"{name}'s Like after a restart verifies")
        s.eq(gts.fetch_count(f"/users/{name}/main-key"), 1, f"{name}'s key URL was fetched once")
    s.check(wait_for(lambda: alpha.api("GET", f"/api/v1/statuses/{post['id']}",
                                       token=alice.token)["favourites_count"] == 2), "both Likes count")
    gus = account_by_uri(S["gus"])
    s.eq((gus["display_name"], gus["avatar"]), ("Gus", gts.base() + "/gus.png"), "gus's profile is intact")
    forged = note(gts.base(), "/users/gina/statuses/forged", S["gina"], "@alice forged by mal",
                  tag=[{"type": "Mention", "href": "http://alpha.test/users/alice", "name": "@alice@alpha.test"}])
    r = fedlib.post_signed(inbox(), activity("Create", S["gina"], forged, "creates/forged"),
                           gts.actors["mal"]["key"], gts.key_id("mal"))
    s.status(r, 401, "a Key claiming gina as owner, which gina's document does not list, is refused")
    forwarded = note(gts.base(), "/users/gina/statuses/by-gus", S["gina"], "@alice signed by gus",
                     tag=[{"type": "Mention", "href": "http://alpha.test/users/alice", "name": "@alice@alpha.test"}])
    r = gts.post("gus", inbox(), activity("Create", S["gina"], forwarded, "creates/by-gus"))
    s.status(r, 403, "gina's Create forwarded by gus (his valid key) is refused: gina's server does not serve it")
    mentions = alpha.api("GET", "/api/v1/notifications", token=alice.token, query={"types[]": "mention"})
    s.check(not any(text in (n.get("status") or {}).get("content", "") for n in mentions
                    for text in ("forged by mal", "signed by gus")),
            "and nothing of either is stored: the key's owner must be the activity's actor", mentions)


@suite.case
def mastodon_and_minimal_actors(s):
    """A Mastodon-shaped actor (fields, header, shared inbox) and one with only an inbox and a key."""
    alpha, alice, mastodon, snac = S["alpha"], S["alice"], S["mastodon.test"], S["snac.test"]
    remote_follows_alice(s, mastodon, "max", "follows/max")
    remote_follows_alice(s, snac, "bot", "follows/bot")
    restart()
    max_account, bot = account_by_uri(S["max"]), account_by_uri(S["bot"])
    s.require(max_account and bot, "alpha knows max and bot", (max_account, bot))
    s.eq((max_account["acct"], max_account["display_name"], max_account["note"]),
         ("max@mastodon.test", "Max :verified:", "<p>Mastodon shaped</p>"), "max's profile")
    s.eq([(f["name"], f["value"]) for f in max_account["fields"]], [("Pronouns", "they/them")],
         "max's profile fields (PropertyValue)")
    s.eq((max_account["avatar"], max_account["header"]),
         (mastodon.base() + "/system/avatars/max.png", mastodon.base() + "/system/headers/max.png"),
         "max's avatar and header")
    s.eq((bot["acct"], bot["display_name"], bot["note"], bot["bot"]), ("bot@snac.test", "", "", True),
         "bot: no name, no summary, a Service")
    s.check(bot["avatar"].startswith("http://alpha.test/") and bot["url"], "with the default avatar and a URL",
            bot)
    alpha.api("POST", "/api/v1/statuses", token=alice.token, form={"status": "for max and bot"})
    s.check(wait_for(lambda: [p for p in mastodon.received if p[0] == "/inbox" and "for max and bot" in str(p[2])]),
            "alice's post reaches max's shared inbox", [p[0] for p in mastodon.received])
    s.check(wait_for(lambda: [p for p in snac.received if p[0] == "/bot/inbox" and "for max and bot" in str(p[2])]),
            "and bot's inbox", [p[0] for p in snac.received])
    reply = note(snac.base(), "/bot/p/1", S["bot"], "@alice beep", tag=[
        {"type": "Mention", "href": "http://alpha.test/users/alice", "name": "@alice@alpha.test"}])
    s.status(snac.post("bot", inbox(), activity("Create", S["bot"], reply, "creates/bot1")), 202, "bot posts")
    s.check(wait_for(lambda: [n for n in alpha.api("GET", "/api/v1/notifications", token=alice.token,
                                                   query={"types[]": "mention"})
                              if "beep" in n["status"]["content"] and n["account"]["acct"] == "bot@snac.test"]),
            "and alice is notified of the mention")


@suite.case
def update_person_only_from_the_actor_and_a_whole_document(s):
    gts, snac = S["gts.test"], S["snac.test"]
    stub = shapes.gotosocial_key_stub(gts.actors["gina"]["doc"])
    r = gts.post("gina", inbox(), activity("Update", S["gina"], stub, "updates/stub"))
    s.status(r, 202, "an Update carrying only a key stub is answered")
    forged = dict(gts.actors["gina"]["doc"], name="Forged by sam")
    r = snac.post("sam", inbox(), activity("Update", S["sam"], forged, "updates/forged"))
    s.check(r.status in (202, 403), "sam's Update of gina's profile is answered", r.describe())
    restart()
    gina = account_by_uri(S["gina"])
    s.eq(gina["display_name"], "Gina", "neither the stub nor another actor changed gina")
    gts.actors["gina"]["doc"]["name"] = "Gina G."
    gts.actors["gina"]["doc"].pop("icon")  # she really removes her avatar
    r = gts.post("gina", inbox(), activity("Update", S["gina"], gts.actors["gina"]["doc"], "updates/2"))
    s.status(r, 202, "gina's own Update(Person)")
    s.check(wait_for(lambda: account_by_uri(S["gina"])["display_name"] == "Gina G."),
            "applies", account_by_uri(S["gina"]))
    s.check(account_by_uri(S["gina"])["avatar"].startswith("http://alpha.test/"),
            "a value the whole document really removes (her avatar) is removed", account_by_uri(S["gina"]))
    S["alpha"].api("POST", "/api/v1/statuses", token=S["alice"].token, form={"status": "third post for gina"})
    s.check(wait_for(lambda: creates_received(gts, "third post for gina")),
            "and deliveries to gina go on", gts.inbox_posts())


@suite.case
def delivery_to_an_account_without_inbox_is_never_dropped(s):
    snac, alpha, alice = S["snac.test"], S["alpha"], S["alice"]
    nobox = account_by_uri(S["nobox"])
    s.require(nobox, "alice finds an actor whose document has no inbox")
    alpha.api("POST", f"/api/v1/accounts/{nobox['id']}/follow", token=alice.token)
    token = admin_token()

    def failures():
        return [f for f in alpha.api("GET", "/api/v1/admin/delivery_failures", token=token)
                if f["account_uri"] == S["nobox"]]
    recorded = wait_for(failures)
    s.check(recorded and recorded[0]["activity_type"] == "Follow" and recorded[0]["inbox"] == ""
            and "inbox" in recorded[0]["error"], "the undeliverable Follow is shown to the admin", recorded)
    s.check(snac.fetch_count("/nobox") >= 2, "the actor was fetched again before giving up",
            snac.fetch_count("/nobox"))
    s.check("no inbox" in alpha.stdout_text() + alpha.stderr_text(), "and the failure is logged")
    alpha.api("POST", "/api/v1/statuses", token=alice.token,
              form={"status": "@nobox@snac.test can you hear me?", "visibility": "direct"})
    s.check(wait_for(lambda: [f for f in failures() if f["activity_type"] == "Create"]),
            "so is a post mentioning it (the status's deliveries)", failures())
    # A permanent refusal (4xx) is recorded too, and `herd admin deliveries` lists both.
    akkoma = S["akkoma.test"]
    akkoma.status = 403
    alpha.api("POST", "/api/v1/statuses", token=alice.token,
              form={"status": "@ak@akkoma.test are you there?", "visibility": "direct"})
    refused = wait_for(lambda: [f for f in alpha.api("GET", "/api/v1/admin/delivery_failures", token=token)
                                if f["inbox"] == akkoma.base() + "/inbox"])
    akkoma.status = 202
    s.check(refused and refused[0]["activity_type"] == "Create" and "403" in refused[0]["error"],
            "a delivery refused with 403 is shown to the admin", refused)
    r = subprocess.run([args.herd, "admin", "deliveries"], env=alpha.environment(), capture_output=True,
                       text=True, timeout=60)
    s.check(r.returncode == 0 and S["nobox"] + " (no inbox)" in r.stdout and "HTTP 403" in r.stdout,
            "herd admin deliveries lists them", r.stdout + r.stderr)
    akkoma.status = 410
    gone_post = alpha.api("POST", "/api/v1/statuses", token=alice.token,
                          form={"status": "@ak@akkoma.test gone?", "visibility": "direct"})
    gone = wait_for(lambda: [f for f in alpha.api("GET", "/api/v1/admin/delivery_failures", token=token)
                             if "410" in f["error"]])
    time.sleep(1.5)  # three retry periods (HERD_DELIVERY_RETRY_BASE_MS=500)
    akkoma.status = 202
    tries = [p for p in akkoma.inbox_posts("Create") if p["object"]["id"] == gone_post["uri"]]
    s.check(gone and len(tries) == 1, "an inbox answering 410 is tried once, and the failure shown", (gone, tries))
    restart()
    kept = alpha.api("GET", "/api/v1/admin/delivery_failures", token=token)
    s.check([f for f in kept if f["account_uri"] == S["nobox"]] and [f for f in kept if "403" in f["error"]],
            "the recorded failures are still listed after a restart", kept)
    snac.actors["nobox"]["doc"]["inbox"] = S["nobox"] + "/inbox"  # the server fixed its actor
    alpha.api("POST", f"/api/v1/accounts/{nobox['id']}/unfollow", token=alice.token)
    undo = wait_for(lambda: [p for p in snac.inbox_posts("Undo") if p.get("actor", "").endswith("/alice")])
    s.check(undo and undo[0]["object"]["object"] == S["nobox"],
            "the Undo(Follow) reaches the inbox the refetch found", snac.inbox_posts())


@suite.case
def replies_likes_and_shares_collections(s):
    alpha, alice, gts, snac = S["alpha"], S["alice"], S["gts.test"], S["snac.test"]
    parent = alpha.api("POST", "/api/v1/statuses", token=alice.token, form={"status": "a thread starts"})
    own = alpha.api("POST", "/api/v1/statuses", token=alice.token,
                    form={"status": "and goes on", "in_reply_to_id": parent["id"]})
    alpha.api("POST", "/api/v1/statuses", token=alice.token,
              form={"status": "a private aside", "in_reply_to_id": parent["id"], "visibility": "private"})
    reply = note(gts.base(), "/users/gina/statuses/r1", S["gina"], "gina answers", inReplyTo=parent["uri"],
                 tag=[{"type": "Mention", "href": "http://alpha.test/users/alice", "name": "@alice@alpha.test"}])
    gts.post("gina", inbox(), activity("Create", S["gina"], reply, "creates/r1"))
    gts.post("gina", inbox(), activity("Like", S["gina"], parent["uri"], "likes/2"))
    gts.post("gina", inbox(), activity("Announce", S["gina"], parent["uri"], "announces/1",
                                       to=[AS_PUBLIC], cc=[S["gina"] + "/followers"]))
    s.require(wait_for(lambda: [d for d in alpha.api("GET", f"/api/v1/statuses/{parent['id']}/context",
                                                     token=alice.token)["descendants"]
                                if "gina answers" in d["content"]]), "the remote reply is stored")
    r = alpha.http("GET", parent["uri"] + "/replies", headers=AP)
    s.status(r, 200, "GET replies")
    collection = r.json()
    s.eq(collection.get("type"), "Collection", "replies is a Collection")
    first = collection.get("first", {})
    items = first.get("items", [])
    s.check(len(items) == 1 and isinstance(items[0], dict) and items[0].get("id") == own["uri"],
            "the first page holds alice's public self-reply, inlined as a Note", collection)
    s.eq(first.get("next"), parent["uri"] + "/replies?only_other_accounts=true&page=true",
         "then the other accounts' replies, as Mastodon links them")
    s.require(first.get("next"), "the first page links the next one", first)
    r = alpha.http("GET", first["next"], headers=AP)
    s.status(r, 200, "GET the other accounts' page")
    s.eq(r.json().get("items"), [reply["id"]], "it lists gina's reply by URI, not the private one")
    s.check("next" not in r.json(), "a short page has no next", r.json())
    # The Note embeds its first self replies; following `next` walks the thread as Mastodon's
    # FetchRepliesService would: the self replies after the last one, then everyone else's.
    embedded = alpha.http("GET", parent["uri"], headers=AP).json().get("replies", {}).get("first", {})
    s.eq(embedded.get("items"), [own["uri"]], "the Note embeds alice's self reply")
    seen, url = [], embedded.get("next")
    for _ in range(4):
        if not url:
            break
        page = alpha.http("GET", url, headers=AP).json()
        seen += [i["id"] if isinstance(i, dict) else i for i in page.get("items", [])]
        url = page.get("next")
    s.eq(seen, [reply["id"]], "walking next from the Note reaches gina's reply, then ends")
    for name, total in (("likes", 1), ("shares", 1)):
        r = alpha.http("GET", f"{parent['uri']}/{name}", headers=AP)
        s.check(r.status == 200 and r.json().get("totalItems") == total and r.json().get("type") == "Collection",
                f"{name} collection counts {total}", r.describe())
    private = alpha.api("POST", "/api/v1/statuses", token=alice.token,
                        form={"status": "followers only", "visibility": "private"})
    s.status(alpha.http("GET", private["uri"] + "/replies", headers=AP), 404,
             "a private status's replies are not shown to an unsigned fetch")
    headers = fedlib.sign("GET", private["uri"] + "/replies", gts.actors["gina"]["key"], gts.key_id("gina"))
    s.status(alpha.http("GET", private["uri"] + "/replies", headers=headers), 200,
             "but are to a follower's signed fetch")
    actor = alpha.http("GET", "/actor", headers=AP).json()
    for key in ("outbox", "followers", "following"):
        r = alpha.http("GET", actor.get(key, "/missing").replace("http://alpha.test", ""), headers=AP)
        s.check(r.status == 200 and r.json().get("type") == "OrderedCollection",
                f"the instance actor's {key} collection", r.describe())
    person = alpha.http("GET", "/users/alice", headers=AP).json()
    alpha.api("POST", f"/api/v1/statuses/{parent['id']}/pin", token=alice.token)
    alpha.api("POST", f"/api/v1/statuses/{private['id']}/pin", token=alice.token)
    alpha.api("POST", "/api/v1/featured_tags", token=alice.token, form={"name": "interop"})
    collections = {}
    for key in ("featured", "featuredTags"):
        r = alpha.http("GET", person[key].replace("http://alpha.test", ""), headers=AP)
        s.check(r.status == 200 and r.json().get("id") == person[key], f"alice's {key} collection", r.describe())
        collections[key] = r.json()
    s.eq([i.get("id") for i in collections["featured"].get("orderedItems", [])], [parent["uri"]],
         "featured holds the pinned public status as a Note, not the pinned private one")
    s.eq([(i.get("type"), i.get("name")) for i in collections["featuredTags"].get("items", [])],
         [("Hashtag", "#interop")], "featuredTags holds the featured hashtag")
    headers = fedlib.sign("GET", person["featured"], gts.actors["gina"]["key"], gts.key_id("gina"))
    r = alpha.http("GET", person["featured"].replace("http://alpha.test", ""), headers=headers)
    items = r.json().get("orderedItems", [])
    s.eq(sorted((i["id"], "Note") if isinstance(i, dict) else (i, "URI") for i in items),
         sorted([(parent["uri"], "Note"), (private["uri"], "URI")]),
         "a follower's signed fetch also lists the pinned private status, by URI only (as Mastodon)")
    restart_with = {"AUTHORIZED_FETCH": "true"}
    alpha.stop()
    alpha.start(overrides=restart_with)
    s.status(alpha.http("GET", parent["uri"] + "/replies", headers=AP), 401,
             "AUTHORIZED_FETCH: an unsigned replies fetch is refused")
    headers = fedlib.sign("GET", parent["uri"] + "/likes", snac.actors["sam"]["key"], snac.key_id("sam"))
    r = alpha.http("GET", parent["uri"] + "/likes", headers=headers)
    s.check(r.status == 200 and r.json().get("totalItems") == 1, "a signed one is served", r.describe())
    for key in ("featured", "featuredTags"):
        s.status(alpha.http("GET", person[key].replace("http://alpha.test", ""), headers=AP), 401,
                 f"AUTHORIZED_FETCH: an unsigned {key} fetch is refused")
    alpha.stop()
    alpha.start()


@suite.case
def blocking_ends_follows_on_both_sides(s):
    alpha, alice, snac, akkoma = S["alpha"], S["alice"], S["snac.test"], S["akkoma.test"]
    follow = remote_follows_alice(s, snac, "sam", "follows/sam")
    sam, alice_follow = alice_follows(s, snac, "sam")
    alpha.api("POST", f"/api/v1/accounts/{sam['id']}/block", token=alice.token)
    rejected = wait_for(lambda: [p for p in snac.inbox_posts("Reject")
                                 if isinstance(p.get("object"), dict) and p["object"].get("id") == follow["id"]])
    s.check(rejected, "sam hears Reject(Follow) of its follow", snac.inbox_posts())
    undone = wait_for(lambda: [p for p in snac.inbox_posts("Undo")
                               if isinstance(p.get("object"), dict) and p["object"].get("type") == "Follow"
                               and p["object"].get("object") == S["sam"]])
    s.check(undone and undone[-1]["object"]["id"] == alice_follow["id"],
            "and Undo(Follow) of alice's follow", snac.inbox_posts())
    s.check(wait_for(lambda: [p for p in snac.inbox_posts("Block") if p.get("object") == S["sam"]]),
            "besides the Block")
    rel = relationship(alice, sam["id"])
    s.check(rel["blocking"] and not rel["following"] and not rel["followed_by"], "both follows ended", rel)
    for path, key in (("/users/alice/collections/featured", "orderedItems"),
                      ("/users/alice/outbox?page=true", "orderedItems")):
        unsigned = alpha.http("GET", path, headers=AP).json().get(key, [])
        headers = fedlib.sign("GET", "http://alpha.test" + path, snac.actors["sam"]["key"], snac.key_id("sam"))
        blocked = alpha.http("GET", path, headers=headers).json().get(key)
        s.check(unsigned and blocked == [], f"{path} is empty for the blocked sam, not for others",
                (len(unsigned), blocked))

    remote_follows_alice(s, akkoma, "ak", "follows/ak")
    ak, _ = alice_follows(s, akkoma, "ak")
    r = akkoma.post("ak", inbox(), activity("Block", S["ak"], "http://alpha.test/users/alice", "blocks/1"))
    s.status(r, 202, "ak's Block is answered")
    rel = wait_for(lambda: (lambda x: x if not x["following"] and not x["followed_by"] else None)(
        relationship(alice, ak["id"])))
    s.check(rel, "an inbound Block ends both follows", relationship(alice, ak["id"]))
    restart()
    rel = relationship(alice, ak["id"])
    s.check(not rel["following"] and not rel["followed_by"], "and they stay ended after a restart", rel)


@suite.case
def tombstones_stop_retry_storms(s):
    alpha, alice, misskey = S["alpha"], S["alice"], S["misskey.test"]
    alice_follows(s, misskey, "miko")
    misskey.gone.add("/notes/gone1")
    gone = misskey.base() + "/notes/gone1"
    for n in range(3):
        r = misskey.post("miko", inbox(), activity("Announce", S["miko"], gone, f"announces/{n}",
                                                   to=[AS_PUBLIC]))
        s.status(r, 202, f"Announce #{n + 1} of a gone note")
    s.eq(misskey.fetch_count("/notes/gone1"), 1, "the gone note is fetched once, then remembered")
    restart()
    misskey.post("miko", inbox(), activity("Announce", S["miko"], gone, "announces/9", to=[AS_PUBLIC]))
    s.eq(misskey.fetch_count("/notes/gone1"), 1, "still once after a restart")

    late = note(misskey.base(), "/notes/late1", S["miko"], "@alice resurrected?",
                tag=[{"type": "Mention", "href": "http://alpha.test/users/alice", "name": "@alice@alpha.test"}])
    misskey.post("miko", inbox(), activity("Delete", S["miko"], {"id": late["id"], "type": "Tombstone"},
                                           "deletes/1"))
    restart()
    misskey.post("miko", inbox(), activity("Create", S["miko"], late, "creates/late1"))
    time.sleep(0.5)
    mentions = alpha.api("GET", "/api/v1/notifications", token=alice.token, query={"types[]": "mention"})
    s.check(not any("resurrected" in (n.get("status") or {}).get("content", "") for n in mentions),
            "a Create that arrives after its Delete (and a restart) is not taken", mentions)
    # An account deleted before alpha heard of it: its Delete(self) is signed with a key that is
    # gone (410). Answered 202 (as Mastodon), not 401, so that its server does not retry for days.
    for n in range(2):
        r = misskey.post("ghost", inbox(), activity("Delete", S["ghost"], S["ghost"], f"deletes/ghost{n}",
                                                    to=[AS_PUBLIC]))
        s.status(r, 202, f"Delete #{n + 1} of an unknown actor whose documents are gone")
    s.check(misskey.fetch_count("/users/9ghost") <= 1, "its actor is not fetched again and again",
            misskey.fetch_count("/users/9ghost"))
    s.eq(account_by_uri(S["ghost"]), None, "and no account is made of it")


@suite.case
def stale_actor_is_refreshed_in_the_background(s):
    alpha, alice, misskey = S["alpha"], S["alice"], S["misskey.test"]
    miko = account_by_uri(S["miko"])
    s.require(miko, "alpha knows miko")
    s.eq([(e["shortcode"], e["url"]) for e in miko["emojis"]],
         [("blobcat", misskey.base() + "/files/blobcat.png")],
         "the Emoji tag of miko's actor shows in the account's emojis (display name)")
    misskey.actors["miko"]["doc"]["name"] = "Miko Renamed"  # no Update sent
    restart()
    time.sleep(STALE_MS / 1000 + 0.5)
    post = alpha.api("POST", "/api/v1/statuses", token=alice.token, form={"status": "like this, miko"})
    misskey.post("miko", inbox(), activity("Like", S["miko"], post["uri"], "likes/miko"))
    s.check(wait_for(lambda: alpha.api("GET", f"/api/v1/accounts/{miko['id']}", token=alice.token)
                     ["display_name"] == "Miko Renamed"),
            "the stale copy is refetched after miko interacts",
            alpha.api("GET", f"/api/v1/accounts/{miko['id']}", token=alice.token))


@suite.case
def misskey_question_and_peertube_video(s):
    alpha, alice, misskey, peertube = S["alpha"], S["alice"], S["misskey.test"], S["peertube.test"]
    question = {"id": misskey.base() + "/notes/q1", "type": "Question", "attributedTo": S["miko"],
                "content": "<p>Which :blobcat: ?</p>", "_misskey_content": "Which :blobcat: ?",
                "to": [AS_PUBLIC], "cc": [S["miko"] + "/followers"], "published": "2026-12-01T10:00:00.000Z",
                "endTime": "2030-01-01T00:00:00.000Z",
                "anyOf": [{"type": "Note", "name": "left", "replies": {"type": "Collection", "totalItems": 1}},
                          {"type": "Note", "name": "right", "replies": {"type": "Collection", "totalItems": 0}}],
                "tag": [{"id": misskey.base() + "/emojis/blobcat", "type": "Emoji", "name": ":blobcat:",
                         "icon": {"type": "Image", "mediaType": "image/png",
                                  "url": misskey.base() + "/files/blobcat.png"}}]}
    misskey.post("miko", inbox(), activity("Create", S["miko"], question, "creates/q1"))

    def home(needle):
        for st in alpha.api("GET", "/api/v1/timelines/home", token=alice.token, query={"limit": 40}):
            target = st.get("reblog") or st
            if needle in (target.get("content") or ""):
                return target
        return None
    polled = wait_for(lambda: home("Which"))
    s.require(polled, "miko's Question reaches alice's home")
    poll = polled.get("poll") or {}
    s.check(poll.get("multiple") is True and [o["title"] for o in poll.get("options", [])] == ["left", "right"],
            "anyOf is a multiple-choice poll", poll)
    s.check(":blobcat:" in polled["content"], "the post with Emoji tags is taken with its text",
            polled["content"])
    s.eq([(e["shortcode"], e["url"], e["static_url"]) for e in polled.get("emojis", [])],
         [("blobcat", misskey.base() + "/files/blobcat.png", misskey.base() + "/files/blobcat.png")],
         "the Emoji tag shows in the status's emojis, with misskey.test's image")
    restart()
    again = S["alpha"].api("GET", f"/api/v1/statuses/{polled['id']}", token=alice.token)
    s.eq(((again.get("poll") or {}).get("multiple"), [e["shortcode"] for e in again.get("emojis", [])]),
         (True, ["blobcat"]), "after a restart the poll and its emojis are the same")

    alice_follows(s, peertube, "chan")
    video = shapes.peertube_video(peertube.base(), S["chan"], "abc-123", "Cats on a boat")
    peertube.objects[video["id"].replace(peertube.base(), "")] = video
    peertube.post("chan", inbox(), activity("Announce", S["chan"], video["id"], "announces/v1",
                                            to=[AS_PUBLIC], cc=[S["chan"] + "/followers"]))
    boosted = wait_for(lambda: home("Cats on a boat"))
    s.require(boosted, "the channel's Announce of a Video reaches alice's home")
    s.check(boosted["account"]["acct"] == "pat@peertube.test", "attributed to the Person of [Person, Group]",
            boosted["account"])
    s.check(peertube.base() + "/w/abc-123" in boosted["content"], "with the watch page link", boosted["content"])


if __name__ == "__main__":
    harness.main(suite)
