#!/usr/bin/python3
"""Quote posts and custom emoji between herd and the independent Fedify peer
(../shared/peers/fedify, Fedify 2.3, whose vocabulary has FEP-044f's quote, quoteAuthorization and
QuoteRequest, and Mastodon's Emoji). The shared peer has no way to quote or to write an emoji, so
this test teaches a copy of it admin calls, /admin/quote and /admin/emoji-note, which build the
notes, the QuoteRequest and the Emoji tag with Fedify's own classes (its JSON-LD, not ours), and
/admin/emoji-tags, which reads the Emoji tags of a note as Fedify understands them:

  - fred's QuoteRequest for alice's post gets herd's Accept, which Fedify's inbox takes (with the
    QuoteAuthorization as result), and alpha shows fred's quote as accepted;
  - fred's quote sent as a plain Create, without a request or an authorization, stays pending;
  - a Fedify note without interactionPolicy.canQuote may not be quoted (403), as Mastodon reads it;
  - alice's post using alpha's :fedcat: reaches Fedify with an Emoji tag that Fedify reads (name and
    icon URL, alpha's image); fred's note with an Emoji tag built by Fedify shows the emoji in its
    `emojis` on alpha.

Needs Node 22 and the peer's dependencies as test_fedify.py does (skipped, 77, without them).

    /usr/bin/python3 tests/federation/test_fedify_quotes.py --herd build/herd
"""
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fedlib  # noqa: E402
from fedlib import harness, wait_for  # noqa: E402

fedlib.enter_namespace()
args = harness.parse_args(__doc__)
suite = harness.Suite("federation: quotes with Fedify", args)
S = suite.state
PEER_DIR = os.environ.get("HERD_FEDIFY_PEER", fedlib.shared_path("peers", "fedify"))
CACHE = os.environ.get("HERD_FEDIFY_CACHE", os.path.expanduser("~/.cache/herd-fedify"))

# The admin call taught to the peer's copy: a note quoting `object`, sent as a QuoteRequest to its
# author (request: true) or as a Create to the author.
QUOTE_ADMIN = r'''
  if (p === "/admin/quote") { // {"text": "...", "object": url, "request": bool}
    const quoted = await lookup(j.object);
    const author = quoted?.attributionId ? await lookup(quoted.attributionId.href) : null;
    if (!author || !isActor(author)) throw new Error("no author for " + j.object);
    const id = String(Date.now());
    const uri = ctx.getObjectUri(Note, { identifier: USER, id });
    const note = new Note({
      id: uri, attribution: ctx.getActorUri(USER), content: j.text ?? "quoting",
      to: PUBLIC_COLLECTION, ccs: [ctx.getFollowersUri(USER), author.id],
      tags: [new Mention({ href: author.id, name: author.id.href })],
      quote: new URL(j.object), published: Temporal.Now.instant(), url: uri,
    });
    notes.set(uri.href, note);
    const activity = j.request
      ? new QuoteRequest({ id: new URL(uri.href + "#quote-request"), actor: ctx.getActorUri(USER),
          object: new URL(j.object), instrument: note, to: author.id })
      : new Create({ id: new URL(uri.href + "#create"), actor: ctx.getActorUri(USER), object: note,
          tos: note.toIds, ccs: note.ccIds, published: note.published });
    await ctx.sendActivity({ identifier: USER }, author, activity);
    return { note: uri.href };
  }
  if (p === "/admin/emoji-note") { // {"text", "mention", "mentionName", "emoji": ":code:", "icon": url}
    const mentioned = await lookup(j.mention);
    const id = String(Date.now());
    const uri = ctx.getObjectUri(Note, { identifier: USER, id });
    const note = new Note({
      id: uri, attribution: ctx.getActorUri(USER), content: j.text, to: PUBLIC_COLLECTION,
      ccs: [mentioned.id], published: Temporal.Now.instant(), url: uri,
      tags: [new Mention({ href: mentioned.id, name: j.mentionName }),
             new Emoji({ id: new URL(j.icon + "#emoji"), name: j.emoji,
                         icon: new Image({ url: new URL(j.icon), mediaType: "image/png" }) })],
    });
    notes.set(uri.href, note);
    await ctx.sendActivity({ identifier: USER }, mentioned, new Create({ id: new URL(uri.href + "#create"),
      actor: ctx.getActorUri(USER), object: note, tos: note.toIds, ccs: note.ccIds, published: note.published }));
    return { note: uri.href };
  }
  if (p === "/admin/emoji-tags") { // ?url=a note: its Emoji tags as Fedify reads them
    const note = await lookup(url.searchParams.get("url"));
    const out = [];
    for await (const tag of note.getTags({ documentLoader }))
      if (tag instanceof Emoji) {
        const icon = await tag.getIcon({ documentLoader });
        out.push({ name: tag.name?.toString(), url: icon?.url?.href ?? null, mediaType: icon?.mediaType ?? null });
      }
    return out;
  }
'''


