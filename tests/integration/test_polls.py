#!/usr/bin/python3
"""Polls against a real `herd serve`, with Mastodon.py 1.8 and raw HTTP.

Post with a poll (Mastodon.py sends JSON, toot-style clients send poll[options][] forms), the
Poll entity on the status and at GET /api/v1/polls/:id with the viewer's voted/own_votes, voting
(single and multiple choice, hidden totals), every refusal Mastodon gives (422 with its message:
ended, already voted, own poll, bad option, several choices in a single-choice poll; 400 without
choices; 404 for a poll the viewer may not see; 401 without a token), the creation limits of
/api/v2/instance configuration.polls, and the poll rendered in timelines and notifications.
"""
import concurrent.futures
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import T, Suite, eventually, main, mastodon_py, metric, parse_args, register  # noqa: E402

suite = Suite("polls", parse_args(__doc__))
S = suite.state
METRICS_TOKEN = "metrics-" + os.urandom(8).hex()

POLL = {
    "id": T.ID,
    "expires_at": (T.TIME, T.NULL),
    "expired": T.BOOL,
    "multiple": T.BOOL,
    "votes_count": T.INT,
    "voters_count": (T.INT, T.NULL),
    "options": [{"title": T.STR, "votes_count": (T.INT, T.NULL)}],
    "emojis": [T.OBJ],
    "voted?": T.BOOL,
    "own_votes?": [T.INT],
}


def post_poll(t, user, options, expires_in=3600, multiple=False, hide_totals=False, visibility="public",
              text="Which one?"):
    body = {"status": text, "visibility": visibility,
            "poll": {"options": options, "expires_in": expires_in, "multiple": multiple,
                     "hide_totals": hide_totals}}
    r = S["server"].http("POST", "/api/v1/statuses", token=user.token, json_body=body)
    t.require(r.status == 200, "post with a poll", r.describe())
    return r.json()


def get_poll(user, poll_id):
    return S["server"].api("GET", f"/api/v1/polls/{poll_id}", token=user.token if user else None)


def vote(user, poll_id, choices):
    return S["server"].http("POST", f"/api/v1/polls/{poll_id}/votes", token=user.token,
                            form={"choices[]": [str(c) for c in choices]})


@suite.setup
def start_server_and_register_users(t):
    server = suite.server(env={"HERD_METRICS_TOKEN": METRICS_TOKEN})
    S["server"] = server
    S["alice"] = register(server, "alice")
    S["bob"] = register(server, "bob")
    S["carol"] = register(server, "carol")


@suite.case
def instance_publishes_poll_limits(t):
    polls = S["server"].api("GET", "/api/v2/instance")["configuration"]["polls"]
    t.eq((polls["max_options"], polls["max_characters_per_option"], polls["min_expiration"],
          polls["max_expiration"]), (4, 50, 300, 2629746), "configuration.polls")


@suite.case
def mastodonpy_posts_and_votes(t):
    alice, bob = S["alice"], S["bob"]
    m_alice = mastodon_py(S["server"], alice.token)
    status = m_alice.status_post("Tea or coffee?", poll=m_alice.make_poll(["Tea", "Coffee", "Water"], 3600))
    t.require(status["poll"], "the status carries its poll", status)
    raw = S["server"].api("GET", f"/api/v1/statuses/{status['id']}", token=alice.token)
    poll = raw["poll"]
    t.entity(poll, POLL, "Poll")
    t.eq([o["title"] for o in poll["options"]], ["Tea", "Coffee", "Water"], "options in order")
    t.eq([o["votes_count"] for o in poll["options"]], [0, 0, 0], "no votes yet")
    t.eq((poll["multiple"], poll["expired"], poll["votes_count"], poll["voters_count"]), (False, False, 0, 0),
         "single choice, open, no votes")
    t.eq((poll["voted"], poll["own_votes"]), (True, []), "the author counts as having voted")
    t.check(poll["expires_at"] > raw["created_at"], "expires_at is after the post", poll)
    S["poll_status"] = raw["id"]
    S["poll_id"] = poll["id"]

    m_bob = mastodon_py(S["server"], bob.token)
    m_bob.poll_vote(poll["id"], [1])
    seen = get_poll(bob, poll["id"])
    t.entity(seen, POLL, "Poll after voting")
    t.eq((seen["voted"], seen["own_votes"]), (True, [1]), "bob's vote is his")
    t.eq([o["votes_count"] for o in seen["options"]], [0, 1, 0], "counted")
    t.eq((seen["votes_count"], seen["voters_count"]), (1, 1), "totals")
    fetched = m_bob.poll(poll["id"])
    t.eq(fetched["own_votes"], [1], "Mastodon.py reads the poll back")
    anonymous = get_poll(None, poll["id"])
    t.check("voted" not in anonymous and "own_votes" not in anonymous, "no viewer fields without a token",
            anonymous)
    carol_view = get_poll(S["carol"], poll["id"])
    t.eq((carol_view["voted"], carol_view["own_votes"]), (False, []), "carol has not voted")

    # The poll is rendered wherever the status is: public timeline, account statuses.
    public = S["server"].api("GET", "/api/v1/timelines/public", token=bob.token)
    mine = [s for s in public if s["id"] == raw["id"]]
    t.require(mine, "the poll status on the public timeline")
    t.eq(mine[0]["poll"]["own_votes"], [1], "with the viewer's votes on the timeline")
    listed = S["server"].api("GET", f"/api/v1/accounts/{alice.account['id']}/statuses", token=S["carol"].token)
    t.check(any(s["id"] == raw["id"] and s["poll"] and s["poll"]["voted"] is False for s in listed),
            "and on the account's statuses, for another viewer", listed)


