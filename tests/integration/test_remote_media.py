#!/usr/bin/python3
"""Remote media against a real `herd serve` and two scriptable ActivityPub peers (the fake server of
tests/federation/fedlib.py on 127.0.0.1, which logs every GET):

- a remote actor's avatar and header (a JPEG photo carrying EXIF GPS, made by FFmpeg and tagged by
  exiftool) are fetched once and served by herd itself: the API's `avatar`/`header` turn into herd's
  URLs, the files are 400x400 and 1500x500 without any GPS tag (also on disk);
- an avatar that cannot be fetched keeps the remote URL and is listed by `herd admin media failures`;
- an Update(Person) with a new avatar URL gets the new image fetched and the old copy removed;
- an image attached to a remote post (with GPS) is copied: `url` and `preview_url` become herd's, with
  its own blurhash and meta, no GPS; `remote_url` keeps the origin; so are a video, a silent video
  (a gifv, as Mastodon types it) and an audio file, their metadata tags (a location) dropped;
- the custom emojis of a remote post and a remote profile (their `Emoji` tags) are copied too: an
  animated GIF stays animated at `url` with a still PNG at `static_url`, a still PNG is both; an
  oversized image and one that is no image keep their remote URL and are listed by `herd admin media
  failures`; an emoji seen again is not fetched again; /api/v1/custom_emojis stays the local ones;
  one whose Emoji tag's `updated` is newer than its copy is fetched again (Mastodon's rule);
- a restart changes nothing (no refetch, same URLs, files served, emojis included);
- a domain block with `reject_media` removes the copies already made (the API shows the default images,
  as Mastodon) and nothing more is fetched from that domain (the peer's log has no request for a new
  actor's avatar or a new attachment, while the other peer's get their copies); its attachments,
  copied ones included, are `unknown` links to their remote_url; its custom emojis (copied ones
  included) are dropped and a new one is never fetched;
- with `reject_reports`, a Flag from that domain creates no report (one from elsewhere does).
"""
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "federation"))

from harness import (ADMIN_EMAIL, Suite, eventually, free_port, http, main, parse_args,  # noqa: E402
                     password_token, register, run_herd_once)
from fedlib import FakeServer  # noqa: E402

suite = Suite("remote media", parse_args(__doc__))
S = suite.state
FEDERATION = {"ALLOWED_PRIVATE_ADDRESSES": "127.0.0.1", "HERD_ALLOW_HTTP_FEDERATION": "true"}
ADMIN_SCOPES = "read write follow push admin:read admin:write"
FILES = "/system/media_attachments/files/"


def run(cmd):
    return subprocess.run(cmd, capture_output=True, timeout=120, stdin=subprocess.DEVNULL)


def ffmpeg(*args):
    p = run(["ffmpeg", "-nostdin", "-v", "error", "-y", *args])
    assert p.returncode == 0, p.stderr.decode()


def image_file(name, source, size, gps=False):
    path = os.path.join(S["tmp"], name)
    ffmpeg("-f", "lavfi", "-i", f"{source}:size={size}" if "=" in source else f"{source}=size={size}",
           "-frames:v", "1", path)
    if gps:
        p = run(["exiftool", "-overwrite_original", "-GPSLatitude=48.8584", "-GPSLatitudeRef=N",
                 "-GPSLongitude=2.2945", "-GPSLongitudeRef=E", "-Make=HerdCam", path])
        assert p.returncode == 0, p.stderr.decode()
    with open(path, "rb") as f:
        return f.read()


def exif(data):
    with tempfile.NamedTemporaryFile(delete=False, dir=S["tmp"]) as f:
        f.write(data)
    p = run(["exiftool", "-j", "-a", "-G1", "-n", f.name])
    return json.loads(p.stdout)[0] if p.stdout else {}


def gps_tags(data):
    return sorted(k for k in exif(data) if "GPS" in k)


def size_of(data):
    """(width, height) as FFmpeg decodes the image."""
    with tempfile.NamedTemporaryFile(delete=False, dir=S["tmp"]) as f:
        f.write(data)
    p = run(["ffprobe", "-v", "error", "-print_format", "json", "-show_streams", f.name])
    stream = json.loads(p.stdout or b"{}").get("streams", [{}])[0]
    return stream.get("width"), stream.get("height")


def serve(peer, path, data, content_type):
    peer.files[path] = (data, content_type)
    return peer.base() + path


