#!/usr/bin/python3
"""Quote posts (Mastodon 4.5) against a real `herd serve`, with requests shaped as Mastodon's
"Implementing quote posts" guide shows them (Mastodon.py 1.8 has no quote parameters; masto.js
covers them in js/masto.test.mjs): quoted_status_id and quote_approval_policy on posting, the
Quote / ShallowQuote / QuoteApproval entities, quotes_count, the `quote` notification,
GET /api/v1/statuses/:id/quotes (anyone who may see the post, without whom they block or mute), revoking, PUT /api/v1/statuses/:id/interaction_policy, the
followers/nobody policies, private and direct posts, blocks, edits (`quoted_update`, the quote
kept, quote_approval_policy), scheduled quotes, private mentions quoting only mentioned authors,
deletion of either side, and source[quote_policy] with the preference.
"""
import datetime
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import T, Suite, eventually, main, parse_args, register  # noqa: E402

suite = Suite("quote posts", parse_args(__doc__))
S = suite.state
APPROVAL = {"automatic": [{"public", "followers", "unknown"}], "manual": [{"public", "followers", "unknown"}],
            "current_user": {"automatic", "manual", "denied", "unknown"}}
STATES = {"pending", "accepted", "rejected", "revoked", "deleted", "unauthorized", "blocked_account",
          "blocked_domain", "muted_account"}


@suite.setup
def start_server_and_register(t):
    server = suite.server()
    S["server"] = server
    for name in ("alice", "bob", "carol"):
        S[name] = register(server, name)
    server.api("POST", f"/api/v1/accounts/{S['alice'].id}/follow", token=S["bob"].token)


def post(user, text, **form):
    return S["server"].api("POST", "/api/v1/statuses", token=user.token, form={"status": text, **form})


def get(user, status_id):
    return S["server"].api("GET", f"/api/v1/statuses/{status_id}", token=user.token if user else None)


@suite.case
def quote_a_public_post(t):
    server, alice, bob, carol = S["server"], S["alice"], S["bob"], S["carol"]
    original = post(alice, "quote me")
    t.entity(original["quote_approval"], APPROVAL, "QuoteApproval")
    t.eq(original["quote"], None, "a status that quotes nothing: quote null")
    t.eq(original["quotes_count"], 0, "quotes_count 0")
    seen_by_bob = get(bob, original["id"])["quote_approval"]
    t.eq(seen_by_bob, {"automatic": ["public"], "manual": [], "current_user": "automatic"},
         "public policy: bob may quote automatically")
    t.eq(get(None, original["id"])["quote_approval"]["current_user"], "unknown", "anonymous: unknown")

    quote = post(bob, "look at this", quoted_status_id=original["id"])
    t.eq(quote["quote"]["state"] if quote.get("quote") else None, "accepted", "a local quote is accepted at once")
    t.check(set(quote["quote"]) == {"state", "quoted_status"}, "Quote {state, quoted_status}", quote["quote"])
    t.eq(quote["quote"]["quoted_status"]["id"], original["id"], "quoted_status is the quoted post")
    t.check(quote["content"].startswith('<p class="quote-inline">RE: <a href="'),
            "the RE: fallback is prepended", quote["content"])
    t.check(original["url"] in quote["content"], "linking the quoted post", quote["content"])
    t.eq(get(alice, original["id"])["quotes_count"], 1, "quotes_count counts it")

    deep = post(carol, "quoting a quote", quoted_status_id=quote["id"])
    inner = deep["quote"]["quoted_status"]
    t.eq(inner["id"], quote["id"], "carol quotes bob's quote")
    t.eq(inner["quote"], {"state": "accepted", "quoted_status_id": original["id"]},
         "one level deeper: a ShallowQuote")
    linked = post(carol, f"already linked {original['url']}", quoted_status_id=original["id"])
    t.check("quote-inline" not in linked["content"], "no fallback when the text links the post", linked["content"])

    notes = server.api("GET", "/api/v1/notifications", token=alice.token, query={"types[]": "quote"})
    t.eq(sorted(n["status"]["id"] for n in notes), sorted([quote["id"], linked["id"]]),
         "a quote notification per quote, with the quote post as status")
    listed = server.api("GET", f"/api/v1/statuses/{original['id']}/quotes", token=alice.token)
    t.eq([s["id"] for s in listed], [linked["id"], quote["id"]], "GET :id/quotes lists them, newest first")
    # Mastodon 4.5's documentation and source agree: anyone signed in who may see the post lists its
    # quotes, without the accounts they block or mute.
    listed = server.api("GET", f"/api/v1/statuses/{original['id']}/quotes", token=bob.token)
    t.eq([s["id"] for s in listed], [linked["id"], quote["id"]], "bob, who may see the post, lists them too")
    carol_id = carol.account["id"]
    server.api("POST", f"/api/v1/accounts/{carol_id}/mute", token=bob.token)
    listed = server.api("GET", f"/api/v1/statuses/{original['id']}/quotes", token=bob.token)
    t.eq([s["id"] for s in listed], [quote["id"]], "without carol's quote once bob mutes her")
    listed = server.api("GET", f"/api/v1/statuses/{original['id']}/quotes", token=alice.token)
    t.eq(len(listed), 2, "alice still sees both")
    server.api("POST", f"/api/v1/accounts/{carol_id}/unmute", token=bob.token)
    t.json_error(server.http("GET", f"/api/v1/statuses/{original['id']}/quotes"), 401, "signed out: 401")
    private = post(alice, "followers only", visibility="private")
    t.json_error(server.http("GET", f"/api/v1/statuses/{private['id']}/quotes", token=carol.token), 404,
                 "a post carol may not see: 404")
    t.eq(server.api("GET", f"/api/v1/statuses/{private['id']}/quotes", token=bob.token), [],
         "bob, a follower, may list its (no) quotes")
    S["original"], S["quote"] = original, quote


