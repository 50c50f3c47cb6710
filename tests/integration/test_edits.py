#!/usr/bin/python3
"""Editing statuses against a real `herd serve`, with Mastodon.py 1.8 (status_update, status_history,
status_source) and raw HTTP where a client would send what Mastodon.py cannot.

An edit changes the status in place (same id, edited_at set, new text, content warning, hashtags,
attachments and their descriptions); the history starts with the original and lists every version
in order; an unchanged edit records nothing; rebloggers get an `update` notification and newly
mentioned accounts a `mention`; only the author may edit, reblogs cannot be edited, and bad input
gets Mastodon's errors (422 blank/too long/foreign media, 401, 403 read-only token, 404).
"""
import os
import struct
import sys
import tempfile
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from mastodon import MastodonAPIError, MastodonNotFoundError  # noqa: E402

from harness import T, Suite, main, mastodon_py, parse_args, password_token, register  # noqa: E402

suite = Suite("status edits", parse_args(__doc__))
S = suite.state

STATUS_EDIT = {
    "content": T.STR,
    "spoiler_text": T.STR,
    "sensitive": T.BOOL,
    "created_at": T.TIME,
    "account": T.OBJ,
    "poll": (T.OBJ, T.NULL),
    "media_attachments": [T.OBJ],
    "emojis": [T.OBJ],
}