def actor(peer, name, avatar=None, header=None):
    uri = peer.actor(name)
    doc = peer.actors[name]["doc"]
    if avatar:
        doc["icon"] = {"type": "Image", "mediaType": "image/jpeg", "url": avatar}
    if header:
        doc["image"] = {"type": "Image", "mediaType": "image/jpeg", "url": header}
    return uri


def resolve(peer, name):
    server, lou = S["server"], S["lou"]
    found = server.api("GET", "/api/v2/search", token=lou.token,
                       query={"q": f"{name}@{peer.host}", "resolve": "true", "type": "accounts"})
    return found["accounts"][0] if found["accounts"] else None


def account(account_id):
    return S["server"].api("GET", f"/api/v1/accounts/{account_id}", token=S["lou"].token)


def local(url):
    return url.startswith(S["server"].url + FILES)


def stored_path(url):
    """The file under the data folder that a herd media URL names."""
    return os.path.join(S["server"].data_dir, "media", url.split(FILES, 1)[1])


def fetch(t, url, what):
    r = http(S["server"].url, "GET", url.removeprefix(S["server"].url))
    t.require(r.status == 200, f"{what} is served", r.status)
    return r.body


def server_log():
    return S["server"].stdout_text() + S["server"].stderr_text()


def media_failures():
    """What `herd admin media failures` prints."""
    server = S["server"]
    rc, out, err = run_herd_once(server.herd, server.environment(), ("admin", "media", "failures"), timeout=60)
    assert rc == 0, err
    return out


def fake_peer():
    port = free_port()
    peer = FakeServer(f"127.0.0.1:{port}", address="127.0.0.1", port=port).start()
    return peer


@suite.setup
def peers_and_server(t):
    S["tmp"] = tempfile.mkdtemp(prefix="herd-it-remote-media-")
    peer = S["peer"] = fake_peer()
    other = S["other"] = fake_peer()
    S["photo"] = image_file("photo.jpg", "testsrc2", "600x400", gps=True)
    t.require(gps_tags(S["photo"]), "the remote photo carries GPS tags (precondition)")
    S["banner"] = image_file("banner.jpg", "testsrc2", "900x300", gps=True)
    S["square"] = image_file("square.png", "color=c=0x3366cc", "300x300")
    S["painter"] = actor(peer, "painter", avatar=serve(peer, "/files/painter.jpg", S["photo"], "image/jpeg"),
                         header=serve(peer, "/files/banner.jpg", S["banner"], "image/jpeg"))
    actor(peer, "broken", avatar=peer.base() + "/files/missing.jpg")
    actor(other, "gardener", avatar=serve(other, "/files/gardener.jpg", S["photo"], "image/jpeg"))
    server = S["server"] = suite.server(env=FEDERATION)
    S["lou"] = register(server, "lou")
    S["admin"] = password_token(server, ADMIN_EMAIL, server.admin_password, scope=ADMIN_SCOPES)


@suite.case
def remote_avatar_and_header_are_stored_here(t):
    peer = S["peer"]
    found = resolve(peer, "painter")
    t.require(found, "lou finds painter")
    S["painter_id"] = found["id"]
    t.check(found["avatar"] in (peer.base() + "/files/painter.jpg",) or local(found["avatar"]),
            "at first the avatar is the remote URL (or already herd's copy)", found["avatar"])
    got = eventually(lambda: (lambda a: a if local(a["avatar"]) and local(a["header"]) else None)(
        account(found["id"])), timeout=30)
    t.require(got, "the avatar and header turn into herd's own URLs", account(found["id"]))
    S["avatar1"] = got["avatar"]
    t.eq(got["avatar_static"], got["avatar"], "avatar_static of a still image is the same file")
    t.eq(got["header_static"], got["header"], "header_static of a still image is the same file")
    avatar = fetch(t, got["avatar"], "herd's copy of the avatar")
    t.eq(size_of(avatar), (400, 400), "the avatar is filled and cropped to 400x400")
    t.eq(gps_tags(avatar), [], "no GPS tag in the served avatar")
    t.check(not any(k.endswith(":Make") for k in exif(avatar)), "no camera make in the served avatar")
    header = fetch(t, got["header"], "herd's copy of the header")
    t.eq(size_of(header), (1500, 500), "the header is 1500x500")
    t.eq(gps_tags(header), [], "no GPS tag in the served header")
    for url in (got["avatar"], got["header"]):
        with open(stored_path(url), "rb") as f:
            t.eq(gps_tags(f.read()), [], f"no GPS tag in the stored file of {url}")
    t.eq((peer.fetch_count("/files/painter.jpg"), peer.fetch_count("/files/banner.jpg")), (1, 1),
         "each image was fetched once")