@suite.case
def policies_visibility_and_refusals(t):
    server, alice, bob, carol = S["server"], S["alice"], S["bob"], S["carol"]
    followers = post(alice, "followers may quote", quote_approval_policy="followers")
    t.eq(followers["quote_approval"]["automatic"], ["followers"], "automatic: followers")
    t.eq(get(carol, followers["id"])["quote_approval"]["current_user"], "denied", "carol does not follow")
    t.json_error(server.http("POST", "/api/v1/statuses", token=carol.token,
                             form={"status": "no", "quoted_status_id": followers["id"]}), 403,
                 "a non-follower quoting a followers-only policy")
    t.eq(post(bob, "yes", quoted_status_id=followers["id"])["quote"]["state"], "accepted", "a follower may")

    nobody = post(alice, "just me", quote_approval_policy="nobody")
    t.eq(nobody["quote_approval"]["automatic"], [], "nobody: an empty automatic list")
    t.json_error(server.http("POST", "/api/v1/statuses", token=bob.token,
                             form={"status": "no", "quoted_status_id": nobody["id"]}), 403, "nobody may quote")
    t.eq(post(alice, "myself", quoted_status_id=nobody["id"])["quote"]["state"], "accepted",
         "the author always may")
    changed = server.api("PUT", f"/api/v1/statuses/{nobody['id']}/interaction_policy", token=alice.token,
                         form={"quote_approval_policy": "public"})
    t.eq(changed["quote_approval"]["automatic"], ["public"], "PUT interaction_policy changes it")
    t.eq(post(carol, "now I can", quoted_status_id=nobody["id"])["quote"]["state"], "accepted",
         "after the change carol may quote")
    t.json_error(server.http("PUT", f"/api/v1/statuses/{nobody['id']}/interaction_policy", token=bob.token,
                             form={"quote_approval_policy": "nobody"}), 404, "someone else's status")
    t.json_error(server.http("PUT", f"/api/v1/statuses/{nobody['id']}/interaction_policy", token=alice.token,
                             form={"quote_approval_policy": "everyone"}), 422, "an unknown policy")
    t.json_error(server.http("POST", "/api/v1/statuses", token=alice.token,
                             form={"status": "x", "quote_approval_policy": "maybe"}), 422,
                 "an unknown policy on posting")

    private = post(alice, "followers only", visibility="private", quote_approval_policy="public")
    t.eq(private["quote_approval"]["automatic"], [], "a private post is never quotable by others")
    t.json_error(server.http("POST", "/api/v1/statuses", token=bob.token,
                             form={"status": "no", "quoted_status_id": private["id"]}), 403,
                 "a follower quoting a private post")
    own = post(alice, "quoting my private post", quoted_status_id=private["id"], visibility="public")
    t.eq((own["quote"]["state"], own["visibility"]), ("accepted", "private"),
         "the author's quote of a private post becomes private")
    direct = post(alice, "@bob secret", visibility="direct")
    t.json_error(server.http("POST", "/api/v1/statuses", token=alice.token,
                             form={"status": "no", "quoted_status_id": direct["id"]}), 403,
                 "a private mention is never quotable")
    t.json_error(server.http("POST", "/api/v1/statuses", token=carol.token,
                             form={"status": "no", "quoted_status_id": direct["id"]}), 404,
                 "a post one cannot see: 404")
    t.json_error(server.http("POST", "/api/v1/statuses", token=bob.token,
                             form={"status": "no", "quoted_status_id": "999999999"}), 404, "an unknown post")
    server.api("POST", f"/api/v1/accounts/{carol.id}/block", token=alice.token)
    t.json_error(server.http("POST", "/api/v1/statuses", token=carol.token,
                             form={"status": "no", "quoted_status_id": S["original"]["id"]}), 404,
                 "blocked by the author: cannot see, cannot quote")
    server.api("POST", f"/api/v1/accounts/{carol.id}/unblock", token=alice.token)
    count = get(alice, S["original"]["id"])["quotes_count"]
    t.eq(count, 2, "refused quotes are not counted")