def teach_quotes(prepared_app, work):
    """A copy of the prepared peer whose server.mjs also answers /admin/quote and records
    QuoteRequests in its inbox (node_modules shared with the prepared copy)."""
    app = os.path.join(work, "quote-peer")
    os.makedirs(app)
    with open(os.path.join(prepared_app, "server.mjs")) as f:
        source = f.read()
    anchor = '  if (p === "/admin/like" || p === "/admin/announce")'
    imports = "Delete, Update, Mention, PUBLIC_COLLECTION, isActor,"
    listeners = ".on(Like, record).on(Announce, record)"
    if anchor not in source or imports not in source or listeners not in source:
        raise RuntimeError("the peer's server.mjs changed: cannot add /admin/quote")
    source = source.replace(anchor, QUOTE_ADMIN + anchor, 1)
    source = source.replace(imports, imports + " QuoteRequest, Emoji, Image,", 1)
    source = source.replace(listeners, listeners + ".on(QuoteRequest, record)", 1)
    with open(os.path.join(app, "server.mjs"), "w") as f:
        f.write(source)
    for name in ("package.json", "node_modules"):
        os.symlink(os.path.join(prepared_app, name), os.path.join(app, name))
    return app


@suite.setup
def start(s):
    S["work"] = tempfile.mkdtemp(prefix="herd-fedify-quotes-")
    peer = fedlib.FedifyPeer(os.path.abspath(PEER_DIR), S["work"])
    try:
        peer.prepare(CACHE)
    except Exception as e:  # noqa: BLE001
        print(f"SKIP: cannot prepare the Fedify peer with Node 22: {e}", flush=True)
        sys.exit(harness.SKIP)
    peer.app = teach_quotes(peer.app, S["work"])
    S["alpha"] = fedlib.fed_server(s, "alpha.test")
    S["alice"] = harness.register(S["alpha"], "alice")
    S["peer"] = peer.start()


def received(kind):
    return [a for a in S["peer"].admin("GET", "/admin/received") if a.get("type") == kind]


def alpha_status_by_uri(uri):
    r = S["alpha"].api("GET", "/api/v2/search", token=S["alice"].token,
                       query={"q": uri, "resolve": "true", "type": "statuses"})
    return r["statuses"][0] if r["statuses"] else None


@suite.case
def fedify_quote_request_is_accepted(s):
    alpha, alice, peer = S["alpha"], S["alice"], S["peer"]
    post = alpha.api("POST", "/api/v1/statuses", token=alice.token, form={"status": "fred may quote this"})
    note = peer.admin("POST", "/admin/quote", {"text": "fred quotes alice", "object": post["uri"],
                                               "request": True})["note"]
    accepts = wait_for(lambda: [a for a in received("Accept") if note in str(a)], what="herd's Accept")
    s.require(accepts, "Fedify's inbox takes herd's Accept of the QuoteRequest", peer.log()[-3000:])
    s.check("quote_authorizations" in str(accepts[0]), "with the QuoteAuthorization as result", accepts[0])
    quotes = wait_for(lambda: alpha.api("GET", f"/api/v1/statuses/{post['id']}/quotes", token=alice.token),
                      what="the quote listed")
    s.eq([q["uri"] for q in quotes or []], [note], "fred's note is a quote of alice's post on alpha")
    if quotes:
        s.eq(quotes[0]["quote"]["state"], "accepted", "accepted")
        s.eq(quotes[0]["quote"]["quoted_status"]["id"], post["id"], "quoting alice's post")