@suite.case
def a_failed_fetch_keeps_the_remote_url_and_is_listed(t):
    peer = S["peer"]
    found = resolve(peer, "broken")
    t.require(found, "lou finds broken")
    remote = peer.base() + "/files/missing.jpg"
    listed = eventually(lambda: remote in media_failures(), timeout=30)
    t.check(listed, "`herd admin media failures` lists the avatar that could not be fetched",
            media_failures())
    out = media_failures()
    t.check("avatar of broken@" in out and "HTTP 404" in out, "with what it was and why", out)
    t.eq(account(found["id"])["avatar"], remote, "the API keeps showing the remote avatar")
    t.eq(peer.fetch_count("/files/missing.jpg"), 1, "a 404 is not retried")
    t.check(remote in server_log(), "the failure is in the server's log")


@suite.case
def a_changed_avatar_is_fetched_again(t):
    peer, server = S["peer"], S["server"]
    new_url = serve(peer, "/files/square.png", S["square"], "image/png")
    doc = peer.actors["painter"]["doc"]
    doc["icon"] = {"type": "Image", "mediaType": "image/png", "url": new_url}
    update = {"@context": "https://www.w3.org/ns/activitystreams", "id": S["painter"] + "#update-1",
              "type": "Update", "actor": S["painter"], "object": doc}
    r = peer.post("painter", server.url + "/inbox", update)
    t.require(r.status in (200, 202), "the Update(Person) is accepted", r.status)
    got = eventually(lambda: (lambda a: a if local(a["avatar"]) and a["avatar"] != S["avatar1"] else None)(
        account(S["painter_id"])), timeout=30)
    t.require(got, "the avatar turns into a new copy of the new image", account(S["painter_id"]))
    S["avatar2"] = got["avatar"]
    t.eq(size_of(fetch(t, got["avatar"], "the new copy")), (400, 400), "the new avatar is 400x400")
    t.eq(peer.fetch_count("/files/square.png"), 1, "the new image was fetched once")
    t.check(not os.path.exists(stored_path(S["avatar1"])), "the old copy's file is removed",
            stored_path(S["avatar1"]))
    t.eq(peer.fetch_count("/files/banner.jpg"), 1, "the unchanged header is not fetched again")


EMOJI_UPDATED = "2026-12-01T00:00:00Z"


def emoji_tag(peer, code, media_type="image/png", updated=EMOJI_UPDATED):
    """An Emoji tag as Mastodon writes it, its image at /files/emoji-<code>."""
    return {"id": f"{peer.base()}/emojis/{code}", "type": "Emoji", "name": f":{code}:",
            "updated": updated,
            "icon": {"type": "Image", "mediaType": media_type, "url": f"{peer.base()}/files/emoji-{code}"}}


def post_with_image(peer, name, key, emojis=(), image=True, attachments=None, emoji_updated=EMOJI_UPDATED):
    """A public note from name@peer mentioning lou, with one image (or these `attachments`) and
    these custom emojis (their tags' `updated` as given), written in its text; returns it as lou
    sees it."""
    server, lou = S["server"], S["lou"]
    lou_uri = server.url + "/users/lou"
    codes = "".join(f" :{code}:" for code in emojis)
    note = {"type": "Note", "id": f"{peer.uri(name)}/notes/{key}", "attributedTo": peer.uri(name),
            "content": f"<p>{key}{codes} @lou</p>", "to": ["https://www.w3.org/ns/activitystreams#Public", lou_uri],
            "tag": [{"type": "Mention", "href": lou_uri, "name": f"@lou@{server.domain}"}]
            + [emoji_tag(peer, code, updated=emoji_updated) for code in emojis],
            "attachment": [{"type": "Document", "mediaType": "image/jpeg", "url": f"{peer.base()}/files/{key}.jpg",
                            "name": "a picture", "width": 600, "height": 400}] if image else []}
    if attachments is not None:
        note["attachment"] = attachments
    peer.post(name, server.url + "/inbox", {"@context": "https://www.w3.org/ns/activitystreams", "type": "Create",
                                            "id": note["id"] + "/activity", "actor": peer.uri(name), "object": note})

    def arrived():
        for n in server.api("GET", "/api/v1/notifications", token=lou.token, query={"types[]": "mention"}):
            if key in n["status"]["content"]:
                return n["status"]
    return eventually(arrived, timeout=20)


