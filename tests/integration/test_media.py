#!/usr/bin/python3
"""Media attachments against a real `herd serve`, with Mastodon.py 1.8 and toot 0.34.

Upload (Mastodon.py media_post on /api/v2/media, toot post --media on /api/v1/media, raw
multipart parts without a filename), post with media, read the status back and fetch the file
(re-encoded, sniffed Content-Type, immutable caching, nosniff; test_media_processing.py checks
what processing does), update description and focus,
someone else's media refused everywhere, unsupported types refused, deletion (unattached only;
a deleted status takes its files along), only_media on the public timeline and account statuses,
the disk quota (HERD_DISK_QUOTA_BYTES) and a real full disk (ENOSPC on a small tmpfs, when this
machine lets the test mount one): a clear 422, no partial file, the server still up.
"""
import atexit
import json
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from mastodon import MastodonAPIError, MastodonNotFoundError  # noqa: E402

from harness import T, Suite, main, mastodon_py, multipart, parse_args, register, upload_raw  # noqa: E402

suite = Suite("media attachments", parse_args(__doc__))
S = suite.state
TOOT = shutil.which("toot") or "/usr/bin/toot"
QUOTA_MESSAGE = re.compile(r"^Disk quota exceeded: [0-9.]+ (B|KiB|MiB|GiB|TiB) of [0-9.]+ (B|KiB|MiB|GiB|TiB) used$")

MEDIA = {
    "id": T.ID,
    "type": {"image", "gifv", "video", "audio", "unknown"},
    "url": T.URL,
    "preview_url": (T.URL, T.NULL),
    "remote_url": (T.URL, T.NULL),
    "preview_remote_url?": (T.URL, T.NULL),
    "text_url": (T.URL, T.NULL),
    "meta": T.OBJ,
    "description": (T.STR, T.NULL),
    "blurhash": (T.STR, T.NULL),
}
IMAGE_SIZE = {"width": T.INT, "height": T.INT, "size": T.STR, "aspect": T.NUM}


def png(width, height, noise=False):
    """A valid RGB PNG; with noise, stored uncompressed so that its size is about w*h*3."""
    rng = random.Random(width * 31 + height)
    rows = b"".join(
        b"\x00" + (bytes(rng.getrandbits(8) for _ in range(width * 3)) if noise
                   else bytes(((x * 7) % 256, (y * 5) % 256, 100)[i % 3] for x in range(width) for i in range(3)))
        for y in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows, 0 if noise else 6)) + chunk(b"IEND", b""))


def gif(width, height):
    return b"GIF89a" + struct.pack("<HH", width, height) + b"\x80\x00\x00\x00\x00\x00\xff\xff\xff" \
        + b",\x00\x00\x00\x00" + struct.pack("<HH", width, height) + b"\x00\x02\x02\x44\x01\x00;"


def fetch_file(t, url):
    """GET a media URL (absolute, on the server under test)."""
    r = S["server"].http("GET", url)
    t.status(r, 200, f"GET {url}")
    return r


def files_under(folder):
    out = []
    for root, _dirs, names in os.walk(folder):
        out.extend(os.path.join(root, n) for n in names)
    return out


@suite.setup
def start_server_and_register_users(t):
    server = suite.server()
    S["server"] = server
    S["alice"] = register(server, "alice")
    S["bob"] = register(server, "bob")
    S["tmp"] = tempfile.mkdtemp(prefix="herd-it-media-")
    if not suite.args.keep:
        atexit.register(shutil.rmtree, S["tmp"], True)
    S["png"] = png(64, 48)
    S["png_path"] = os.path.join(S["tmp"], "picture.png")
    with open(S["png_path"], "wb") as f:
        f.write(S["png"])


