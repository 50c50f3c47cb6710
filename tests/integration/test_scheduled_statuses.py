#!/usr/bin/python3
"""Scheduled statuses against a real `herd serve`, with Mastodon.py 1.8 (status_post with
scheduled_at, scheduled_statuses, scheduled_status_update, scheduled_status_delete) and raw HTTP.

A status scheduled at least 5 minutes ahead is kept (ScheduledStatus with its params and media),
listed, moved and cancelled by its author only; when its time comes (the test moves the stored
time into the past, as the clock would) it is posted once, with its media, content warning and
visibility, and leaves the list; a time too soon, a bad time or bad content is a 422.
"""
import datetime
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from mastodon import MastodonAPIError  # noqa: E402

from harness import T, Suite, eventually, main, mastodon_py, parse_args, register  # noqa: E402

suite = Suite("scheduled statuses", parse_args(__doc__))
S = suite.state
SCHEDULED = {"id": T.ID, "scheduled_at": T.TIME, "params": T.OBJ, "media_attachments": [T.OBJ]}


def later(minutes):
    return datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=minutes)


def iso(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def make_due(server, scheduled_id):
    """Moves a scheduled status's time into the past, as the passing of time would."""
    server.sql(f"UPDATE scheduled_statuses SET scheduled_at = 0 WHERE id = {int(scheduled_id)}")




@suite.setup
def start_server_and_register(t):
    S["server"] = suite.server()
    S["alice"] = register(S["server"], "alice")
    S["bob"] = register(S["server"], "bob")
    S["tmp"] = tempfile.mkdtemp(prefix="herd-it-scheduled-")


@suite.case
def schedule_list_move_and_cancel(t):
    server, alice = S["server"], S["alice"]
    m = mastodon_py(server, alice.token)
    when = later(60)
    scheduled = m.status_post("see you in an hour", scheduled_at=when, spoiler_text="later", visibility="unlisted")
    raw = server.api("GET", f"/api/v1/scheduled_statuses/{scheduled['id']}", token=alice.token)
    t.entity(raw, SCHEDULED, "ScheduledStatus")
    t.eq(raw["params"]["text"], "see you in an hour", "params.text")
    t.eq((raw["params"]["spoiler_text"], raw["params"]["visibility"]), ("later", "unlisted"), "params kept")
    t.eq(raw["scheduled_at"][:16], iso(when)[:16], "scheduled_at as asked")
    t.eq([str(s["id"]) for s in m.scheduled_statuses()], [raw["id"]], "listed")
    t.eq(server.api("GET", "/api/v1/timelines/home", token=alice.token), [], "not posted yet")

    target = later(120)
    m.scheduled_status_update(scheduled["id"], target)
    moved = server.api("GET", f"/api/v1/scheduled_statuses/{scheduled['id']}", token=alice.token)
    t.eq(moved["scheduled_at"][:16], iso(target)[:16], "moved two hours ahead")
    m.scheduled_status_delete(scheduled["id"])
    t.eq(m.scheduled_statuses(), [], "cancelled")
    t.json_error(server.http("GET", f"/api/v1/scheduled_statuses/{scheduled['id']}", token=alice.token), 404,
                 "a cancelled one is gone")


@suite.case
def a_due_status_is_posted_once(t):
    server, alice = S["server"], S["alice"]
    path = os.path.join(S["tmp"], "p.gif")
    with open(path, "wb") as f:
        f.write(b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff,\x00\x00\x00\x00\x01\x00\x01\x00"
                b"\x00\x02\x02\x44\x01\x00;")
    m = mastodon_py(server, alice.token)
    media = m.media_post(path, description="a dot")
    r = server.http("POST", "/api/v1/statuses", token=alice.token, form={
        "status": "posted by the clock", "spoiler_text": "cw", "visibility": "private",
        "media_ids[]": str(media["id"]), "scheduled_at": iso(later(10))})
    t.status(r, 200, "POST /api/v1/statuses with scheduled_at")
    scheduled = r.json()
    t.eq([a["id"] for a in scheduled["media_attachments"]], [str(media["id"])], "the media are listed with it")
    make_due(server, scheduled["id"])
    posted = eventually(lambda: [s for s in server.api("GET", f"/api/v1/accounts/{alice.account['id']}/statuses",
                                                        token=alice.token) if "posted by the clock" in s["content"]], timeout=15)
    t.require(posted, "the status is posted when due")
    status = posted[0]
    t.eq((status["spoiler_text"], status["visibility"]), ("cw", "private"), "with its content warning and visibility")
    t.eq([a["id"] for a in status["media_attachments"]], [str(media["id"])], "with its media")
    time.sleep(2)
    again = [s for s in server.api("GET", f"/api/v1/accounts/{alice.account['id']}/statuses", token=alice.token)
             if "posted by the clock" in s["content"]]
    t.eq(len(again), 1, "posted once")
    t.eq(server.api("GET", "/api/v1/scheduled_statuses", token=alice.token), [], "and no longer scheduled")


@suite.case
def only_the_author_and_bad_input(t):
    server, alice, bob = S["server"], S["alice"], S["bob"]
    mine = server.api("POST", "/api/v1/statuses", token=alice.token,
                      form={"status": "mine", "scheduled_at": iso(later(30))})
    for method in ("GET", "PUT", "DELETE"):
        r = server.http(method, f"/api/v1/scheduled_statuses/{mine['id']}", token=bob.token,
                        form={"scheduled_at": iso(later(40))} if method == "PUT" else None)
        t.json_error(r, 404, f"{method} of another account's scheduled status")
    t.eq(server.api("GET", "/api/v1/scheduled_statuses", token=bob.token), [], "bob lists none")
    for form, what in (({"status": "soon", "scheduled_at": iso(later(1))}, "under 5 minutes ahead"),
                       ({"status": "when?", "scheduled_at": "next tuesday"}, "a time that is not a date"),
                       ({"status": "", "scheduled_at": iso(later(30))}, "blank text"),
                       ({"status": "x" * 501, "scheduled_at": iso(later(30))}, "over 500 characters")):
        t.json_error(server.http("POST", "/api/v1/statuses", token=alice.token, form=form), 422, what)
    r = server.http("PUT", f"/api/v1/scheduled_statuses/{mine['id']}", token=alice.token,
                    form={"scheduled_at": iso(later(2))})
    t.json_error(r, 422, "moving under 5 minutes ahead")
    try:
        mastodon_py(server, alice.token).status_post("too soon", scheduled_at=later(2))
        t.check(False, "Mastodon.py scheduling too soon must fail")
    except MastodonAPIError as e:
        t.eq(e.args[1], 422, "Mastodon.py scheduling too soon")
    t.json_error(server.http("GET", "/api/v1/scheduled_statuses"), 401, "without a token")


if __name__ == "__main__":
    main(suite)