@suite.case
def remote_attachments_are_copied(t):
    other, server, lou = S["other"], S["server"], S["lou"]
    origin = serve(other, "/files/holiday.jpg", S["photo"], "image/jpeg")
    status = post_with_image(other, "gardener", "holiday")
    t.require(status, "a post with a photo carrying GPS arrives")
    t.eq(status["media_attachments"][0]["remote_url"], origin, "remote_url is the origin")

    def copied():
        m = server.api("GET", f"/api/v1/statuses/{status['id']}", token=lou.token)["media_attachments"][0]
        return m if local(m["url"]) else None
    got = eventually(copied, timeout=30)
    t.require(got, "the attachment's url turns into herd's copy",
              server.api("GET", f"/api/v1/statuses/{status['id']}", token=lou.token))
    t.eq((got["type"], got["remote_url"]), ("image", origin), "an image; remote_url keeps the origin")
    t.check(local(got["preview_url"]) and got["preview_url"] != got["url"], "a small preview of herd's own", got)
    t.check(got["blurhash"], "with a blurhash", got)
    t.eq((got["meta"]["original"]["width"], got["meta"]["original"]["height"]), (600, 400), "meta.original")
    t.eq(gps_tags(fetch(t, got["url"], "the copy")), [], "no GPS tag in the served copy")
    t.eq(gps_tags(fetch(t, got["preview_url"], "the preview")), [], "nor in the preview")
    t.eq(other.fetch_count("/files/holiday.jpg"), 1, "the photo was fetched once")


def media_tags(data):
    """The container's and streams' metadata tags of a video or audio file (ffprobe), lowercased."""
    with tempfile.NamedTemporaryFile(delete=False, dir=S["tmp"]) as f:
        f.write(data)
    p = run(["ffprobe", "-v", "error", "-print_format", "json", "-show_format", "-show_streams", f.name])
    info = json.loads(p.stdout or b"{}")
    tags = dict(info.get("format", {}).get("tags", {}))
    for stream in info.get("streams", []):
        tags.update(stream.get("tags", {}))
    return {k.lower(): v for k, v in tags.items()}, sorted(s["codec_type"] for s in info.get("streams", []))


@suite.case
def remote_video_and_audio_are_copied(t):
    """As Mastodon caches remote media: a video, a silent video (a gifv, as Mastodon types it) and an
    audio file attached to a remote post are copied and served here, their metadata tags (a GPS
    location among them) dropped, with meta and a first-frame preview of herd's own."""
    other, server, lou = S["other"], S["server"], S["lou"]
    clip, silent, tone = (os.path.join(S["tmp"], n) for n in ("clip.mp4", "silent.mp4", "tone.mp3"))
    located = ("-metadata", "location=+48.8584+002.2945/", "-metadata", "title=at the tower",
               "-movflags", "use_metadata_tags")
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-f", "lavfi", "-i", "sine=frequency=440",
           "-t", "1", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac",
           *located, clip)
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-t", "1", "-c:v", "libx264",
           "-preset", "ultrafast", "-pix_fmt", "yuv420p", *located, silent)
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=440", "-t", "1", "-metadata", "title=a tone",
           "-metadata", "artist=someone", tone)
    files = {}
    for name, path, kind in (("clip.mp4", clip, "video/mp4"), ("silent.mp4", silent, "video/mp4"),
                             ("tone.mp3", tone, "audio/mpeg")):
        with open(path, "rb") as f:
            data = f.read()
        files[name] = serve(other, f"/files/{name}", data, kind)
        if name != "tone.mp3":
            t.require("location" in media_tags(data)[0], f"{name} carries a location tag (precondition)")
    documents = [{"type": "Document", "mediaType": kind, "url": files[name], "name": name}
                 for name, kind in (("clip.mp4", "video/mp4"), ("silent.mp4", "video/mp4"), ("tone.mp3", "audio/mpeg"))]
    posted = post_with_image(other, "gardener", "moving", attachments=documents)
    t.require(posted, "a post with a video, a silent video and a sound arrives")
    t.eq([m["remote_url"] for m in posted["media_attachments"]], list(files.values()), "remote_url is the origin")

    def copied():
        media = status(posted["id"])["media_attachments"]
        return media if all(local(m["url"]) for m in media) else None
    got = eventually(copied, timeout=60)
    t.require(got, "every attachment's url turns into herd's copy", status(posted["id"]))
    video, gifv, audio = got
    t.eq([m["type"] for m in got], ["video", "gifv", "audio"], "types as Mastodon gives them")
    for m, name in ((video, "the video"), (gifv, "the silent video")):
        tags, streams = media_tags(fetch(t, m["url"], name))
        t.eq([k for k in tags if k in ("location", "title", "location-eng")], [], f"{name}: no location or title tag")
        t.eq(streams, ["audio", "video"] if m is video else ["video"], f"{name}: its streams kept")
        t.eq((m["meta"]["original"]["width"], m["meta"]["original"]["height"]), (320, 240), f"{name}: meta.original size")
        t.eq(m["meta"]["original"]["frame_rate"], "25/1", f"{name}: meta.original.frame_rate")
        t.check(0.9 <= m["meta"]["original"]["duration"] <= 1.2, f"{name}: meta.original.duration", m["meta"])
        t.check(local(m["preview_url"]) and m["preview_url"] != m["url"], f"{name}: a preview of herd's own", m)
        t.check(fetch(t, m["preview_url"], f"{name}'s preview").startswith(b"\x89PNG"), f"{name}: the preview is a frame")
        t.check(m["blurhash"], f"{name}: a blurhash", m)
    tags, streams = media_tags(fetch(t, audio["url"], "the audio"))
    t.eq((streams, [k for k in tags if k in ("title", "artist")]), (["audio"], []), "the audio: no title or artist tag")
    t.check(0.9 <= audio["meta"]["original"]["duration"] <= 1.2, "the audio: meta.original.duration", audio["meta"])
    t.eq([other.fetch_count(f"/files/{n}") for n in files], [1, 1, 1], "each file was fetched once")