@suite.case
def votes_refused_as_mastodon(t):
    alice, bob, carol = S["alice"], S["bob"], S["carol"]
    poll_id = S["poll_id"]
    r = vote(bob, poll_id, [0])
    t.json_error(r, 422, "a second vote")
    t.eq(r.json().get("error"), "Validation failed: You have already voted on this poll", "message")
    r = vote(alice, poll_id, [0])
    t.json_error(r, 422, "a vote in one's own poll")
    t.eq(r.json().get("error"), "Validation failed: You cannot vote in your own polls", "message")
    r = vote(carol, poll_id, [3])
    t.json_error(r, 422, "an option that does not exist")
    t.eq(r.json().get("error"), "Validation failed: The chosen vote option does not exist", "message")
    t.json_error(vote(carol, poll_id, [0, 2]), 422, "two choices in a single-choice poll")
    t.eq(get_poll(carol, poll_id)["voted"], False, "and nothing was counted")
    t.json_error(S["server"].http("POST", f"/api/v1/polls/{poll_id}/votes", token=carol.token, form={}), 400,
                 "no choices")
    t.json_error(S["server"].http("POST", f"/api/v1/polls/{poll_id}/votes", form={"choices[]": "0"}), 401,
                 "no token")
    t.json_error(S["server"].http("GET", "/api/v1/polls/123456789"), 404, "unknown poll")
    t.json_error(vote(carol, 123456789, [0]), 404, "vote in an unknown poll")

    private = post_poll(t, alice, ["yes", "no"], visibility="private")
    pid = private["poll"]["id"]
    t.json_error(S["server"].http("GET", f"/api/v1/polls/{pid}", token=carol.token), 404,
                 "a followers-only poll to a non-follower")
    t.json_error(vote(carol, pid, [0]), 404, "voting in it")
    t.json_error(S["server"].http("GET", f"/api/v1/polls/{pid}"), 404, "anonymously")
    t.eq(vote(carol, S["poll_id"], [2]).status, 200, "carol's vote in the public poll")
    t.eq(get_poll(alice, S["poll_id"])["voters_count"], 2, "two voters")


@suite.case
def multiple_choice_and_hidden_totals(t):
    alice, bob, carol = S["alice"], S["bob"], S["carol"]
    status = post_poll(t, alice, ["a", "b", "c"], multiple=True, hide_totals=True)
    pid = status["poll"]["id"]
    t.eq(status["poll"]["multiple"], True, "multiple")
    t.eq(vote(bob, pid, [0, 2]).status, 200, "two choices in a multiple-choice poll")
    t.json_error(vote(bob, pid, [2]), 422, "the same choice again")
    seen = get_poll(bob, pid)
    t.eq(seen["own_votes"], [0, 2], "both choices are bob's")
    t.eq([o["votes_count"] for o in seen["options"]], [None, None, None], "totals hidden until the end")
    t.eq((seen["votes_count"], seen["voters_count"]), (2, 1), "two votes, one voter")
    t.eq(vote(carol, pid, [1]).status, 200, "carol votes")
    t.eq(get_poll(alice, pid)["voters_count"], 2, "two voters")


