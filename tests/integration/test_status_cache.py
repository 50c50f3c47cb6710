#!/usr/bin/python3
"""The status cache (statuses rendered as JSON text, reused across requests and viewers) never
changes an answer: two `herd serve` processes share one database (and LOCAL_DOMAIN), both without
the response cache, A with the status cache (the default), B without it (HERD_STATUS_CACHE_MB=0).
After each of a series of random writes made through A (posts of every visibility with hashtags,
mentions, polls, images and quotes; edits, deletions, favourites, reblogs, bookmarks, pins, poll
votes, profile changes, follows, mutes, blocks, keyword filters, a moderator marking an account's
media sensitive: each kind at least once, then random ones), every timeline page (home, public,
local, hashtag, each account's statuses, as three people and signed out) answers byte for byte
the same on A, read twice, as on B; /metrics shows the cache answering; a moderator's mark shows
on the marked account's statuses with media. Writes made through B reach A's pages within a
second. A write that says what it changes keeps the rest of the cache: after a favourite, a page
needs the favourited status alone again (its row alone is read: the others are held); after a
post, the author's statuses and the new one; neither empties it. That case starts once the
background work of the earlier writes is done (quiet()): a job B runs (the mail of a follow or a
mention) is another process's write, which empties A's caches, and so does a poll's count update.
"""
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import (ADMIN_EMAIL, Suite, admin_user, eventually, main, metric,  # noqa: E402
                     parse_args, password_token, png, register, upload_raw)

suite = Suite("status_cache", parse_args(__doc__))
S = suite.state
NAMES = ("alice", "bob", "carol")
METRICS_TOKEN = "metrics-" + os.urandom(8).hex()


@suite.setup
def start_two_processes_on_one_database(t):
    a = suite.server(name="herd-status-cache", env={"HERD_METRICS_TOKEN": METRICS_TOKEN,
                                                    "HERD_RESPONSE_CACHE_MB": "0"})
    b = suite.server(name="herd-no-status-cache", start=False, env={
        "DATABASE_URL": a.database_url or "sqlite://" + a.data_dir + "/herd.sqlite3",
        "HERD_DATA_DIR": a.data_dir, "LOCAL_DOMAIN": a.domain, "HERD_RESPONSE_CACHE_MB": "0",
        "HERD_STATUS_CACHE_MB": "0"})
    b.start()
    S.update(a=a, b=b, admin=admin_user(a), statuses=[], polls=[], marks=0)
    # The random "sensitive" write needs the admin scopes (the admin user's own token has none).
    S["moderator"] = password_token(a, ADMIN_EMAIL, a.admin_password,
                                    scope="read write follow push admin:read admin:write")
    for name in NAMES:
        S[name] = register(a, name)
    for name in NAMES:  # everyone follows everyone: every post is in some home
        for other in NAMES:
            if other != name:
                a.api("POST", f"/api/v1/accounts/{S[other].account['id']}/follow", token=S[name].token)
    for name in NAMES:
        post(t, S[name], {"status": f"hello from {name} #statuscache", "visibility": "public"})


def post(t, who, form):
    r = S["a"].http("POST", "/api/v1/statuses", token=who.token, form=form)
    t.check(r.status in (200, 403, 404, 422), "a post answered", r.describe())
    if r.status == 200:
        status = r.json()
        S["statuses"].append(status["id"])
        if status.get("poll"):
            S["polls"].append(status["poll"]["id"])
        return status
    return None


def read_paths():
    paths = ["/api/v1/timelines/home", "/api/v1/timelines/public",
             "/api/v1/timelines/public?local=true", "/api/v1/timelines/tag/statuscache",
             "/api/v1/timelines/home?limit=3", "/api/v1/timelines/public?only_media=true"]
    if len(S["statuses"]) > 6:
        paths.append("/api/v1/timelines/public?max_id=" + S["statuses"][-5])
    for name in NAMES:
        paths.append(f"/api/v1/accounts/{S[name].account['id']}/statuses")
        paths.append(f"/api/v1/accounts/{S[name].account['id']}/statuses?pinned=true")
    return paths


def answer(server, path, token):
    r = server.http("GET", path, token=token)
    return r.status, r.header("Link", ""), r.header("Content-Type", ""), r.body