def status(status_id):
    return S["server"].api("GET", f"/api/v1/statuses/{status_id}", token=S["lou"].token)


def emojis_of(entity):
    """{shortcode: (url, static_url)} of an entity's `emojis`."""
    return {e["shortcode"]: (e["url"], e["static_url"]) for e in entity["emojis"]}


def is_png(data):
    return data.startswith(b"\x89PNG\r\n\x1a\n")


def frame_count(data):
    with tempfile.NamedTemporaryFile(delete=False, dir=S["tmp"]) as f:
        f.write(data)
    p = run(["ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries",
             "stream=nb_read_frames", "-of", "csv=p=0", f.name])
    return int(p.stdout.strip() or b"0")


@suite.case
def remote_custom_emojis_are_copied(t):
    other, server = S["other"], S["server"]
    wiggle = os.path.join(S["tmp"], "wiggle.gif")
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=64x64:rate=5", "-frames:v", "4", wiggle)
    with open(wiggle, "rb") as f:
        S["wiggle"] = f.read()
    t.require(frame_count(S["wiggle"]) == 4 and len(S["wiggle"]) < 256 * 1024,
              "the remote emoji is an animated GIF of 4 frames under 256 KB (precondition)")
    serve(other, "/files/emoji-wiggle", S["wiggle"], "image/gif")
    serve(other, "/files/emoji-spool", image_file("spool.png", "color=c=0xcc3366", "48x48"), "image/png")
    serve(other, "/files/emoji-huge", b"\x89PNG\r\n\x1a\n" + os.urandom(300 * 1024), "image/png")
    serve(other, "/files/emoji-notimage", b"<html><body>not an image</body></html>", "image/png")
    gardener = other.actors["gardener"]["doc"]
    gardener["name"] = "Gardener :spool:"
    gardener["tag"] = [emoji_tag(other, "spool")]
    update = {"@context": "https://www.w3.org/ns/activitystreams", "id": gardener["id"] + "#update-emoji",
              "type": "Update", "actor": gardener["id"], "object": gardener}
    r = other.post("gardener", server.url + "/inbox", update)
    t.require(r.status in (200, 202), "gardener's Update(Person) with an Emoji tag is accepted", r.status)
    posted = post_with_image(other, "gardener", "emojis", emojis=("wiggle", "huge", "notimage"), image=False)
    t.require(posted, "gardener's post with three custom emojis arrives")
    S["emoji_status"] = posted["id"]
    t.eq(sorted(emojis_of(posted)), ["huge", "notimage", "wiggle"], "the post's emojis name all three")
    remote = other.base() + "/files/emoji-wiggle"
    first = emojis_of(posted)["wiggle"][0]
    t.check(first == remote or local(first), "at first the remote URL (or already herd's copy)", posted["emojis"])

    got = eventually(lambda: (lambda e: e if local(e["wiggle"][0]) else None)(emojis_of(status(posted["id"]))),
                     timeout=30)
    t.require(got, "the animated emoji's url turns into herd's copy", status(posted["id"])["emojis"])
    url, static = got["wiggle"]
    t.check(local(static) and static != url, "static_url is a still image of herd's own", got["wiggle"])
    animated = fetch(t, url, "the emoji's copy")
    t.check(animated.startswith(b"GIF8") and frame_count(animated) == 4, "url is still the 4-frame GIF",
            len(animated))
    t.eq(size_of(animated), (64, 64), "at its own size")
    still = fetch(t, static, "the emoji's still")
    t.check(is_png(still) and frame_count(still) == 1, "static_url is a PNG of one frame")
    t.eq(size_of(still), (64, 64), "of the same size")
    t.eq((got["huge"], got["notimage"]),
         ((other.base() + "/files/emoji-huge",) * 2, (other.base() + "/files/emoji-notimage",) * 2),
         "the oversized and the non-image emojis keep their remote URLs")
    failures = eventually(lambda: (lambda out: out if ":huge:" in out and ":notimage:" in out else None)(
        media_failures()), timeout=30)
    t.check(failures, "`herd admin media failures` lists both emojis", media_failures())
    if failures:
        t.check(f"emoji :notimage: of {other.host}" in failures and "PNG, GIF, WebP or JPEG" in failures,
                "the non-image one with the reason", failures)

    gardener_id = resolve(other, "gardener")["id"]
    account_emojis = eventually(lambda: (lambda e: e if "spool" in e and local(e["spool"][0]) else None)(
        emojis_of(account(gardener_id))), timeout=30)
    t.require(account_emojis, "the profile's emoji turns into herd's copy", account(gardener_id))
    t.eq(account_emojis["spool"][1], account_emojis["spool"][0], "static_url of a still PNG is the same file")
    t.check(is_png(fetch(t, account_emojis["spool"][0], "the profile emoji's copy")), "a PNG")

    again = post_with_image(other, "gardener", "emojis-again", emojis=("wiggle", "huge"), image=False)
    t.require(again, "a second post with the same emojis arrives")
    t.eq(emojis_of(again)["wiggle"], (url, static), "it shows the same copy")
    t.eq(server.api("GET", "/api/v1/custom_emojis"), [], "/api/v1/custom_emojis lists only local emojis")
    counts = [other.fetch_count(f"/files/emoji-{code}") for code in ("wiggle", "spool", "huge", "notimage")]
    t.eq(counts, [1, 1, 1, 1], "each emoji image was fetched once (a given-up one is not fetched again)")
    S["emoji_urls"] = (gardener_id, url, static, account_emojis["spool"])