@suite.case
def edits_revocation_and_deletion(t):
    server, alice, bob = S["server"], S["alice"], S["bob"]
    original, quote = S["original"], S["quote"]
    edited = server.api("PUT", f"/api/v1/statuses/{quote['id']}", token=bob.token,
                        form={"status": "look at this, edited"})
    t.eq(edited["quote"]["state"], "accepted", "an edit keeps the quote")
    t.check(edited["content"].startswith('<p class="quote-inline">'), "and its fallback", edited["content"])
    server.api("PUT", f"/api/v1/statuses/{original['id']}", token=alice.token, form={"status": "quote me, edited"})
    updates = server.api("GET", "/api/v1/notifications", token=bob.token, query={"types[]": "quoted_update"})
    t.eq([n["status"]["id"] for n in updates], [quote["id"]], "quoted_update carries bob's quote post")

    revoked = server.api("POST", f"/api/v1/statuses/{original['id']}/quotes/{quote['id']}/revoke",
                         token=alice.token)
    t.eq(revoked["id"], quote["id"], "revoke returns the quoting status")
    t.eq(revoked["quote"], {"state": "revoked", "quoted_status": None}, "revoked: no quoted status")
    t.eq(get(bob, quote["id"])["quote"]["state"], "revoked", "as everyone sees it")
    t.eq(get(alice, original["id"])["quotes_count"], 1, "the count drops")
    listed = [s["id"] for s in server.api("GET", f"/api/v1/statuses/{original['id']}/quotes", token=alice.token)]
    t.check(quote["id"] not in listed, "no longer listed", listed)
    notes = server.api("GET", "/api/v1/notifications", token=alice.token, query={"types[]": "quote"})
    t.check(all(n["status"]["id"] != quote["id"] for n in notes), "its quote notification is gone", notes)
    t.json_error(server.http("POST", f"/api/v1/statuses/{original['id']}/quotes/{quote['id']}/revoke",
                             token=bob.token), 404, "only the quoted author revokes")

    target = post(alice, "to be deleted")
    fresh = post(bob, "quoting it", quoted_status_id=target["id"])
    server.api("DELETE", f"/api/v1/statuses/{target['id']}", token=alice.token)
    t.eq(get(bob, fresh["id"])["quote"], {"state": "deleted", "quoted_status": None},
         "the quoted post deleted: state deleted")
    other = post(alice, "keep me")
    gone = post(bob, "short-lived", quoted_status_id=other["id"])
    t.eq(get(alice, other["id"])["quotes_count"], 1, "counted")
    server.api("DELETE", f"/api/v1/statuses/{gone['id']}", token=bob.token)
    t.eq(get(alice, other["id"])["quotes_count"], 0, "a deleted quote is no longer counted")


