#!/usr/bin/python3
"""Custom emoji against a real `herd serve` with `herd admin emoji` beside it: the admin adds
:blobcat: from a PNG file (bad shortcodes and non-images are refused with a clear message), it is
listed by the CLI and by GET /api/v1/custom_emojis (Mastodon.py custom_emojis), its image is
served, and a post, a poll and a profile that use it carry it in their `emojis`; removing it takes
it out of the list and the file away. `herd admin emoji import` (Mastodon's tootctl emoji import)
adds every image of a .tar.gz named by its file name, with --prefix/--suffix/--category, keeps
existing shortcodes unless --overwrite, and lists what it skipped and why. An animated GIF emoji is
served as given at `url` and its first frame as a PNG at `static_url` (both files go when it is
removed); one stored before stills were made gets its still after an upgrade (migration 61).
"""
import io
import os
import subprocess
import sys
import tarfile
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
def an_animated_emoji_has_a_still_png(t):
    gif = os.path.join(S["folder"], "wiggle.gif")
    made = subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i",
                           "testsrc2=size=32x32:rate=5", "-frames:v", "3", gif], capture_output=True, timeout=60)
    t.require(made.returncode == 0, "FFmpeg makes an animated GIF", made.stderr)
    with open(gif, "rb") as f:
        animation = f.read()
    rc, out, err = admin("add", "wiggle", gif)
    t.require(rc == 0, f"herd admin emoji add wiggle ({err.strip()})")
    emoji = {e["shortcode"]: e for e in S["server"].api("GET", "/api/v1/custom_emojis")}.get("wiggle")
    t.require(emoji, "listed")
    t.check(emoji["static_url"] != emoji["url"], "static_url is another file than url", emoji)
    image = S["server"].http("GET", urllib.parse.urlsplit(emoji["url"]).path)
    t.eq((image.status, image.body), (200, animation), "url serves the GIF as given")
    still = S["server"].http("GET", urllib.parse.urlsplit(emoji["static_url"]).path)
    t.check(still.status == 200 and still.body.startswith(b"\x89PNG\r\n\x1a\n")
            and still.body[16:24] == (32).to_bytes(4, "big") * 2,
            "static_url serves a 32x32 PNG (the first frame)", still.status)
    t.eq(admin("remove", "wiggle")[0], 0, "herd admin emoji remove wiggle")
    for url in (emoji["url"], emoji["static_url"]):
        t.status(S["server"].http("GET", urllib.parse.urlsplit(url).path), 404, f"{url} is gone")


@suite.case
def an_emoji_from_before_stills_gets_one(t):
    """An animated emoji stored before herd made stills (migration 49) showed its animation at
    static_url too; migration 61 queues the making of its still, and static_url turns into a PNG."""
    server = S["server"]
    gif = os.path.join(S["folder"], "oldwiggle.gif")
    made = subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i",
                           "testsrc2=size=24x24:rate=5", "-frames:v", "3", gif], capture_output=True, timeout=60)
    t.require(made.returncode == 0, "FFmpeg makes an animated GIF", made.stderr)
    t.require(admin("add", "oldwiggle", gif)[0] == 0, "herd admin emoji add oldwiggle")
    still = server.sql("SELECT static_path FROM custom_emojis WHERE shortcode = 'oldwiggle'")
    t.require(still and os.path.exists(os.path.join(server.data_dir, still)), "its still is on disk", still)
    server.stop()
    # As a row written before migration 49 looks: no still, migration 61 not applied yet.
    os.remove(os.path.join(server.data_dir, still))
    server.sql("UPDATE custom_emojis SET static_path = '' WHERE shortcode = 'oldwiggle'")
    server.sql("DELETE FROM schema_migrations WHERE version = 61")
    server.start()

    def listed():
        return {e["shortcode"]: e for e in server.api("GET", "/api/v1/custom_emojis")}["oldwiggle"]
    emoji = eventually(lambda: (lambda e: e if e["static_url"] != e["url"] else None)(listed()), timeout=30)
    t.require(emoji, "static_url turns into another file than url", listed())
    image = server.http("GET", urllib.parse.urlsplit(emoji["static_url"]).path)
    t.check(image.status == 200 and image.body.startswith(b"\x89PNG\r\n\x1a\n")
            and image.body[16:24] == (24).to_bytes(4, "big") * 2,
            "static_url serves a 24x24 PNG (the first frame)", image.status)
    t.eq(server.sql("SELECT COUNT(*) FROM jobs WHERE payload LIKE '%emoji_still%'"), "0", "the job is done")
    t.eq(admin("remove", "oldwiggle")[0], 0, "herd admin emoji remove oldwiggle")
    t.status(server.http("GET", urllib.parse.urlsplit(emoji["static_url"]).path), 404, "its still goes with it")