@suite.case
def a_restart_changes_nothing(t):
    peer, other, server = S["peer"], S["other"], S["server"]
    before = account(S["painter_id"])
    server.stop()
    server.start()
    after = account(S["painter_id"])
    t.eq((after["avatar"], after["header"]), (before["avatar"], before["header"]), "same URLs after a restart")
    fetch(t, after["avatar"], "the avatar after a restart")
    t.eq((peer.fetch_count("/files/square.png"), peer.fetch_count("/files/banner.jpg")), (1, 1),
         "nothing fetched again")
    t.require("emoji_urls" in S, "the emojis were copied (precondition)")
    gardener_id, url, static, spool = S["emoji_urls"]
    t.eq(emojis_of(status(S["emoji_status"]))["wiggle"], (url, static), "the post's emoji shows herd's copy")
    t.eq(emojis_of(account(gardener_id))["spool"], spool, "and the profile's")
    fetch(t, static, "the emoji's still after a restart")
    t.eq([other.fetch_count(f"/files/emoji-{code}") for code in ("wiggle", "spool", "huge")], [1, 1, 1],
         "no emoji fetched again")


@suite.case
def an_emoji_updated_there_is_fetched_again(t):
    """As Mastodon: an Emoji tag whose `updated` is not older than the emoji's copy here means the
    image behind the same URL changed; it is fetched again and every post showing the emoji shows the
    new copy (the remote URL meanwhile); the old files go; a later post with the same tag fetches
    nothing more."""
    other, server = S["other"], S["server"]
    t.require("emoji_urls" in S, "the emojis were copied (precondition)")
    _, old_url, old_static, _ = S["emoji_urls"]
    wider = os.path.join(S["tmp"], "wider.gif")
    ffmpeg("-f", "lavfi", "-i", "testsrc=size=48x48:rate=5", "-frames:v", "3", wider)
    with open(wider, "rb") as f:
        serve(other, "/files/emoji-wiggle", f.read(), "image/gif")
    # `updated` has whole seconds: one not before the copy's updated_at (milliseconds)
    copied_at = int(server.sql("SELECT MAX(updated_at) FROM custom_emojis WHERE shortcode = 'wiggle'"))
    eventually(lambda: time.time() >= copied_at / 1000 + 1, timeout=5)
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    posted = post_with_image(other, "gardener", "emojis-updated", emojis=("wiggle",), image=False,
                             emoji_updated=now)
    t.require(posted, "a post whose Emoji tag says the emoji was updated now arrives")

    def renewed():
        e = emojis_of(status(posted["id"]))["wiggle"]
        return e if local(e[0]) and e != (old_url, old_static) else None
    got = eventually(renewed, timeout=30)
    t.require(got, "the emoji's url turns into a new copy of herd's own", status(posted["id"])["emojis"])
    url, static = got
    animated = fetch(t, url, "the new copy")
    t.eq((size_of(animated), frame_count(animated)), ((48, 48), 3), "url is the new 48x48 GIF of 3 frames")
    still = fetch(t, static, "the new still")
    t.check(is_png(still) and size_of(still) == (48, 48), "static_url is a 48x48 PNG", size_of(still))
    t.eq(other.fetch_count("/files/emoji-wiggle"), 2, "the image was fetched a second time")
    t.eq(emojis_of(status(S["emoji_status"]))["wiggle"], got, "the older post shows the new copy too")
    for gone in (old_url, old_static):
        t.status(http(server.url, "GET", gone.removeprefix(server.url)), 404, f"the old file {gone} is gone")
    again = post_with_image(other, "gardener", "emojis-updated-again", emojis=("wiggle",), image=False,
                            emoji_updated=now)
    t.require(again, "another post with the same tag arrives")
    t.eq(emojis_of(again)["wiggle"], got, "it shows the same copy")
    t.eq(other.fetch_count("/files/emoji-wiggle"), 2, "nothing fetched a third time")