@suite.case
def mastodonpy_upload_post_and_fetch(t):
    alice = S["alice"]
    m = mastodon_py(S["server"], alice.token)
    media = m.media_post(S["png_path"], description="A gradient", focus=(0.5, -0.25))
    raw = S["server"].api("GET", f"/api/v1/media/{media['id']}", token=alice.token)
    t.entity(raw, MEDIA, "MediaAttachment")  # Mastodon.py turns IDs into ints: check the JSON itself
    t.eq(media["type"], "image", "type of an uploaded PNG")
    t.check(media["url"], "an image is processed at once: url set (200, not 202)", media)
    t.entity(raw["meta"], {"original": IMAGE_SIZE, "small": IMAGE_SIZE, "focus": {"x": T.NUM, "y": T.NUM}},
             "MediaAttachment.meta")
    t.eq((media["meta"]["original"]["width"], media["meta"]["original"]["height"]), (64, 48),
         "width and height read from the PNG header")
    t.eq(media["meta"]["original"]["size"], "64x48", "meta.original.size")
    t.check(abs(media["meta"]["original"]["aspect"] - 64 / 48) < 1e-9, "meta.original.aspect", media["meta"])
    t.eq((media["meta"]["focus"]["x"], media["meta"]["focus"]["y"]), (0.5, -0.25), "focus as sent")
    t.eq(media["description"], "A gradient", "description as sent")
    t.check(isinstance(media["blurhash"], str) and len(media["blurhash"]) == 36, "a blurhash", media)

    r = fetch_file(t, media["url"])
    t.eq(r.body[:8], b"\x89PNG\r\n\x1a\n", "the file served is a PNG (re-encoded without metadata)")
    t.eq(struct.unpack(">II", r.body[16:24]), (64, 48), "of the uploaded size")
    t.eq(r.header("Content-Type"), "image/png", "Content-Type sniffed from the bytes")
    t.eq(r.header("Cache-Control"), "public, max-age=31536000, immutable", "Cache-Control")
    t.eq(r.header("X-Content-Type-Options"), "nosniff", "X-Content-Type-Options")

    status = m.status_post("", media_ids=[media["id"]])
    t.eq(status["content"], "", "a status with media may have no text")
    again = m.status(status["id"])
    t.eq([str(x["id"]) for x in again["media_attachments"]], [str(media["id"])],
         "the status read back carries the attachment")
    raw_status = S["server"].api("GET", f"/api/v1/statuses/{status['id']}", token=alice.token)
    if raw_status["media_attachments"]:
        att = raw_status["media_attachments"][0]
        t.entity(att, MEDIA, "Status.media_attachments[0]")
        t.eq(att["url"], media["url"], "same URL on the status")
        t.eq(fetch_file(t, att["url"]).body, r.body, "file fetched through the status's attachment")
    S["media_status"] = str(status["id"])
    S["attached_media"] = str(media["id"])


@suite.case
def toot_post_with_media(t):
    alice, server = S["alice"], S["server"]
    home = os.path.join(S["tmp"], "toot-home")
    cfg_dir = os.path.join(home, ".config", "toot")
    os.makedirs(cfg_dir, exist_ok=True)
    key = f"alice@{server.domain}"
    with open(os.path.join(cfg_dir, "config.json"), "w") as f:
        json.dump({"apps": {server.domain: {"instance": server.domain, "base_url": server.url,
                                            "client_id": "unused", "client_secret": "unused"}},
                   "users": {key: {"instance": server.domain, "username": "alice", "access_token": alice.token}},
                   "active_user": key}, f)
    env = dict(os.environ, HOME=home, XDG_CONFIG_HOME=os.path.join(home, ".config"), TERM="dumb",
               COLUMNS="120", LANG="C.UTF-8")
    gif_path = os.path.join(S["tmp"], "dot.gif")
    with open(gif_path, "wb") as f:
        f.write(gif(3, 2))
    p = subprocess.run([TOOT, "post", "--media", S["png_path"], "--description", "from toot",
                        "--media", gif_path, "two pictures from toot"],
                       capture_output=True, text=True, env=env, timeout=90, stdin=subprocess.DEVNULL)
    t.check(p.returncode == 0, "toot post --media exits 0", p.stdout + p.stderr)
    m = re.search(r"Toot posted:\s*\S*?(\d+)/?\s*$", p.stdout, re.M)
    t.require(m, "toot prints the posted status's URL", p.stdout + p.stderr)
    status = S["server"].api("GET", f"/api/v1/statuses/{m.group(1)}", token=alice.token)
    media = status["media_attachments"]
    t.eq([x["type"] for x in media], ["image", "image"], "both files attached, in order")
    if len(media) == 2:
        t.eq(media[0]["description"], "from toot", "toot's --description")
        t.eq(fetch_file(t, media[0]["url"]).header("Content-Type"), "image/png", "the PNG toot uploaded")
        r = fetch_file(t, media[1]["url"])
        t.eq(r.header("Content-Type"), "image/png", "the still GIF served as PNG (re-encoded)")
        t.eq(media[1]["meta"]["original"]["size"], "3x2", "GIF size from its header")