@suite.case
def removed(t):
    path = urllib.parse.urlsplit(S.get("url", "")).path
    rc, out, err = admin("remove", "blobcat")
    t.eq(rc, 0, f"herd admin emoji remove ({err.strip()})")
    t.check(admin("remove", "blobcat")[0] != 0, "removing it again says there is none")
    t.eq(S["server"].api("GET", "/api/v1/custom_emojis"), [], "no longer listed")
    if path:
        t.status(S["server"].http("GET", path), 404, "its file is gone")


def tar_gz(name, entries):
    path = os.path.join(S["folder"], name)
    with tarfile.open(path, "w:gz") as tar:
        for entry, data in entries:
            info = tarfile.TarInfo(entry)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def listed():
    return {e["shortcode"]: e for e in S["server"].api("GET", "/api/v1/custom_emojis")}


@suite.case
def imported_from_a_tar_archive(t):
    fox, newer_fox, owl = png(16, 16, seed=6), png(16, 16, seed=7), png(12, 12, seed=8)
    pack = tar_gz("pack.tar.gz", [("pack/blobfox.png", fox), ("pack/blobowl.png", owl),
                                  ("pack/Party Parrot.png", fox), ("pack/readme.txt", b"thanks for the fish"),
                                  ("pack/._blobfox.png", b"\0\5\26\7 macOS resource fork")])
    rc, out, err = admin("import", pack, "--category", "Blobs")
    t.eq(rc, 0, f"herd admin emoji import ({err.strip()})")
    t.check("imported 2 emoji, skipped 2" in out, "it counts what it added and skipped", out)
    t.check("skipped pack/Party Parrot.png:" in err and "Shortcode" in err, "a bad shortcode is named with why", err)
    t.check("skipped pack/readme.txt:" in err and "Image must be" in err, "a file that is no image too", err)
    emojis = listed()
    t.eq(sorted(emojis), ["blobfox", "blobowl"], "the images are listed by their file names")
    t.eq(emojis.get("blobfox", {}).get("category"), "Blobs", "in the category given")
    url = emojis.get("blobfox", {}).get("url", "")
    t.eq(S["server"].http("GET", urllib.parse.urlsplit(url).path).body, fox, "the image is the archive's")

    again = tar_gz("again.tar.gz", [("blobfox.png", newer_fox)])
    rc, out, err = admin("import", again)
    t.check(rc == 0 and "imported 0 emoji, skipped 1" in out and ":blobfox: exists" in err,
            "an existing shortcode is kept without --overwrite", out + err)
    t.eq(S["server"].http("GET", urllib.parse.urlsplit(listed()["blobfox"]["url"]).path).body, fox, "unchanged")
    rc, out, err = admin("import", again, "--overwrite")
    t.check(rc == 0 and "imported 1 emoji" in out, "--overwrite replaces it", out + err)
    t.eq(S["server"].http("GET", urllib.parse.urlsplit(listed()["blobfox"]["url"]).path).body, newer_fox,
         "the new image is served")
    rc, out, err = admin("import", again, "--prefix", "pack_", "--suffix", "_2")
    t.check(rc == 0 and "added :pack_blobfox_2:" in out, "--prefix and --suffix make the shortcode", out + err)
    t.check("pack_blobfox_2" in listed(), "listed under that shortcode", sorted(listed()))
    broken = os.path.join(S["folder"], "broken.tar.gz")
    with open(broken, "wb") as f:
        f.write(b"\x1f\x8b this is not a gzip stream at all")
    rc, out, err = admin("import", broken)
    t.check(rc != 0 and "broken.tar.gz" in err, "an archive that cannot be read is an error naming it", out + err)
    for code in ("blobfox", "blobowl", "pack_blobfox_2"):
        admin("remove", code)


if __name__ == "__main__":
    main(suite)