@suite.case
def reject_media_removes_copies_and_fetches_nothing(t):
    peer, other, server = S["peer"], S["other"], S["server"]
    serve(peer, "/files/painted.jpg", S["photo"], "image/jpeg")
    serve(peer, "/files/emoji-palette", S["wiggle"], "image/gif")
    painted = post_with_image(peer, "painter", "painted", emojis=("palette",))
    t.require(painted, "painter's post with a photo and an emoji arrives")
    status_media = lambda sid: server.api("GET", f"/api/v1/statuses/{sid}", token=S["lou"].token)["media_attachments"][0]
    got = eventually(lambda: (lambda m: m if local(m["url"]) else None)(status_media(painted["id"])), timeout=30)
    t.require(got, "its attachment is copied (precondition)", status_media(painted["id"]))
    palette = eventually(lambda: (lambda e: e if local(e["palette"][1]) else None)(emojis_of(status(painted["id"]))),
                         timeout=30)
    t.require(palette, "its emoji is copied (precondition)", status(painted["id"])["emojis"])
    copies = [stored_path(account(S["painter_id"])[k]) for k in ("avatar", "header")]
    copies += [stored_path(got["url"]), stored_path(got["preview_url"])]
    copies += [stored_path(u) for u in palette["palette"]]
    t.require(all(os.path.exists(p) for p in copies), "painter's copies exist (precondition)", copies)
    block = server.api("POST", "/api/v1/admin/domain_blocks", token=S["admin"],
                       json_body={"domain": peer.host, "severity": "noop", "reject_media": True})
    t.eq((block["severity"], block["reject_media"], block["reject_reports"]), ("noop", True, False),
         "the block says reject_media")
    S["block_id"] = block["id"]
    t.eq([p for p in copies if os.path.exists(p)], [], "the copies of the domain's media are removed")
    m = status_media(painted["id"])
    t.eq((m["type"], m["url"], m["preview_url"], m["remote_url"]),
         ("unknown", peer.base() + "/files/painted.jpg", None, peer.base() + "/files/painted.jpg"),
         "the copied attachment is `unknown`, a link to its remote_url")
    t.eq(status(painted["id"])["emojis"], [], "the domain's custom emojis are dropped, as Mastodon")
    defaults = (server.url + "/avatars/original/missing.png", server.url + "/headers/original/missing.png")
    after = account(S["painter_id"])
    t.eq((after["avatar"], after["header"]), defaults, "the API shows the default images, as Mastodon")
    actor(peer, "sculptor", avatar=serve(peer, "/files/sculptor.jpg", S["photo"], "image/jpeg"))
    sculptor = resolve(peer, "sculptor")
    t.require(sculptor, "a new actor of the domain is still known (noop block)")
    gardener = resolve(other, "gardener")
    t.require(gardener, "lou finds gardener on the other peer")
    t.require(eventually(lambda: local(account(gardener["id"])["avatar"]), timeout=30),
              "the other peer's avatar is copied (the worker ran)")
    t.eq(peer.fetch_count("/files/sculptor.jpg"), 0, "the blocked domain's avatar was never requested")
    t.eq(account(sculptor["id"])["avatar"], defaults[0], "and the default avatar shows")
    serve(peer, "/files/emoji-brush", S["wiggle"], "image/gif")
    rejected = post_with_image(peer, "painter", "rejected-pic", emojis=("brush",))
    t.require(rejected, "a post with an image and an emoji from the domain arrives")
    t.eq(rejected["emojis"], [], "the emoji is not kept")
    media = rejected["media_attachments"]
    t.eq([(m["type"], m["remote_url"], m["preview_url"]) for m in media],
         [("unknown", peer.base() + "/files/rejected-pic.jpg", None)],
         "its attachment is `unknown` with its remote_url, as Mastodon shows rejected media")
    serve(other, "/files/accepted-pic.jpg", S["photo"], "image/jpeg")
    accepted = post_with_image(other, "gardener", "accepted-pic")
    t.require(accepted, "a post with an image from the other peer arrives")
    t.eq([m["type"] for m in accepted["media_attachments"]], ["image"], "its attachment is an image")
    t.require(eventually(lambda: local(status_media(accepted["id"])["url"]), timeout=30),
              "and gets copied (the worker ran)")
    t.eq(peer.fetch_count("/files/rejected-pic.jpg"), 0, "the rejected domain's attachment was never requested")
    t.eq(peer.fetch_count("/files/emoji-brush"), 0, "nor its emoji")
    server.stop()
    server.start()
    t.eq(account(S["painter_id"])["avatar"], defaults[0], "still so after a restart")
    t.eq(peer.fetch_count("/files/square.png"), 1, "and nothing fetched again")