@suite.case
def parts_without_filename_and_v1(t):
    alice, server = S["alice"], S["server"]
    r = upload_raw(server, alice.token, [("file", S["png"], {"type": "image/png"}),
                                         ("description", b"no filename", {})])
    t.status(r, 200, "a file part without a filename (Content-Type only) is accepted")
    if r.status == 200:
        t.eq(r.json()["description"], "no filename", "description with it")
    # The client's name and type are not trusted: the bytes decide.
    r = upload_raw(server, alice.token, [("file", S["png"], {"filename": "evil.html", "type": "text/html"})],
                   path="/api/v1/media")
    t.status(r, 200, "POST /api/v1/media (toot's endpoint) with a PNG named evil.html")
    if r.status == 200:
        t.check(r.json()["url"].endswith(".png"), "stored under the sniffed extension", r.json()["url"])
        t.eq(fetch_file(t, r.json()["url"]).header("Content-Type"), "image/png", "served as image/png")


@suite.case
def description_and_focus_update(t):
    alice = S["alice"]
    m = mastodon_py(S["server"], alice.token)
    media = m.media_post(S["png"], mime_type="image/png")
    t.eq(media["description"], None, "no description yet")
    updated = m.media_update(media["id"], description="Updated alt text", focus=(-0.5, 1.0))
    t.eq(updated["description"], "Updated alt text", "PUT /api/v1/media/:id description")
    t.eq((updated["meta"]["focus"]["x"], updated["meta"]["focus"]["y"]), (-0.5, 1.0), "focus updated")
    got = S["server"].api("GET", f"/api/v1/media/{media['id']}", token=alice.token)
    t.eq(got["description"], "Updated alt text", "GET /api/v1/media/:id shows the update")
    status = m.status_post("with alt text", media_ids=[media["id"]])
    t.eq(status["media_attachments"][0]["description"], "Updated alt text", "the status shows the alt text")
    r = S["server"].http("PUT", f"/api/v1/media/{media['id']}", token=alice.token, form={"description": "late"})
    t.status(r, 404, "an attached attachment is no longer updatable (as in Mastodon)")


@suite.case
def someone_elses_media_refused(t):
    alice, bob, server = S["alice"], S["bob"], S["server"]
    media = server.api("POST", "/api/v2/media", token=alice.token,
                       body=multipart([("file", S["png"], {"filename": "a.png", "type": "image/png"})])[0],
                       content_type=multipart([])[1])
    mid = media["id"]
    t.json_error(server.http("GET", f"/api/v1/media/{mid}", token=bob.token), 404, "bob GETs alice's media")
    t.json_error(server.http("PUT", f"/api/v1/media/{mid}", token=bob.token, form={"description": "mine"}),
                 404, "bob PUTs alice's media")
    t.json_error(server.http("DELETE", f"/api/v1/media/{mid}", token=bob.token), 404, "bob DELETEs alice's media")
    r = server.http("POST", "/api/v1/statuses", token=bob.token, json_body={"status": "stolen", "media_ids": [mid]})
    t.json_error(r, 422, "bob attaching alice's media")
    got = server.api("GET", f"/api/v1/media/{mid}", token=alice.token)
    t.eq(got["description"], None, "alice's media unchanged")
    r = server.http("POST", "/api/v1/statuses", token=alice.token,
                    json_body={"status": "mine", "media_ids": [S["attached_media"]]})
    t.json_error(r, 422, "media already attached to another status")
    r = server.http("POST", "/api/v1/statuses", token=alice.token,
                    json_body={"status": "five", "media_ids": [mid] * 5})
    t.json_error(r, 422, "more than 4 media")
    t.json_error(server.http("POST", "/api/v2/media", token=None,
                             body=multipart([("file", S["png"], {"filename": "a.png"})])[0],
                             content_type=multipart([])[1]), 401, "upload without a token")
    t.json_error(server.http("GET", "/api/v1/media/1", token=alice.token), 404, "unknown media id")