def where_they_differ(cached, uncached):
    if cached[:3] != uncached[:3]:
        return f"cached: {cached[:3]}\nuncached: {uncached[:3]}"
    x, y = cached[3], uncached[3]
    i = next((i for i in range(min(len(x), len(y))) if x[i] != y[i]), min(len(x), len(y)))
    return (f"bodies differ at byte {i} of {len(x)}/{len(y)}:\ncached:   ...{x[max(0, i - 300):i + 200]!r}"
            f"\nuncached: ...{y[max(0, i - 300):i + 200]!r}")


def compare_everything(t, when):
    a, b = S["a"], S["b"]
    differences = 0
    for token in [None] + [S[name].token for name in NAMES]:
        for path in read_paths():
            if path.startswith("/api/v1/timelines/home") and token is None:
                continue
            first, second, uncached = answer(a, path, token), answer(a, path, token), answer(b, path, token)
            same = first == uncached and second == uncached
            if not same and differences < 3:
                who = "signed out" if token is None else "signed in"
                t.check(False, f"{when}: GET {path} ({who}) with the status cache equals the answer "
                        "without it", where_they_differ(first if first != uncached else second,
                                                        uncached))
            differences += not same
    t.eq(differences, 0, f"{when}: answers that differ between the processes")


def image(who, seed):
    r = upload_raw(S["a"], who.token, [("file", png(8, 6, seed), {"filename": "x.png", "type": "image/png"}),
                                       ("description", f"picture {seed}".encode(), {})])
    return r.json()["id"] if r.status in (200, 202) else None


KINDS = ["post", "post", "reply", "poll", "vote", "media", "quote", "favourite", "unfavourite",
         "reblog", "unreblog", "bookmark", "pin", "unpin", "edit", "delete", "follow", "unfollow",
         "mute", "unmute", "block", "unblock", "profile", "filter", "sensitive"]


def random_write(rng, t, kind=None):
    a = S["a"]
    who = S[rng.choice(NAMES)]
    other = S[rng.choice([n for n in NAMES if S[n] is not who])]
    target = rng.choice(S["statuses"]) if S["statuses"] else None
    kind = kind or rng.choice(KINDS)
    ok = (200, 404, 403, 422)  # acting on a deleted status, or one the actor cannot see
    form = {"status": f"{kind} {rng.random():.5f} #statuscache :blobcat: spoiler",
            "visibility": rng.choice(["public", "public", "unlisted", "private", "direct"])}
    r = None
    if kind == "reply" and target:
        form.update(in_reply_to_id=target, status=f"@{other.username} " + form["status"])
    elif kind == "poll":
        form.update({"poll[options][]": ["yes", "no", "maybe"], "poll[expires_in]": "3600",
                     "poll[multiple]": rng.choice(["true", "false"])})
    elif kind == "media":
        media = image(who, rng.randrange(1000))
        if media:
            form["media_ids[]"] = [media]
        form["sensitive"] = rng.choice(["true", "false"])
    elif kind == "quote" and target:
        form["quoted_status_id"] = target
    if kind in ("post", "reply", "poll", "media", "quote"):
        post(t, who, form)
        return kind
    if kind == "vote" and S["polls"]:
        r = a.http("POST", f"/api/v1/polls/{rng.choice(S['polls'])}/votes", token=who.token,
                   form={"choices[]": [str(rng.randrange(3))]})
        ok = ok + (400,)  # already voted, or the poll is gone
    elif kind in ("favourite", "unfavourite", "reblog", "unreblog", "bookmark", "pin", "unpin"):
        if kind == "bookmark" and rng.random() < 0.5:
            kind = "unbookmark"
        r = a.http("POST", f"/api/v1/statuses/{target}/{kind}", token=who.token)
    elif kind == "edit":
        r = a.http("PUT", f"/api/v1/statuses/{target}", token=who.token,
                   form={"status": f"edited {rng.random():.5f} #statuscache", "spoiler_text": "cw"})
    elif kind == "delete":
        r = a.http("DELETE", f"/api/v1/statuses/{target}", token=who.token)
    elif kind == "profile":
        r = a.http("PATCH", "/api/v1/accounts/update_credentials", token=who.token,
                   form={"display_name": f"{who.username} {rng.random():.4f}",
                         "note": f"about me {rng.random():.3f}", "bot": rng.choice(["true", "false"])})
    elif kind == "filter":
        r = a.http("POST", "/api/v2/filters", token=who.token, json_body={
            "title": f"f{rng.random():.3f}", "context": ["home", "public", "account"],
            "filter_action": rng.choice(["warn", "hide"]),
            "keywords_attributes": [{"keyword": rng.choice(["edited", "poll", "quote", "media"])}]})
    elif kind == "sensitive":
        action = rng.choice(["action", "unsensitive"]) if S["marks"] else "action"
        if not S["marks"]:  # the first mark: on an account with a public status with media
            media = image(other, rng.randrange(1000))
            post(t, other, {"status": "to be marked #statuscache", "visibility": "public",
                            **({"media_ids[]": [media]} if media else {})})
        path = f"/api/v1/admin/accounts/{other.account['id']}/{action}"
        r = a.http("POST", path, token=S["moderator"],
                   form={"type": "sensitive"} if action == "action" else {})
        t.check(r.status == 200, "a moderator marks an account's media sensitive (or unmarks it)",
                r.describe())
        if action == "action" and r.status == 200:
            own = S["b"].api("GET", f"/api/v1/accounts/{other.account['id']}/statuses?limit=40",
                             token=other.token)
            shown = [s["sensitive"] for s in own if s["reblog"] is None and s["media_attachments"]]
            t.check(all(shown), f"after the mark, {other.username}'s statuses with media are "
                    "sensitive", str(shown))
            S["marks"] += bool(shown)
        return kind
    elif kind in ("follow", "unfollow", "mute", "unmute", "block", "unblock"):
        r = a.http("POST", f"/api/v1/accounts/{other.account['id']}/{kind}", token=who.token)
    if r is not None:
        t.check(r.status in ok, f"{kind} answered", r.describe())
    return kind