def flag(peer, name, comment):
    server = S["server"]
    activity = {"@context": "https://www.w3.org/ns/activitystreams", "id": f"{peer.uri(name)}#flag-{comment}",
                "type": "Flag", "actor": peer.uri(name), "content": comment,
                "object": [server.url + "/users/lou"]}
    return peer.post(name, server.url + "/inbox", activity)


def report_comments():
    return [r["comment"] for r in S["server"].api("GET", "/api/v1/admin/reports", token=S["admin"])]


@suite.case
def reject_reports_ignores_flags(t):
    peer, other, server = S["peer"], S["other"], S["server"]
    block = server.api("PUT", f"/api/v1/admin/domain_blocks/{S['block_id']}", token=S["admin"],
                       json_body={"reject_reports": True})
    t.eq((block["reject_media"], block["reject_reports"]), (True, True), "the block now rejects reports too")
    t.eq(server.api("GET", f"/api/v1/admin/domain_blocks/{S['block_id']}", token=S["admin"])["reject_reports"],
         True, "as GET shows")
    r = flag(other, "gardener", "spam-from-other")
    t.require(r.status in (200, 202), "the other peer's Flag is accepted", r.status)
    t.require(eventually(lambda: "spam-from-other" in report_comments(), timeout=20),
              "a Flag from a domain without reject_reports makes a report", report_comments())
    r = flag(peer, "painter", "spam-from-rejected")
    t.eq(r.status, 202, "the rejected domain's Flag is answered 202 (so it is not retried)")
    flag(other, "gardener", "after-the-rejected-one")
    t.require(eventually(lambda: "after-the-rejected-one" in report_comments(), timeout=20),
              "a later Flag from elsewhere arrives", report_comments())
    t.check("spam-from-rejected" not in report_comments(), "no report from the reject_reports domain",
            report_comments())
    t.check("reject_reports" in server_log(), "the ignored Flag is logged")


if __name__ == "__main__":
    main(suite)
