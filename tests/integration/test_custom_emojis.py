#!/usr/bin/python3
"""Custom emoji against a real `herd serve` with `herd admin emoji` beside it: the admin adds
:blobcat: from a PNG file (bad shortcodes and non-images are refused with a clear message), it is
listed by the CLI and by GET /api/v1/custom_emojis (Mastodon.py custom_emojis), its image is
served, and a post, a poll and a profile that use it carry it in their `emojis`; removing it takes
it out of the list and the file away.
"""
import os
import sys
import tempfile
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import T, Suite, eventually, main, mastodon_py, parse_args, png, register, run_herd_once  # noqa: E402

suite = Suite("custom_emojis", parse_args(__doc__))
S = suite.state
CUSTOM_EMOJI = {"shortcode": T.STR, "url": T.URL, "static_url": T.URL, "visible_in_picker": T.BOOL,
                "category": (T.STR, T.NULL)}


def admin(*args):
    server = S["server"]
    return run_herd_once(server.herd, server.environment(), ("admin", "emoji", *args))


def shortcodes(entity):
    return [e["shortcode"] for e in entity["emojis"]]


@suite.setup
def start_server_and_register(t):
    S["server"] = suite.server()
    S["alice"] = register(S["server"], "alice")
    S["folder"] = tempfile.mkdtemp(prefix="herd-emoji-")
    S["image"] = png(16, 16, seed=5)
    S["file"] = os.path.join(S["folder"], "blobcat.png")
    with open(S["file"], "wb") as f:
        f.write(S["image"])


@suite.case
def admin_adds_and_lists(t):
    rc, out, err = admin("add", "blobcat", S["file"], "--category", "Cats")
    t.eq(rc, 0, f"herd admin emoji add ({err.strip()})")
    rc, out, err = admin("add", "bad-code!", S["file"])
    t.check(rc != 0 and "Shortcode" in err, "a bad shortcode is refused with a clear message", err)
    text = os.path.join(S["folder"], "note.txt")
    with open(text, "w") as f:
        f.write("not an image")
    rc, out, err = admin("add", "notimage", text)
    t.check(rc != 0 and "Image must be" in err, "a file that is no image is refused", err)
    rc, out, err = admin("list")
    t.check(rc == 0 and ":blobcat:\tCats\t" in out and "notimage" not in out, "herd admin emoji list", out)
    listed = mastodon_py(S["server"]).custom_emojis()
    t.eq([e["shortcode"] for e in listed], ["blobcat"], "Mastodon.py custom_emojis")
    if listed:
        raw = S["server"].api("GET", "/api/v1/custom_emojis")[0]
        t.entity(raw, CUSTOM_EMOJI, "CustomEmoji")
        t.eq((raw["category"], raw["visible_in_picker"]), ("Cats", True), "category, shown in the picker")
        S["url"] = raw["url"]
        image = S["server"].http("GET", urllib.parse.urlsplit(raw["url"]).path)
        t.status(image, 200, "the emoji's image is served")
        t.eq(image.body, S["image"], "the same bytes as the file added")
        t.eq(image.header("Content-Type"), "image/png", "served as a PNG")


@suite.case
def used_in_post_poll_and_profile(t):
    m = mastodon_py(S["server"], S["alice"].token)
    posted = m.status_post("Hello :blobcat: and :nosuchemoji: :blobcat:",
                           poll=m.make_poll([":blobcat: yes", "no"], expires_in=3600))
    # The server picks up an emoji added by `herd admin` within a second.
    shown = eventually(lambda: m.status(posted["id"]) if shortcodes(m.status(posted["id"])) else None)
    t.check(shown is not None, "the post's emojis name :blobcat: (Mastodon.py status)")
    if shown:
        t.eq(shortcodes(shown), ["blobcat"], "once, and only the emoji that exists")
        t.entity(shown["emojis"][0], CUSTOM_EMOJI, "Status.emojis[0]")
        t.eq(shown["emojis"][0]["url"], S.get("url"), "the same image URL as custom_emojis")
        t.eq(shortcodes(shown["poll"]), ["blobcat"], "the poll's emojis (from its options)")
    plain = m.status_post("no emoji here")
    t.eq(plain["emojis"], [], "a post without shortcodes has none")
    me = m.account_update_credentials(display_name="Alice :blobcat:",
                                      fields=[("Pet", "cat :blobcat:")])
    t.eq(shortcodes(me), ["blobcat"], "the account's emojis (display name, fields)")
    t.eq(shortcodes(m.account(me["id"])), ["blobcat"], "and as others see it")


@suite.case
def removed(t):
    path = urllib.parse.urlsplit(S.get("url", "")).path
    rc, out, err = admin("remove", "blobcat")
    t.eq(rc, 0, f"herd admin emoji remove ({err.strip()})")
    t.check(admin("remove", "blobcat")[0] != 0, "removing it again says there is none")
    t.eq(S["server"].api("GET", "/api/v1/custom_emojis"), [], "no longer listed")
    if path:
        t.status(S["server"].http("GET", path), 404, "its file is gone")


if __name__ == "__main__":
    main(suite)
