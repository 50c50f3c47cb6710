#!/usr/bin/python3
"""Quote posts over ActivityPub as Mastodon 4.5 federates them (FEP-044f), between two herd
instances (alpha.test, beta.test) and a scriptable server (sink.test) sending activities shaped as
the FEP's and Mastodon's examples:

  a remote quote is pending until the QuoteRequest is answered; the Accept's QuoteAuthorization
  approves it (served by the quoted server, sent back in an Update of the quote post); an edit of
  the quoted post reaches the quoting server as a quoted_update notification; revoking
  is a Delete of the authorization; a QuoteRequest for a post nobody may quote gets a Reject;
  interactionPolicy.canQuote is published and read; a remote quote of a remote post is approved
  only by a valid authorization (a forged one, or none, leaves it pending); _misskey_quote, quoteUrl
  and quoteUri (older software) are read; a Reject of herd's QuoteRequest makes the quote `rejected`;
  a viewer's domain block of the quoted author shows `blocked_domain`.

    /usr/bin/python3 tests/federation/test_quotes_federation.py --herd build/herd [--backend sqlite]
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fedlib  # noqa: E402
from fedlib import harness, wait_for  # noqa: E402

fedlib.enter_namespace()
args = harness.parse_args(__doc__)
suite = harness.Suite("federation: quote posts", args)
S = suite.state
AS = "https://www.w3.org/ns/activitystreams"
PUBLIC = AS + "#Public"
CONTEXT = [AS, {"QuoteRequest": "https://w3id.org/fep/044f#QuoteRequest",
                "QuoteAuthorization": "https://w3id.org/fep/044f#QuoteAuthorization",
                "quote": {"@id": "https://w3id.org/fep/044f#quote", "@type": "@id"},
                "quoteAuthorization": {"@id": "https://w3id.org/fep/044f#quoteAuthorization", "@type": "@id"},
                "gts": "https://gotosocial.org/ns#",
                "interactionPolicy": {"@id": "gts:interactionPolicy", "@type": "@id"},
                "canQuote": {"@id": "gts:canQuote", "@type": "@id"},
                "automaticApproval": {"@id": "gts:automaticApproval", "@type": "@id"},
                "interactingObject": {"@id": "gts:interactingObject", "@type": "@id"},
                "interactionTarget": {"@id": "gts:interactionTarget", "@type": "@id"}}]


def search_status(server, user, url):
    r = server.api("GET", "/api/v2/search", token=user.token,
                   query={"q": url, "resolve": "true", "type": "statuses"})
    return r["statuses"][0] if r["statuses"] else None


def status(server, user, status_id):
    return server.api("GET", f"/api/v1/statuses/{status_id}", token=user.token)


def activity_json(server, path):
    r = server.http("GET", path, headers={"Accept": "application/activity+json"})
    return r.json() if r.status == 200 else None


@suite.setup
def start_instances(s):
    S["alpha"] = fedlib.fed_server(s, "alpha.test")
    S["beta"] = fedlib.fed_server(s, "beta.test")
    S["alice"] = harness.register(S["alpha"], "alice")
    S["bob"] = harness.register(S["beta"], "bob")
    S["sink"] = fedlib.FakeServer("sink.test").start()
    S["sam"] = S["sink"].actor("sam")
    S["sue"] = S["sink"].actor("sue")


@suite.case
def herd_quotes_herd_accept_and_revoke(s):
    alpha, beta, alice, bob = S["alpha"], S["beta"], S["alice"], S["bob"]
    post = alpha.api("POST", "/api/v1/statuses", token=alice.token, form={"status": "quote me across servers"})
    note = activity_json(alpha, f"/users/alice/statuses/{post['id']}")
    s.eq((note or {}).get("interactionPolicy"),
         {"canQuote": {"automaticApproval": [PUBLIC], "manualApproval": []}},
         "the note advertises interactionPolicy.canQuote")
    remote = search_status(beta, bob, post["uri"])
    s.require(remote, "beta resolves alice's post")
    s.eq(remote["quote_approval"], {"automatic": ["public"], "manual": [], "current_user": "automatic"},
         "beta reads the policy")
    quote = beta.api("POST", "/api/v1/statuses", token=bob.token,
                     form={"status": "bob quotes alice", "quoted_status_id": remote["id"]})
    s.eq(quote["quote"]["state"], "pending", "a quote of a remote post is pending")
    accepted = wait_for(lambda: (lambda q: q if q["quote"]["state"] == "accepted" else None)(
        status(beta, bob, quote["id"])), what="the Accept")
    s.require(accepted, "alpha's Accept approves the quote on beta", status(beta, bob, quote["id"]))
    s.eq(accepted["quote"]["quoted_status"]["id"], remote["id"], "quoted_status shown once accepted")
    bob_note = activity_json(beta, f"/users/bob/statuses/{quote['id']}")
    stamp = (bob_note or {}).get("quoteAuthorization", "")
    s.eq((bob_note or {}).get("quote"), post["uri"], "bob's note carries `quote`")
    s.check(stamp.startswith("http://alpha.test/users/alice/quote_authorizations/"),
            "and alpha's quoteAuthorization", bob_note)
    auth = activity_json(alpha, stamp.removeprefix("http://alpha.test"))
    s.eq({k: (auth or {}).get(k) for k in ("type", "attributedTo", "interactingObject", "interactionTarget")},
         {"type": "QuoteAuthorization", "attributedTo": "http://alpha.test/users/alice",
          "interactingObject": quote["uri"], "interactionTarget": post["uri"]},
         "the QuoteAuthorization alpha serves")
    notes = wait_for(lambda: alpha.api("GET", "/api/v1/notifications", token=alice.token,
                                       query={"types[]": "quote"}), what="the quote notification")
    s.require(notes, "alice is notified on alpha")
    local_copy = notes[0]["status"]
    s.eq(local_copy["uri"], quote["uri"], "about bob's quote post")
    s.eq(local_copy["quote"]["state"], "accepted", "accepted on alpha too")
    listed = alpha.api("GET", f"/api/v1/statuses/{post['id']}/quotes", token=alice.token)
    s.eq([q["uri"] for q in listed], [quote["uri"]], "listed among the quotes of alice's post")
    alpha.api("PUT", f"/api/v1/statuses/{post['id']}", token=alice.token,
              form={"status": "quote me across servers, edited"})
    updated = wait_for(lambda: beta.api("GET", "/api/v1/notifications", token=bob.token,
                                        query={"types[]": "quoted_update"}), what="the quoted_update notification")
    s.eq([n["status"]["id"] for n in updated or []], [quote["id"]],
         "alice's edit arrives on beta as a quoted_update carrying bob's quote post")

    alpha.api("POST", f"/api/v1/statuses/{post['id']}/quotes/{local_copy['id']}/revoke", token=alice.token)
    revoked = wait_for(lambda: (lambda q: q if q["quote"]["state"] == "revoked" else None)(
        status(beta, bob, quote["id"])), what="the revocation")
    s.check(revoked, "the Delete of the authorization revokes it on beta", status(beta, bob, quote["id"]))
    s.eq(alpha.http("GET", stamp.removeprefix("http://alpha.test"),
                    headers={"Accept": "application/activity+json"}).status, 404,
         "a revoked authorization is gone")


@suite.case
def quote_request_fixtures_accept_and_reject(s):
    alpha, alice, sink, sam = S["alpha"], S["alice"], S["sink"], S["sam"]
    open_post = alpha.api("POST", "/api/v1/statuses", token=alice.token, form={"status": "anyone may quote"})
    closed = alpha.api("POST", "/api/v1/statuses", token=alice.token,
                       form={"status": "nobody may quote", "quote_approval_policy": "nobody"})
    s.eq(activity_json(alpha, f"/users/alice/statuses/{closed['id']}")["interactionPolicy"]["canQuote"]
         ["automaticApproval"], ["http://alpha.test/users/alice"], "nobody: the author alone")
    for n, target in enumerate((open_post, closed), 1):
        note_id = f"http://sink.test/users/sam/statuses/q{n}"
        request = {"@context": CONTEXT, "type": "QuoteRequest", "id": note_id + "/quote", "actor": sam,
                   "object": target["uri"],
                   "instrument": {"type": "Note", "id": note_id, "attributedTo": sam, "to": [PUBLIC, alice.account["url"]],
                                  "content": f"<p>I am quoting alice's post<br/>RE: {target['uri']}</p>",
                                  "quote": target["uri"]}}
        s.status(sink.post("sam", "http://alpha.test/users/alice/inbox", request), 202, f"QuoteRequest {n} accepted")
    answers = wait_for(lambda: [a for a in sink.inbox_posts() if a.get("type") in ("Accept", "Reject")
                                and isinstance(a.get("object"), dict)
                                and a["object"].get("type") == "QuoteRequest"] if len(
        [a for a in sink.inbox_posts() if a.get("type") in ("Accept", "Reject")]) >= 2 else None,
        what="two answers")
    s.require(answers, "sam's server gets both answers", sink.inbox_posts())
    by_request = {a["object"]["id"]: a for a in answers}
    accept = by_request.get("http://sink.test/users/sam/statuses/q1/quote", {})
    reject = by_request.get("http://sink.test/users/sam/statuses/q2/quote", {})
    s.eq(accept.get("type"), "Accept", "the open post's request is accepted")
    s.eq(accept.get("object", {}).get("instrument"), "http://sink.test/users/sam/statuses/q1",
         "the Accept names the quote post by id only")
    s.eq(reject.get("type"), "Reject", "the nobody post's request is rejected")
    s.check("result" not in reject, "a Reject carries no authorization", reject)
    auth = activity_json(alpha, accept.get("result", "").removeprefix("http://alpha.test"))
    s.eq((auth or {}).get("interactingObject"), "http://sink.test/users/sam/statuses/q1",
         "the result dereferences to the QuoteAuthorization of sam's note")
    quotes = alpha.api("GET", f"/api/v1/statuses/{open_post['id']}/quotes", token=alice.token)
    s.eq([q["uri"] for q in quotes], ["http://sink.test/users/sam/statuses/q1"], "the inlined quote post is stored")
    s.eq(alpha.api("GET", f"/api/v1/statuses/{closed['id']}/quotes", token=alice.token), [],
         "the rejected one is not a quote of the closed post")


@suite.case
def remote_quotes_of_remote_posts_need_a_valid_authorization(s):
    alpha, alice, sink, sam, sue = S["alpha"], S["alice"], S["sink"], S["sam"], S["sue"]
    quoted_id = "http://sink.test/users/sue/statuses/1"
    sink.objects["/users/sue/statuses/1"] = {
        "@context": CONTEXT, "type": "Note", "id": quoted_id, "attributedTo": sue, "to": [PUBLIC],
        "content": "<p>sue's post</p>", "published": "2025-01-01T00:00:00Z",
        "interactionPolicy": {"canQuote": {"automaticApproval": PUBLIC}}}
    good_stamp = "http://sink.test/users/sue/stamps/1"
    sink.objects["/users/sue/stamps/1"] = {
        "@context": CONTEXT, "type": "QuoteAuthorization", "id": good_stamp, "attributedTo": sue,
        "interactingObject": "http://sink.test/users/sam/statuses/r1", "interactionTarget": quoted_id}
    forged_stamp = "http://sink.test/users/sue/stamps/2"
    sink.objects["/users/sue/stamps/2"] = {
        "@context": CONTEXT, "type": "QuoteAuthorization", "id": forged_stamp, "attributedTo": sue,
        "interactingObject": "http://sink.test/users/sam/statuses/other", "interactionTarget": quoted_id}

    def create(n, extra):
        note = {"type": "Note", "id": f"http://sink.test/users/sam/statuses/r{n}", "attributedTo": sam,
                "to": [PUBLIC], "cc": [alice.account["url"]],
                "content": f"<p>@alice quoting sue, take {n}</p>", "published": "2025-01-02T00:00:00Z",
                "tag": [{"type": "Mention", "href": "http://alpha.test/users/alice", "name": "@alice@alpha.test"}],
                **extra}
        activity = {"@context": CONTEXT, "type": "Create", "id": note["id"] + "/activity", "actor": sam,
                    "to": note["to"], "cc": note["cc"], "object": note}
        s.status(sink.post("sam", "http://alpha.test/inbox", activity), 202, f"Create r{n}")
        return note["id"]

    create(1, {"quote": quoted_id, "quoteAuthorization": good_stamp})
    create(2, {"quote": quoted_id, "quoteAuthorization": forged_stamp})
    create(3, {"_misskey_quote": quoted_id})
    create(4, {"quoteUrl": quoted_id})  # older software: Akkoma/Pleroma, Fedibird
    create(5, {"quoteUri": quoted_id})

    def mentions():
        items = alpha.api("GET", "/api/v1/notifications", token=alice.token,
                          query={"types[]": "mention", "limit": 40})
        return {n["status"]["uri"]: n["status"] for n in items if "sink.test/users/sam/statuses/r" in n["status"]["uri"]}

    got = wait_for(lambda: (lambda m: m if len(m) == 5 else None)(mentions()), what="five mentions")
    s.require(got, "alpha stores the five quote posts", mentions())
    r1, r2, r3, r4, r5 = (got[f"http://sink.test/users/sam/statuses/r{n}"] for n in (1, 2, 3, 4, 5))
    s.eq(r1["quote"]["state"], "accepted", "a valid authorization approves it")
    s.eq(r1["quote"]["quoted_status"]["uri"], quoted_id, "the quoted post was fetched")
    s.eq(r1["quote"]["quoted_status"]["quote_approval"]["automatic"], ["public"], "its canQuote read")
    s.eq(r2["quote"], {"state": "pending", "quoted_status": None}, "a forged authorization leaves it pending")
    s.eq(r3["quote"]["state"], "pending", "_misskey_quote is read; without authorization: pending")
    for r, key in ((r4, "quoteUrl"), (r5, "quoteUri")):
        s.eq(((r["quote"] or {}).get("state"), (r["quote"] or {}).get("quoted_status")), ("pending", None),
             f"{key} is read as the quote; without authorization: pending")

    delete = {"@context": CONTEXT, "type": "Delete", "id": good_stamp + "#delete", "actor": sue,
              "to": [sam], "object": {"id": good_stamp, "type": "QuoteAuthorization"}}
    s.status(sink.post("sue", "http://alpha.test/inbox", delete), 202, "Delete of the authorization")
    s.eq(status(alpha, alice, r1["id"])["quote"]["state"], "revoked", "the quote is revoked")

    # alice quotes sue's post: a QuoteRequest to sue, then sue's Accept approves it.
    quoted_local = r1["quote"]["quoted_status"]["id"]
    mine = alpha.api("POST", "/api/v1/statuses", token=alice.token,
                     form={"status": "alice quotes sue", "quoted_status_id": quoted_local})
    s.eq(mine["quote"]["state"], "pending", "pending until sue answers")
    request = wait_for(lambda: [a for a in sink.inbox_posts("QuoteRequest") if a.get("object") == quoted_id],
                       what="the QuoteRequest")
    s.require(request, "sue's server receives a QuoteRequest", sink.inbox_posts())
    request = request[0]
    s.eq(request["actor"], "http://alpha.test/users/alice", "from alice")
    s.eq(request["instrument"].get("id"), mine["uri"], "with the quote post inlined as instrument")
    s.eq(request["instrument"].get("quote"), quoted_id, "which carries `quote`")
    accept = {"@context": CONTEXT, "type": "Accept", "id": "http://sink.test/users/sue#accepts/1", "actor": sue,
              "to": "http://alpha.test/users/alice", "object": request,
              "result": "http://sink.test/users/sue/stamps/9"}
    s.status(sink.post("sue", "http://alpha.test/users/alice/inbox", accept), 202, "sue's Accept")
    s.eq(status(alpha, alice, mine["id"])["quote"]["state"], "accepted", "accepted by sue")
    update = wait_for(lambda: [a for a in sink.inbox_posts("Update")
                               if a.get("object", {}).get("id") == mine["uri"]
                               and a["object"].get("quoteAuthorization")], what="the Update")
    s.check(update and update[0]["object"]["quoteAuthorization"] == "http://sink.test/users/sue/stamps/9",
            "the quote post is sent again with its quoteAuthorization", sink.inbox_posts("Update"))

    # A viewer who blocks the quoted author's domain sees blocked_domain (Mastodon's StatusFilter).
    alpha.api("POST", "/api/v1/domain_blocks", token=alice.token, form={"domain": "sink.test"})
    blocked = status(alpha, alice, mine["id"])["quote"]
    s.eq((blocked["state"], (blocked.get("quoted_status") or {}).get("uri")), ("blocked_domain", quoted_id),
         "alice blocked sink.test: blocked_domain, the quoted post attached for the client to hide")
    alpha.api("DELETE", "/api/v1/domain_blocks", token=alice.token, form={"domain": "sink.test"})
    s.eq(status(alpha, alice, mine["id"])["quote"]["state"], "accepted", "unblocked: accepted again")

    # A second quote that sue refuses: her Reject makes it `rejected`.
    refused = alpha.api("POST", "/api/v1/statuses", token=alice.token,
                        form={"status": "alice asks again", "quoted_status_id": quoted_local})
    second = wait_for(lambda: [a for a in sink.inbox_posts("QuoteRequest")
                               if a.get("instrument", {}).get("id") == refused["uri"]], what="a second QuoteRequest")
    s.require(second, "sue's server receives the second QuoteRequest", sink.inbox_posts("QuoteRequest"))
    reject = {"@context": CONTEXT, "type": "Reject", "id": "http://sink.test/users/sue#rejects/1", "actor": sue,
              "to": "http://alpha.test/users/alice", "object": second[0]}
    s.status(sink.post("sue", "http://alpha.test/users/alice/inbox", reject), 202, "sue's Reject")
    s.eq(status(alpha, alice, refused["id"])["quote"], {"state": "rejected", "quoted_status": None},
         "rejected by sue: state rejected, the quoted post withheld")


if __name__ == "__main__":
    harness.main(suite)