def cache_hits():
    return int(metric(S["a"], METRICS_TOKEN, 'herd_status_cache_lookups_total{result="hit"}'))


@suite.case
def cached_renderings_equal_uncached_after_random_writes(t):
    rng = random.Random(int(os.environ.get("HERD_TEST_SEED", "12")))
    compare_everything(t, "before any write")
    hits = cache_hits()
    every_kind = sorted(set(KINDS) - {"sensitive"})  # each kind of write once, then random ones
    rng.shuffle(every_kind)
    every_kind.append("sensitive")  # once a status with media was posted
    for round_ in range(len(every_kind) + 40):
        kind = random_write(rng, t, every_kind[round_] if round_ < len(every_kind) else None)
        compare_everything(t, f"after write {round_ + 1} ({kind})")
    t.check(cache_hits() - hits > 1000, "the pages were assembled from the status cache",
            f"{cache_hits() - hits} hits")
    t.check(S["marks"] > 0, "a moderator's mark was made on statuses with media")
    # The cases after this one start from everyone following everyone, nobody blocked, muted or
    # marked, no keyword filter, and no background work of these writes left to run.
    a = S["a"]
    for undo in ("unblock", "unmute", "follow"):  # follows once nobody blocks anybody
        for name in NAMES:
            for other in NAMES:
                if other != name:
                    a.api("POST", f"/api/v1/accounts/{S[other].account['id']}/{undo}",
                          token=S[name].token)
    for name in NAMES:
        a.api("POST", f"/api/v1/admin/accounts/{S[name].account['id']}/unsensitive",
              token=S["moderator"])
        for f in a.api("GET", "/api/v2/filters", token=S[name].token):
            a.api("DELETE", f"/api/v2/filters/{f['id']}", token=S[name].token)
    quiet(t, "after the random writes")


def jobs_due_soon():
    """Rows of the jobs table (shared by A and B) due within a minute: what the server still has to
    do for the writes so far (a poll's closing, an hour away, is not)."""
    soon = int(time.time() * 1000) + 60_000
    return S["a"].sql(f"SELECT queue, run_at, attempts, last_error FROM jobs WHERE run_at < {soon}")


def quiet(t, when):
    """Waits until the background work of the writes so far is done: no job left to run (a job is
    deleted when done; B runs some of them, and any write of B empties A's caches), then until A
    has seen the last of them: alice's home, read three times a generation poll (100 ms) apart,
    renders nothing again."""
    t.require(eventually(lambda: jobs_due_soon() == "", timeout=60.0),
              f"{when}: the jobs of the writes are done", jobs_due_soon())
    a, token, home = S["a"], S["alice"].token, "/api/v1/timelines/home?limit=40"

    def unchanged():
        misses, clears = cache_misses(), invalidations("everything")
        for _ in range(3):
            time.sleep(0.15)
            answer(a, home, token)
        return cache_misses() == misses and invalidations("everything") == clears

    answer(a, home, token)
    t.require(eventually(unchanged, timeout=30.0, interval=0), f"{when}: A's status cache is stable",
              f"{cache_misses()} misses, emptied {invalidations('everything')} times")