def png(width, height):
    rows = b"".join(b"\x00" + bytes((x * 9 + y) % 256 for x in range(width * 3)) for y in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def notifications(user, kind):
    return S["server"].api("GET", "/api/v1/notifications", token=user.token, query={"types[]": kind})


@suite.setup
def start_server_and_register_users(t):
    server = suite.server()
    S["server"] = server
    for name in ("alice", "bob", "carol"):
        S[name] = register(server, name)
    S["tmp"] = tempfile.mkdtemp(prefix="herd-it-edits-")
    for name, size in (("one.png", (8, 6)), ("two.png", (10, 4)), ("bobs.png", (5, 5))):
        with open(os.path.join(S["tmp"], name), "wb") as f:
            f.write(png(*size))


@suite.case
def edit_changes_the_status_in_place_and_history_lists_every_version(t):
    alice, server = S["alice"], S["server"]
    m = mastodon_py(server, alice.token)
    posted = m.status_post("First version #before", visibility="public")
    sid = str(posted["id"])
    t.eq(posted["edited_at"], None, "a new status has edited_at null")
    history = server.api("GET", f"/api/v1/statuses/{sid}/history", token=alice.token)
    t.eq(len(history), 1, "an unedited status has one version in its history")
    if history:
        t.entity(history[0], STATUS_EDIT, "StatusEdit")
        t.check("First version" in history[0]["content"], "the only version is the post", history[0])

    edited = m.status_update(sid, status="Second version #after", spoiler_text="a warning")
    t.eq(str(edited["id"]), sid, "an edit keeps the id")
    t.check(edited["edited_at"] is not None, "edited_at is set after an edit", edited)
    t.check("Second version" in edited["content"], "the edit's content is returned", edited["content"])
    t.eq(edited["spoiler_text"], "a warning", "content warning as edited")
    t.eq(edited["sensitive"], True, "a content warning makes the status sensitive")
    raw = server.api("GET", f"/api/v1/statuses/{sid}", token=alice.token)
    t.check("Second version" in raw["content"] and raw["edited_at"], "GET shows the edited status", raw)
    t.check(raw["edited_at"] >= raw["created_at"], "edited_at is not before created_at", raw)
    t.eq([tag["name"] for tag in raw["tags"]], ["after"], "hashtags follow the edit")
    after = server.api("GET", "/api/v1/timelines/tag/after", token=alice.token)
    t.check(any(s["id"] == sid for s in after), "the hashtag added by the edit finds the status")
    before = server.api("GET", "/api/v1/timelines/tag/before", token=alice.token)
    t.check(not any(s["id"] == sid for s in before), "the hashtag removed by the edit no longer does")

    source = m.status_source(sid)
    t.eq(source["text"], "Second version #after", "the source is the edited text as typed")
    t.eq(source["spoiler_text"], "a warning", "the source's content warning")

    m.status_update(sid, status="Third version")
    history = m.status_history(sid)
    t.eq(len(history), 3, "the history lists the original and both edits")
    contents = [h["content"] for h in history]
    t.check("First version" in contents[0] and "Second version" in contents[1] and "Third version" in contents[2],
            "versions oldest first", contents)
    t.eq([h["spoiler_text"] for h in history], ["", "a warning", ""], "each version's content warning")
    t.eq([h["sensitive"] for h in history], [False, True, False], "each version's sensitivity")
    raw_history = server.api("GET", f"/api/v1/statuses/{sid}/history")
    for h in raw_history:
        t.entity(h, STATUS_EDIT, "StatusEdit")
    t.eq([h["account"]["id"] for h in raw_history], [alice.account["id"]] * 3, "each version's account")
    times = [h["created_at"] for h in raw_history]
    t.eq(times, sorted(times), "versions in time order")
    t.eq(times[0], raw["created_at"], "the first version is dated when the status was posted")

    unchanged = m.status_update(sid, status="Third version")
    t.eq(len(m.status_history(sid)), 3, "an edit that changes nothing records no version")
    t.eq(unchanged["edited_at"], m.status(sid)["edited_at"], "and leaves edited_at alone")
    S["edited"] = sid


@suite.case
def rebloggers_hear_of_edits_and_new_mentions_notify(t):
    alice, bob, carol, server = S["alice"], S["bob"], S["carol"], S["server"]
    sid = S["edited"]
    mastodon_py(server, bob.token).status_reblog(sid)
    t.eq(notifications(bob, "update"), [], "no update notification before the edit")
    mastodon_py(server, alice.token).status_update(sid, status="Fourth version, hello @carol")
    updates = notifications(bob, "update")
    t.eq(len(updates), 1, "the reblogger gets one update notification")
    if updates:
        t.eq(updates[0]["status"]["id"], sid, "about the edited status")
        t.eq(updates[0]["account"]["id"], alice.account["id"], "from its author")
        t.check("Fourth version" in updates[0]["status"]["content"], "showing the new text", updates[0])
    t.eq(notifications(alice, "update"), [], "the author is not notified of their own edit")
    mentions = notifications(carol, "mention")
    t.eq([n["status"]["id"] for n in mentions], [sid], "a newly mentioned account is notified")
    mastodon_py(server, alice.token).status_update(sid, status="Fifth version, still @carol")
    t.eq(len(notifications(carol, "mention")), 1, "an account already mentioned is not notified again")
    t.eq(len(notifications(bob, "update")), 2, "each edit notifies the reblogger")

    direct = mastodon_py(server, alice.token).status_post("a secret", visibility="direct")
    did = str(direct["id"])
    r = server.http("GET", f"/api/v1/statuses/{did}", token=carol.token)
    t.status(r, 404, "a direct status is hidden from an account it does not mention")
    mastodon_py(server, alice.token).status_update(did, status="a secret for @carol")
    r = server.http("GET", f"/api/v1/statuses/{did}", token=carol.token)
    t.status(r, 200, "mentioned by an edit, the account may see the direct status")
    t.eq(r.json()["visibility"] if r.status == 200 else None, "direct", "visibility never changes on edit")


@suite.case
def attachments_are_added_removed_reordered_and_described(t):
    alice, bob, server = S["alice"], S["bob"], S["server"]
    m = mastodon_py(server, alice.token)
    one = m.media_post(os.path.join(S["tmp"], "one.png"), description="first picture")
    two = m.media_post(os.path.join(S["tmp"], "two.png"))
    posted = m.status_post("with a picture", media_ids=[one["id"]])
    sid = str(posted["id"])

    r = server.http("PUT", f"/api/v1/statuses/{sid}", token=alice.token, json_body={
        "status": "with two pictures",
        "media_ids": [str(two["id"]), str(one["id"])],
        "media_attributes": [{"id": str(one["id"]), "description": "described on edit", "focus": "0.5,0.5"}],
    })
    t.status(r, 200, "PUT with media_ids and media_attributes")
    status = r.json() if r.status == 200 else {}
    t.eq([a["id"] for a in status.get("media_attachments", [])], [str(two["id"]), str(one["id"])],
         "attachments in the order of media_ids, the new one added")
    described = [a for a in status.get("media_attachments", []) if a["id"] == str(one["id"])]
    t.eq(described[0]["description"] if described else None, "described on edit", "description set by media_attributes")

    r = server.http("PUT", f"/api/v1/statuses/{sid}", token=alice.token,
                    form={"status": "back to one", "media_ids[]": str(two["id"])})
    t.status(r, 200, "PUT as a form, removing an attachment")
    t.eq([a["id"] for a in r.json()["media_attachments"]] if r.status == 200 else None, [str(two["id"])],
         "the removed attachment is gone from the status")
    history = server.api("GET", f"/api/v1/statuses/{sid}/history", token=alice.token)
    t.eq([[a["id"] for a in h["media_attachments"]] for h in history],
         [[str(one["id"])], [str(two["id"]), str(one["id"])], [str(two["id"])]],
         "each version lists the attachments it had")

    bobs = mastodon_py(server, bob.token).media_post(os.path.join(S["tmp"], "bobs.png"))
    r = server.http("PUT", f"/api/v1/statuses/{sid}", token=alice.token,
                    json_body={"status": "stealing", "media_ids": [str(bobs["id"])]})
    t.json_error(r, 422, "someone else's media on an edit")
    now = server.api("GET", f"/api/v1/statuses/{sid}", token=alice.token)
    t.eq(now["content"], "<p>back to one</p>", "a refused edit changes nothing")
    t.eq(len(server.api("GET", f"/api/v1/statuses/{sid}/history", token=alice.token)), 3,
         "a refused edit records no version")
    r = server.http("PUT", f"/api/v1/statuses/{sid}", token=alice.token, form={"status": "   "})
    t.json_error(r, 422, "an edit to blank text without media")


@suite.case
def editing_a_poll_resets_it_and_history_keeps_its_options(t):
    alice, bob, server = S["alice"], S["bob"], S["server"]
    posted = server.api("POST", "/api/v1/statuses", token=alice.token, json_body={
        "status": "Tea or coffee?", "poll": {"options": ["tea", "coffee"], "expires_in": 3600}})
    sid = posted["id"]
    server.api("POST", f"/api/v1/polls/{posted['poll']['id']}/votes", token=bob.token, json_body={"choices": ["0"]})
    same = server.api("PUT", f"/api/v1/statuses/{sid}", token=alice.token, json_body={
        "status": "Tea or coffee, really?", "poll": {"options": ["tea", "coffee"], "expires_in": 3600}})
    t.eq(same["poll"]["votes_count"], 1, "an edit of the text keeps the poll and its votes")
    changed = server.api("PUT", f"/api/v1/statuses/{sid}", token=alice.token, json_body={
        "status": "Tea, coffee or water?", "poll": {"options": ["tea", "coffee", "water"], "expires_in": 3600}})
    t.eq([o["title"] for o in changed["poll"]["options"]], ["tea", "coffee", "water"], "new options")
    t.eq(changed["poll"]["votes_count"], 0, "changed options reset the votes")
    shown = server.api("GET", f"/api/v1/statuses/{sid}", token=bob.token)
    t.eq(shown["poll"]["voted"], False, "bob may vote again")
    history = server.api("GET", f"/api/v1/statuses/{sid}/history", token=alice.token)
    t.eq([[o["title"] for o in (h["poll"] or {}).get("options", [])] for h in history],
         [["tea", "coffee"], ["tea", "coffee"], ["tea", "coffee", "water"]], "each version lists its poll's options")
    gone = server.api("PUT", f"/api/v1/statuses/{sid}", token=alice.token, form={"status": "No poll any more"})
    t.eq(gone["poll"], None, "an edit without a poll removes it")
    r = server.http("PUT", f"/api/v1/statuses/{sid}", token=alice.token,
                    json_body={"status": "bad", "poll": {"options": ["only one"], "expires_in": 3600}})
    t.json_error(r, 422, "a poll with one option on edit")


@suite.case
def only_the_author_edits_and_bad_input_is_refused(t):
    alice, bob, server = S["alice"], S["bob"], S["server"]
    sid = S["edited"]
    try:
        mastodon_py(server, bob.token).status_update(sid, status="hijacked")
        t.check(False, "another account's edit must fail")
    except MastodonNotFoundError:
        pass
    t.check("hijacked" not in server.api("GET", f"/api/v1/statuses/{sid}")["content"], "and changes nothing")
    reblog = mastodon_py(server, bob.token).status_reblog(sid)
    r = server.http("PUT", f"/api/v1/statuses/{reblog['id']}", token=bob.token, form={"status": "edit a reblog"})
    t.json_error(r, 404, "a reblog cannot be edited")
    r = server.http("PUT", f"/api/v1/statuses/{sid}", form={"status": "anonymous"})
    t.json_error(r, 401, "an edit without a token")
    read_only = password_token(server, alice.email, alice.password, scope="read")
    r = server.http("PUT", f"/api/v1/statuses/{sid}", token=read_only, form={"status": "read only"})
    t.json_error(r, 403, "an edit with a read-only token")
    try:
        mastodon_py(server, alice.token).status_update(sid, status="x" * 501)
        t.check(False, "an edit over 500 characters must fail")
    except MastodonAPIError as e:
        t.eq(e.args[1], 422, "an edit over 500 characters")
    r = server.http("PUT", "/api/v1/statuses/99999999999", token=alice.token, form={"status": "nothing"})
    t.json_error(r, 404, "editing an unknown status")
    r = server.http("GET", "/api/v1/statuses/99999999999/history")
    t.json_error(r, 404, "history of an unknown status")
    private = mastodon_py(server, alice.token).status_post("followers only", visibility="private")
    r = server.http("GET", f"/api/v1/statuses/{private['id']}/history", token=bob.token)
    t.json_error(r, 404, "history of a status the viewer may not see")


if __name__ == "__main__":
    main(suite)