@suite.case
def creation_limits(t):
    alice = S["alice"]
    server = S["server"]

    def refused(poll, what, message=None, media_ids=None):
        body = {"status": "poll?", "poll": poll}
        if media_ids:
            body["media_ids"] = media_ids
        r = server.http("POST", "/api/v1/statuses", token=alice.token, json_body=body)
        t.json_error(r, 422, what)
        if message:
            t.eq(r.json().get("error"), message, f"{what}: message")

    refused({"options": ["only"], "expires_in": 3600}, "one option",
            "Validation failed: Poll options must have more than one item")
    refused({"options": ["1", "2", "3", "4", "5"], "expires_in": 3600}, "five options",
            "Validation failed: Poll options can't contain more than 4 items")
    refused({"options": ["a", "x" * 51], "expires_in": 3600}, "an option over 50 characters",
            "Validation failed: Poll options cannot be longer than 50 characters each")
    refused({"options": ["a", "a"], "expires_in": 3600}, "duplicate options",
            "Validation failed: Poll options contain duplicate items")
    refused({"options": ["a", "b"], "expires_in": 299}, "under 5 minutes",
            "Validation failed: Poll expires at is too soon")
    refused({"options": ["a", "b"], "expires_in": 2629747}, "over a month",
            "Validation failed: Poll expires at is too far into the future")
    refused({"options": ["a", "b"]}, "without expires_in")
    refused({"options": ["a", "b"], "expires_in": 3600}, "a poll with media", media_ids=["1"])
    count = server.api("GET", f"/api/v1/accounts/{alice.account['id']}")["statuses_count"]

    # Form encoding, as most clients send it.
    r = server.http("POST", "/api/v1/statuses", token=alice.token,
                    form={"status": "form poll", "poll[options][]": ["x" * 50, "y"], "poll[expires_in]": "300",
                          "poll[multiple]": "true", "poll[hide_totals]": "false"})
    t.status(r, 200, "poll[options][] as a form")
    if r.status == 200:
        poll = r.json()["poll"]
        t.entity(poll, POLL, "Poll from a form")
        t.eq(([o["title"] for o in poll["options"]], poll["multiple"]), (["x" * 50, "y"], True),
             "options and multiple from the form")
    after = server.api("GET", f"/api/v1/accounts/{alice.account['id']}")["statuses_count"]
    t.eq(after, count + 1, "refused polls stored no status")


@suite.case
def concurrent_votes_count_once(t):
    alice, carol = S["alice"], S["carol"]
    status = post_poll(t, alice, ["left", "right"])
    pid = status["poll"]["id"]
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda i: vote(carol, pid, [i % 2]).status, range(8)))
    t.eq(sorted(answers), [200] + [422] * 7, "one of eight simultaneous votes in a single-choice poll counts")
    seen = get_poll(carol, pid)
    t.eq((seen["votes_count"], seen["voters_count"], len(seen["own_votes"])), (1, 1, 1), "one vote, one voter")


@suite.case
def deleted_status_takes_its_poll(t):
    alice, bob = S["alice"], S["bob"]
    status = post_poll(t, alice, ["keep", "drop"])
    pid = status["poll"]["id"]
    deleted = S["server"].api("DELETE", f"/api/v1/statuses/{status['id']}", token=alice.token)
    t.check(deleted.get("poll") and deleted["poll"]["id"] == pid, "the deleted status is returned with its poll",
            deleted)
    t.json_error(S["server"].http("GET", f"/api/v1/polls/{pid}", token=bob.token), 404, "the poll is gone")
    t.json_error(vote(bob, pid, [0]), 404, "and cannot be voted in")


@suite.case
def a_vote_keeps_the_cached_answers_that_do_not_show_its_poll(t):
    server, alice, bob, carol = S["server"], S["alice"], S["bob"], S["carol"]
    status = post_poll(t, alice, ["tea", "coffee"])
    other = server.api("POST", "/api/v1/statuses", token=carol.token,
                       form={"status": "no poll here", "visibility": "public"})
    unrelated = [f"/api/v1/statuses/{other['id']}", f"/api/v1/accounts/{carol.account['id']}/statuses"]

    def counter(series):
        return int(metric(server, METRICS_TOKEN, series))

    def poll_jobs():
        return server.sql("SELECT COUNT(*) FROM jobs WHERE queue = 'polls' AND payload LIKE '%update%'")
    for attempt in range(3):  # a background write of the server's own may empty the cache meanwhile
        for path in unrelated + [f"/api/v1/statuses/{status['id']}"]:
            server.http("GET", path, token=bob.token)  # cached now
        cleared = counter('herd_response_cache_invalidations_total{kind="everything"}')
        server.api("POST", f"/api/v1/polls/{status['poll']['id']}/votes", token=bob.token,
                   json_body={"choices": ["0"]})
        t.require(eventually(lambda: poll_jobs() == "0", timeout=20),
                  "the vote's update job runs (about 3 s later)", poll_jobs())
        hits = counter('herd_response_cache_lookups_total{result="hit"}')
        for path in unrelated:
            server.http("GET", path, token=bob.token)
        kept = counter('herd_response_cache_lookups_total{result="hit"}') - hits
        cleared = counter('herd_response_cache_invalidations_total{kind="everything"}') - cleared
        if kept == len(unrelated) or attempt == 2:
            break
        status = post_poll(t, alice, ["tea", "coffee"])
    t.eq(cleared, 0, "neither the vote nor its update job empties the whole response cache")
    t.eq(kept, len(unrelated), "after the vote and its update job, answers that do not show the poll "
         "are still served from the cache")
    shown = server.api("GET", f"/api/v1/statuses/{status['id']}", token=bob.token)["poll"]
    t.eq((shown["voted"], shown["own_votes"], shown["votes_count"]), (True, [0], 1),
         "the status shows the vote at once")


if __name__ == "__main__":
    main(suite)