@suite.case
def viewer_blocks_and_mutes(t):
    """The quote's state as the viewer's blocks and mutes make it (Mastodon's
    StatusFilter#filter_state_for_quote): the quoted post stays attached except when unauthorized."""
    server, alice, bob, carol = S["server"], S["alice"], S["bob"], S["carol"]
    original = post(alice, "seen through blocks")
    quote = post(bob, "quoting through blocks", quoted_status_id=original["id"])

    def seen(user):
        return get(user, quote["id"])["quote"]

    t.eq(seen(carol)["state"], "accepted", "carol sees it accepted")
    server.api("POST", f"/api/v1/accounts/{alice.id}/mute", token=carol.token)
    q = seen(carol)
    t.eq(q["state"], "muted_account", "carol muted alice: muted_account")
    t.eq((q["quoted_status"] or {}).get("id"), original["id"], "the quoted post is still attached")
    t.eq(seen(bob)["state"], "accepted", "bob's own view is unchanged")
    server.api("POST", f"/api/v1/accounts/{alice.id}/block", token=carol.token)
    q = seen(carol)
    t.eq(q["state"], "blocked_account", "carol blocked alice: blocked_account (before the mute)")
    t.eq((q["quoted_status"] or {}).get("id"), original["id"], "attached, for the client to hide")
    server.api("POST", f"/api/v1/accounts/{alice.id}/unblock", token=carol.token)
    server.api("POST", f"/api/v1/accounts/{alice.id}/unmute", token=carol.token)
    t.eq(seen(carol)["state"], "accepted", "unblocked and unmuted: accepted again")
    server.api("POST", f"/api/v1/accounts/{carol.id}/block", token=alice.token)
    t.eq(seen(carol), {"state": "unauthorized", "quoted_status": None},
         "alice blocked carol: unauthorized, the quoted post withheld")
    deeper = post(bob, "quoting the quote", quoted_status_id=quote["id"])
    inner = get(carol, deeper["id"])["quote"]["quoted_status"]
    t.eq(inner["quote"], {"state": "unauthorized", "quoted_status_id": None},
         "one level deeper, the ShallowQuote says the same")
    server.api("POST", f"/api/v1/accounts/{carol.id}/unblock", token=alice.token)
    t.eq(seen(carol)["state"], "accepted", "unblocked: accepted")