@suite.case
def bad_types_refused(t):
    alice, server = S["alice"], S["server"]
    for name, data, ctype in [("page.html", b"<html><script>alert(1)</script></html>", "image/png"),
                              ("image.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>', "image/svg+xml"),
                              ("doc.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "application/pdf"),
                              ("fake.png", b"\x89PNG\r\n", "image/png")]:
        r = upload_raw(server, alice.token, [("file", data, {"filename": name, "type": ctype})])
        t.json_error(r, 422, f"upload of {name} ({ctype})")
        if name != "fake.png" and r.is_json():
            t.eq(r.json().get("error"), "Validation failed: File content type is invalid", f"message for {name}")
    r = upload_raw(server, alice.token, [("description", b"no file at all", {})])
    t.json_error(r, 422, "upload without a file")
    m = mastodon_py(server, alice.token)
    try:
        m.media_post(b"plain text, not a picture", mime_type="image/png")
        t.check(False, "Mastodon.py media_post of text should raise")
    except MastodonAPIError as e:
        t.check("content type is invalid" in str(e), "Mastodon.py sees the 422 message", str(e))


@suite.case
def deletion(t):
    alice, server = S["alice"], S["server"]
    m = mastodon_py(server, alice.token)
    media = m.media_post(S["png"], mime_type="image/png")
    url = media["url"]
    t.status(server.http("GET", url), 200, "file served before deletion")
    r = server.http("DELETE", f"/api/v1/media/{media['id']}", token=alice.token)
    t.status(r, 200, "DELETE /api/v1/media/:id of unattached media")
    t.eq(server.http("GET", url).status, 404, "the file is gone with it")
    try:
        m.media(media["id"])
        t.check(False, "GET of deleted media should be 404")
    except MastodonNotFoundError:
        pass
    r = server.http("DELETE", f"/api/v1/media/{S['attached_media']}", token=alice.token)
    t.json_error(r, 422, "DELETE of attached media")

    status = server.api("GET", f"/api/v1/statuses/{S['media_status']}", token=alice.token)
    file_url = status["media_attachments"][0]["url"]
    server.api("DELETE", f"/api/v1/statuses/{S['media_status']}", token=alice.token)
    t.eq(server.http("GET", file_url).status, 404, "deleting the status deletes its media files")


@suite.case
def file_urls_are_ids_only(t):
    server = S["server"]
    prefix = "/system/media_attachments/files"
    for path in [f"{prefix}/../../herd.sqlite3", f"{prefix}/%2e%2e/%2e%2e/herd.sqlite3",
                 f"{prefix}/000/000/000/000/000/001/original.sqlite3",
                 f"{prefix}/000/000/000/000/000/..%2f..%2f/original.png",
                 f"{prefix}/000/000/000/000/000/001/original.png",
                 f"{prefix}/abc/000/000/000/000/001/original.png"]:
        r = server.http("GET", path)
        t.check(r.status in (400, 404), f"GET {path} is refused", r.describe())
        t.check(b"SQLite format" not in r.body, f"GET {path} does not leak the database")


@suite.case
def only_media_filter(t):
    alice, server = S["alice"], S["server"]
    m = mastodon_py(server, alice.token)
    text_only = m.status_post("only words here")
    media = m.media_post(S["png"], mime_type="image/png")
    with_media = m.status_post("words and a picture", media_ids=[media["id"]])
    public = server.api("GET", "/api/v1/timelines/public", query={"only_media": "true", "limit": 40})
    ids = [s["id"] for s in public]
    t.check(str(with_media["id"]) in ids, "only_media public timeline has the status with media", ids)
    t.check(str(text_only["id"]) not in ids, "only_media public timeline leaves out text-only statuses", ids)
    t.check(all(s["media_attachments"] for s in public), "every only_media status has attachments")
    local = server.api("GET", "/api/v1/timelines/public", query={"only_media": "1", "local": "true"})
    t.check(str(with_media["id"]) in [s["id"] for s in local], "only_media with local=true")
    mine = server.api("GET", f"/api/v1/accounts/{alice.id}/statuses", query={"only_media": "true"})
    ids = [s["id"] for s in mine]
    t.check(str(with_media["id"]) in ids and str(text_only["id"]) not in ids,
            "only_media on account statuses", ids)
    everything = server.api("GET", "/api/v1/timelines/public", query={"limit": 40})
    t.check(str(text_only["id"]) in [s["id"] for s in everything], "without the filter both are there")


@suite.case
def disk_quota_exceeded(t):
    quota = 4096
    server = suite.server("quota", env={"HERD_DISK_QUOTA_BYTES": str(quota)})
    user = register(server, "carol")
    r = upload_raw(server, user.token, [("file", png(200, 200, noise=True), {"filename": "big.png", "type": "image/png"})])
    t.json_error(r, 422, "an upload beyond HERD_DISK_QUOTA_BYTES")
    if r.is_json():
        message = r.json().get("error", "")
        t.check(QUOTA_MESSAGE.match(message), "the message says how much of the quota is used", message)
        t.check(message.endswith("of 4.0 KiB used"), "the message names the quota", message)
    t.eq(files_under(os.path.join(server.data_dir, "media")), [], "nothing stored under media/")
    m = mastodon_py(server, user.token)
    try:
        m.media_post(png(64, 64, noise=True), mime_type="image/png")
        t.check(False, "Mastodon.py media_post beyond the quota should raise")
    except MastodonAPIError as e:
        t.check("Disk quota exceeded" in str(e), "Mastodon.py sees the quota message", str(e))
    t.check(server.healthy(), "the server is still up")
    status = server.api("POST", "/api/v1/statuses", token=user.token, form={"status": "text still works"})
    t.check(status.get("id"), "posting text still works over the quota", status)
    server.stop()


def can_mount_tmpfs():
    probe = tempfile.mkdtemp(prefix="herd-it-mount-")
    try:
        for cmd in (["unshare", "-m", "--propagation", "private"], ["unshare", "-rm", "--propagation", "private"]):
            r = subprocess.run(cmd + ["sh", "-c", f"mount -t tmpfs -o size=64k herd-probe {probe}"],
                               capture_output=True, timeout=30)
            if r.returncode == 0:
                return cmd
        return None
    except (OSError, subprocess.SubprocessError):
        return None
    finally:
        os.rmdir(probe)


@suite.case
def full_disk_gives_a_clear_422(t):
    unshare = can_mount_tmpfs()
    if not unshare or not shutil.which("unshare"):
        print("    note: cannot mount a tmpfs here (no unshare/mount rights); full-disk case not run", flush=True)
        return
    server = suite.server("fulldisk", start=False)
    media_dir = os.path.join(server.data_dir, "media")
    os.makedirs(media_dir, exist_ok=True)
    wrapper = os.path.join(server.tmp, "herd-on-small-disk")
    with open(wrapper, "w") as f:
        f.write("#!/bin/sh\n"
                f"exec {' '.join(unshare)} sh -c "
                f"'mount -t tmpfs -o size=96k herd-media \"$HERD_DATA_DIR/media\" || exit 97; "
                f"exec \"$0\" \"$@\"' {server.herd} \"$@\"\n")
    os.chmod(wrapper, 0o755)
    server.herd = wrapper
    server.start()
    user = register(server, "dora")
    small = server.api("POST", "/api/v2/media", token=user.token,
                       body=multipart([("file", S["png"], {"filename": "s.png", "type": "image/png"})])[0],
                       content_type=multipart([])[1])
    t.check(small.get("url"), "a small upload fits on the small disk", small)
    r = upload_raw(server, user.token, [("file", png(200, 200, noise=True), {"filename": "big.png", "type": "image/png"})])
    t.json_error(r, 422, "an upload the disk cannot hold (ENOSPC)")
    if r.is_json():
        message = r.json().get("error", "")
        t.check(QUOTA_MESSAGE.match(message), "the same clear quota message", message)
        t.check(message.endswith("of 96.0 KiB used"), "with the full disk's own size", message)
    # The server's own view of its media folder (its mount namespace) holds only the small file.
    inside = f"/proc/{server.proc.pid}/root{media_dir}"
    stored = files_under(inside)
    t.eq(len(stored), 2, f"no partial file left on the full disk, only the small upload's original and preview ({stored})")
    t.check(server.healthy(), "the server is still up after ENOSPC")
    again = server.api("POST", "/api/v2/media", token=user.token,
                       body=multipart([("file", S["png"], {"filename": "s2.png", "type": "image/png"})])[0],
                       content_type=multipart([])[1])
    t.check(again.get("url"), "uploads that fit still work after the refusal", again)
    server.stop()


if __name__ == "__main__":
    main(suite)