def cache_misses():
    return int(metric(S["a"], METRICS_TOKEN, 'herd_status_cache_lookups_total{result="miss"}'))


def timeline_rows():
    return {source: int(metric(S["a"], METRICS_TOKEN, f'herd_timeline_rows_total{{source="{source}"}}'))
            for source in ("held", "by_id", "page")}


def rows_read_since(before):
    now = timeline_rows()
    return {source: now[source] - before[source] for source in ("by_id", "page")}


def invalidations(kind):
    return int(metric(S["a"], METRICS_TOKEN, f'herd_status_cache_invalidations_total{{kind="{kind}"}}'))


@suite.case
def a_favourite_or_a_post_drops_only_the_statuses_it_changes(t):
    a, b = S["a"], S["b"]
    token = S["alice"].token
    home = "/api/v1/timelines/home?limit=40"
    for name in ("bob", "carol"):  # whatever the random writes left: alice sees their posts
        other = S[name].account["id"]
        a.api("POST", f"/api/v1/accounts/{S['alice'].account['id']}/unblock", token=S[name].token)
        for action in ("unblock", "unmute", "follow"):
            a.api("POST", f"/api/v1/accounts/{other}/{action}", token=token)
        for i in range(3):
            post(t, S[name], {"status": f"{name} again {i}", "visibility": "public"})
    quiet(t, "before the favourite")  # whatever an earlier case left running is done
    answer(a, home, token)  # every status of the page is cached now
    recent = "/api/v1/timelines/home?limit=5"  # the public posts above
    rows = timeline_rows()
    top = a.api("GET", recent, token=token)
    t.eq(rows_read_since(rows), {"by_id": 0, "page": 0},
         "a page whose statuses the status cache holds reads none of their rows")
    t.check(timeline_rows()["held"] - rows["held"] == len(top) == 5, "its rows were held",
            f"{timeline_rows()['held'] - rows['held']} held, {len(top)} shown")
    originals = [s for s in top if s["reblog"] is None and not s["favourited"]]
    t.require(len(originals) >= 3, "alice's home shows statuses to favourite", len(top))
    target = originals[len(originals) // 2]
    everything, precise, misses = invalidations("everything"), invalidations("precise"), cache_misses()
    a.api("POST", f"/api/v1/statuses/{target['id']}/favourite", token=token)
    rows = timeline_rows()
    t.eq(answer(a, recent, token), answer(b, recent, token), "the newest statuses after the favourite")
    t.eq(rows_read_since(rows), {"by_id": 1, "page": 0},
         "after a favourite, the page reads the favourited status's row alone")
    t.eq(answer(a, home, token), answer(b, home, token), "the page after the favourite")
    t.eq(cache_misses() - misses, 1, "after a favourite, the favourited status alone is rendered again")
    t.eq(invalidations("everything"), everything, "a favourite does not empty the status cache")
    t.check(invalidations("precise") > precise, "a favourite counts as a precise invalidation")

    misses = cache_misses()
    page = a.api("GET", home, token=token)
    bob = S["bob"].account["id"]
    rendered = {s["id"]: s for item in page for s in (item, item["reblog"]) if s}
    shown = sum(1 for s in rendered.values()
                if s["account"]["id"] == bob or any(m["id"] == bob for m in s["mentions"]))
    post(t, S["bob"], {"status": "a new post by bob #statuscache", "visibility": "public"})
    t.eq(answer(a, home, token), answer(b, home, token), "the page after bob's post")
    t.check(cache_misses() - misses <= shown + 1,
            "after a post, the author's statuses (their account's counts) and the new one alone "
            "are rendered again", f"{cache_misses() - misses} misses, {shown} statuses show bob")
    t.check(cache_misses() - misses < len(rendered), "the rest of the page came from the cache",
            f"{cache_misses() - misses} misses, {len(rendered)} statuses")
    t.eq(invalidations("everything"), everything, "a post does not empty the status cache")


def authors_shown(server, path, token):
    return {s["account"]["id"] for item in server.api("GET", path, token=token)
            for s in (item, item["reblog"]) if s}


@suite.case
def a_suspended_authors_statuses_leave_every_page_at_once_and_come_back_on_unsuspend(t):
    a, b = S["a"], S["b"]
    alice, bob = S["alice"], S["bob"]
    bob_id = bob.account["id"]
    a.api("POST", f"/api/v1/accounts/{alice.account['id']}/unblock", token=bob.token)
    for action in ("unblock", "unmute", "follow"):
        a.api("POST", f"/api/v1/accounts/{bob_id}/{action}", token=alice.token)
    post(t, bob, {"status": "bob, public, before the suspension", "visibility": "public"})
    post(t, bob, {"status": "bob, private, before the suspension", "visibility": "private"})
    pages = [("/api/v1/timelines/home", alice.token), ("/api/v1/timelines/public", None),
             ("/api/v1/timelines/public", S["carol"].token), ("/api/v1/timelines/tag/statuscache", None)]
    for path, token in pages[:3]:  # read twice: the second from what the caches hold
        answer(a, path, token)
        t.check(bob_id in authors_shown(a, path, token), f"GET {path} shows bob's statuses",
                "signed out" if token is None else "signed in")
    moderator = password_token(a, ADMIN_EMAIL, a.admin_password,
                               scope="read write follow push admin:read admin:write")
    for action, shown in (("action", False), ("unsuspend", True)):
        a.api("POST", f"/api/v1/admin/accounts/{bob_id}/{action}", token=moderator,
              form={"type": "suspend"} if action == "action" else {})
        for path, token in pages[:3]:
            t.eq(bob_id in authors_shown(a, path, token), shown,
                 f"after {action}: GET {path} shows bob's statuses (at once, from the same process)")
        for path, token in pages:
            cached, uncached = answer(a, path, token), answer(b, path, token)
            t.check(cached == uncached,
                    f"after {action}: GET {path} with the caches equals the answer without them",
                    where_they_differ(cached, uncached))


@suite.case
def counts_changed_through_the_other_process_reach_the_cached_pages(t):
    a, b = S["a"], S["b"]
    alice, carol = S["alice"], S["carol"]
    for action in ("unblock", "unmute", "follow"):
        a.api("POST", f"/api/v1/accounts/{carol.account['id']}/{action}", token=alice.token)
    a.api("POST", f"/api/v1/accounts/{alice.account['id']}/unblock", token=carol.token)
    status = post(t, carol, {"status": "carol, to be favourited through B", "visibility": "public"})
    t.require(status is not None, "carol posted")
    for path, token in (("/api/v1/timelines/home", alice.token), ("/api/v1/timelines/public", None)):
        answer(a, path, token)  # held by A now

        page = a.api("GET", path, token=token)
        t.eq([(s["favourites_count"], s["reblogs_count"]) for s in page if s["id"] == status["id"]],
             [(0, 0)], f"GET {path} shows carol's new status without favourites")
    b.api("POST", f"/api/v1/statuses/{status['id']}/favourite", token=S["bob"].token)
    b.api("POST", f"/api/v1/statuses/{status['id']}/reblog", token=S["bob"].token)
    for path, token in (("/api/v1/timelines/home", alice.token), ("/api/v1/timelines/public", None)):
        def shown():
            page = a.api("GET", path, token=token)
            return [(s["favourites_count"], s["reblogs_count"])
                    for item in page for s in (item, item["reblog"]) if s and s["id"] == status["id"]]
        # Another process's writes are seen within its generation's polling (SQLite: 100 ms).
        counts = eventually(lambda: set(shown()) == {(1, 1)}, timeout=2.0)
        t.check(counts, f"GET {path} on A shows the favourite and the reblog made through B",
                str(shown()))
        same = eventually(lambda: answer(a, path, token) == answer(b, path, token), timeout=2.0)
        cached, uncached = answer(a, path, token), answer(b, path, token)
        t.check(same, f"GET {path} on A equals B's", where_they_differ(cached, uncached))


@suite.case
def writes_through_the_other_process_reach_the_cached_pages(t):
    a, b = S["a"], S["b"]
    token = S["alice"].token
    home = "/api/v1/timelines/home"
    answer(a, home, token)
    status = S["statuses"][-1]
    for write in (lambda: b.api("PUT", f"/api/v1/statuses/{S['statuses'][-1]}", token=S["bob"].token,
                                expect=(200, 403, 404), form={"status": "edited through B"}),
                  lambda: b.api("PATCH", "/api/v1/accounts/update_credentials", token=S["bob"].token,
                                form={"display_name": "Bob through B"})):
        write()
        same = eventually(lambda: answer(a, home, token) == answer(b, home, token), timeout=2.0)
        t.check(same, f"a write through B is shown by A's home within a second (status {status})",
                f"A: {answer(a, home, token)}\nB: {answer(b, home, token)}")


if __name__ == "__main__":
    main(suite)