@suite.case
def fedify_quote_without_authorization_stays_pending(s):
    alpha, alice, peer = S["alpha"], S["alice"], S["peer"]
    post = alpha.api("POST", "/api/v1/statuses", token=alice.token, form={"status": "quote without asking"})
    note = peer.admin("POST", "/admin/quote", {"text": "fred quotes without asking", "object": post["uri"]})["note"]
    stored = wait_for(lambda: alpha_status_by_uri(note), what="fred's note on alpha")
    s.require(stored, "alpha stores fred's note (Fedify's `quote` read)", peer.log()[-3000:])
    s.eq(stored["quote"], {"state": "pending", "quoted_status": None}, "unauthorized: pending, not shown")
    s.eq(alpha.api("GET", f"/api/v1/statuses/{post['id']}/quotes", token=alice.token), [], "not listed")


@suite.case
def fedify_note_without_policy_is_not_quotable(s):
    alpha, alice, peer = S["alpha"], S["alice"], S["peer"]
    note = peer.admin("POST", "/admin/note", {"text": "a note by fred"})["note"]
    local = alpha_status_by_uri(note)
    s.require(local, "alpha resolves fred's note")
    s.eq(local["quote_approval"]["current_user"], "denied",
         "Fedify publishes no canQuote: nobody may quote (as Mastodon reads it)")
    r = alpha.http("POST", "/api/v1/statuses", token=alice.token,
                   form={"status": "alice quotes fred", "quoted_status_id": local["id"]})
    s.status(r, 403, "so herd refuses to quote it")


@suite.case
def custom_emoji_both_ways(s):
    alpha, alice, peer = S["alpha"], S["alice"], S["peer"]
    image = os.path.join(S["work"], "fedcat.png")
    with open(image, "wb") as f:
        f.write(harness.png(8, 8))
    rc, out, err = harness.run_herd_once(alpha.herd, alpha.environment(), ("admin", "emoji", "add", "fedcat", image))
    s.require(rc == 0, "herd admin emoji add fedcat on alpha", out + err)
    url = alpha.api("GET", "/api/v1/custom_emojis")[0]["url"]
    # alpha's server picks up the emoji within a second: a direct post to nobody shows when.
    probe = alpha.api("POST", "/api/v1/statuses", token=alice.token, form={"status": ":fedcat:", "visibility": "direct"})
    s.require(wait_for(lambda: alpha.api("GET", f"/api/v1/statuses/{probe['id']}", token=alice.token)["emojis"]),
              "alpha shows :fedcat: in its own posts")
    post = alpha.api("POST", "/api/v1/statuses", token=alice.token, form={"status": "cats :fedcat: for fred"})
    tags = peer.admin("GET", "/admin/emoji-tags?url=" + post["uri"])
    s.eq(tags, [{"name": ":fedcat:", "url": url, "mediaType": "image/png"}],
         "Fedify reads the Emoji tag of alice's note: its name and alpha's image")

    icon = "http://fedify.test/emojis/fedifox.png"
    note = peer.admin("POST", "/admin/emoji-note", {
        "text": "<p>fred says :fedifox: to @alice</p>", "mention": "http://alpha.test/users/alice",
        "mentionName": "@alice@alpha.test", "emoji": ":fedifox:", "icon": icon})["note"]
    stored = wait_for(lambda: alpha_status_by_uri(note), what="fred's note on alpha")
    s.require(stored, "alpha stores fred's note with an Emoji tag", peer.log()[-3000:])
    s.eq([(e["shortcode"], e["url"], e["static_url"]) for e in stored["emojis"]], [("fedifox", icon, icon)],
         "its emojis show :fedifox: (the remote image: fred's server does not serve it, so no copy)")


if __name__ == "__main__":
    fedlib.run_then_stop(suite, S)