@suite.case
def edited_policy_scheduled_quotes_and_private_mentions(t):
    """quote_approval_policy on an edit (ignored for a private post); a scheduled quote keeps
    params[quoted_status_id] and params[quote_approval_policy] and is posted as a quote; a private
    mention may quote someone else's post only when it mentions its author (Mastodon's 422)."""
    server, alice, bob = S["server"], S["alice"], S["bob"]
    mine = post(alice, "policy by edit")
    edited = server.api("PUT", f"/api/v1/statuses/{mine['id']}", token=alice.token,
                        form={"status": "policy by edit, again", "quote_approval_policy": "nobody"})
    t.eq(edited["quote_approval"]["automatic"], [], "an edit with quote_approval_policy=nobody")
    t.eq(get(bob, mine["id"])["quote_approval"]["current_user"], "denied", "bob may no longer quote it")
    t.json_error(server.http("PUT", f"/api/v1/statuses/{mine['id']}", token=alice.token,
                             form={"status": "x", "quote_approval_policy": "anyone"}), 422,
                 "an unknown policy on an edit")
    private = post(alice, "followers only, edited", visibility="private")
    edited = server.api("PUT", f"/api/v1/statuses/{private['id']}", token=alice.token,
                        form={"status": "still followers only", "quote_approval_policy": "public"})
    t.eq(edited["quote_approval"]["automatic"], [], "ignored for a private post: nobody")

    original = post(alice, "quote me later")
    when = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=10))
    scheduled = server.api("POST", "/api/v1/statuses", token=bob.token,
                           form={"status": "a scheduled quote", "quoted_status_id": original["id"],
                                 "quote_approval_policy": "followers",
                                 "scheduled_at": when.strftime("%Y-%m-%dT%H:%M:%S.000Z")})
    t.eq((scheduled["params"].get("quoted_status_id"), scheduled["params"].get("quote_approval_policy")),
         (original["id"], "followers"), "ScheduledStatus params[quoted_status_id], params[quote_approval_policy]")
    t.json_error(server.http("POST", "/api/v1/statuses", token=bob.token,
                             form={"status": "bad", "quote_approval_policy": "maybe",
                                   "scheduled_at": when.strftime("%Y-%m-%dT%H:%M:%S.000Z")}), 422,
                 "an unknown policy when scheduling")
    server.sql(f"UPDATE scheduled_statuses SET scheduled_at = 0 WHERE id = {int(scheduled['id'])}")

    def published():
        for s in server.api("GET", f"/api/v1/accounts/{bob.id}/statuses", token=bob.token):
            if "a scheduled quote" in s["content"]:
                return s
    posted = eventually(published, timeout=20)
    t.require(posted, "the scheduled quote is posted when due")
    t.eq(((posted["quote"] or {}).get("state"), ((posted["quote"] or {}).get("quoted_status") or {}).get("id")),
         ("accepted", original["id"]), "as a quote of alice's post")
    t.eq(posted["quote_approval"]["automatic"], ["followers"], "with its quote policy")

    t.json_error(server.http("POST", "/api/v1/statuses", token=bob.token,
                             form={"status": "just between us", "visibility": "direct",
                                   "quoted_status_id": original["id"]}), 422,
                 "a private mention quoting alice without mentioning her")
    mentioning = post(bob, "@alice between us", visibility="direct", quoted_status_id=original["id"])
    t.eq((mentioning["visibility"], mentioning["quote"]["state"]), ("direct", "accepted"),
         "mentioning her, it is a quote")


@suite.case
def default_quote_policy(t):
    server, alice = S["server"], S["alice"]
    me = server.api("PATCH", "/api/v1/accounts/update_credentials", token=alice.token,
                    form={"source[quote_policy]": "followers"})
    t.eq(me["source"]["quote_policy"], "followers", "source[quote_policy] saved")
    prefs = server.api("GET", "/api/v1/preferences", token=alice.token)
    t.eq(prefs.get("posting:default:quote_policy"), "followers", "posting:default:quote_policy")
    t.eq(post(alice, "default policy")["quote_approval"]["automatic"], ["followers"], "used for new posts")
    t.json_error(server.http("PATCH", "/api/v1/accounts/update_credentials", token=alice.token,
                             form={"source[quote_policy]": "all", "display_name": "Changed"}), 422,
                 "an unknown default")
    t.check(server.api("GET", "/api/v1/accounts/verify_credentials", token=alice.token)["display_name"] != "Changed",
            "and nothing else changed")


if __name__ == "__main__":
    main(suite)
