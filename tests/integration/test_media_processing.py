#!/usr/bin/python3
"""Media processing against a real `herd serve`: real files made by FFmpeg and tagged by exiftool.

A JPEG with EXIF GPS, camera make and a 90° orientation: stored and served upright, without any
metadata (exiftool finds no GPS in the served file nor in any file under the data folder), a
`small` preview within Mastodon's 640×360 pixels, meta for both, and a blurhash that Wolt's own
decoder (npm `blurhash`) turns into the picture's colours. PNG, still GIF and WebP. Animated GIF
(gifv), video and audio through Mastodon's v2 flow (202, GET 206 until the media worker is done,
then 200 with duration, frame rate and a preview frame; attaching before that is a 422), their
location and title tags gone. An image over 3840×2160 pixels is scaled down to that many. An image bomb (a tiny PNG declaring 60000×60000) is a clear 422 and
the server's memory does not grow with it.
"""
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import Suite, main, mastodon_py, parse_args, png, register, upload_raw  # noqa: E402

suite = Suite("media processing", parse_args(__doc__))
S = suite.state
JS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "js")
SMALL_PIXELS = 640 * 360


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, timeout=120, stdin=subprocess.DEVNULL, **kw)


def ffmpeg(*args):
    p = run(["ffmpeg", "-nostdin", "-v", "error", "-y", *args])
    assert p.returncode == 0, p.stderr.decode()


def exif(path_or_bytes):
    """exiftool's reading of a file (all groups, tag names with their group)."""
    if isinstance(path_or_bytes, bytes):
        with tempfile.NamedTemporaryFile(delete=False, dir=S["tmp"]) as f:
            f.write(path_or_bytes)
        path = f.name
    else:
        path = path_or_bytes
    p = run(["exiftool", "-j", "-a", "-G1", "-n", path])
    return json.loads(p.stdout)[0] if p.stdout else {}


def gps_tags(tags):
    return sorted(k for k in tags if "GPS" in k)


def probe(data):
    with tempfile.NamedTemporaryFile(delete=False, dir=S["tmp"]) as f:
        f.write(data)
    p = run(["ffprobe", "-v", "error", "-print_format", "json", "-show_format", "-show_streams", f.name])
    return json.loads(p.stdout)


def rgb_pixels(data, width, height):
    """The image scaled to width×height, as RGB bytes (FFmpeg decodes it)."""
    with tempfile.NamedTemporaryFile(delete=False, dir=S["tmp"]) as f:
        f.write(data)
    p = run(["ffmpeg", "-nostdin", "-v", "error", "-i", f.name, "-vf", f"scale={width}:{height}:flags=area",
             "-f", "rawvideo", "-pix_fmt", "rgb24", "-"])
    return p.stdout


def decode_blurhash(hash_, width, height):
    p = run(["node", os.path.join(JS, "blurhash_decode.mjs"), hash_, str(width), str(height)])
    return json.loads(p.stdout) if p.returncode == 0 else {"valid": False, "error": p.stderr.decode()}


def upload(t, path, v=2, token=None, extra=()):
    with open(path, "rb") as f:
        data = f.read()
    r = upload_raw(S["server"], token or S["alice"].token,
                   [("file", data, {"filename": os.path.basename(path)}), *extra],
                   path=f"/api/v{v}/media")
    return r


def wait_processed(t, media_id, what):
    """Polls GET /api/v1/media/:id while it answers 206; returns the last response."""
    seen_206 = False
    for _ in range(300):
        r = S["server"].http("GET", f"/api/v1/media/{media_id}", token=S["alice"].token)
        if r.status != 206:
            return r, seen_206
        seen_206 = True
        t.eq(r.json()["url"], None, f"{what}: url is null while processing (206)")
        time.sleep(0.2)
    return r, seen_206


def fetch(t, url, what):
    r = S["server"].http("GET", url)
    t.status(r, 200, f"GET {what}")
    return r


def linear(v):
    v /= 255
    return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4


def mean_colour(rgb):
    """The mean colour in linear light, back in sRGB (what a blurhash's DC term encodes)."""
    out = []
    for channel in range(3):
        m = sum(linear(v) for v in rgb[channel::3]) / (len(rgb) // 3)
        out.append(255 * (m * 12.92 if m <= 0.0031308 else 1.055 * m ** (1 / 2.4) - 0.055))
    return out


def check_blurhash(t, media, small_bytes, what):
    """The blurhash is valid for Wolt's own decoder (npm blurhash) and decodes to the preview's
    mean colour (within 16 of 255: the preview is lossy for JPEG and WebP)."""
    hash_ = media["blurhash"]
    t.require(isinstance(hash_, str) and len(hash_) == 36, f"{what}: a 4x4-component blurhash", hash_)
    decoded = decode_blurhash(hash_, 32, 32)
    t.require(decoded.get("valid"), f"{what}: the blurhash is valid for npm blurhash", decoded)
    actual = rgb_pixels(small_bytes, 32, 32)
    t.require(len(actual) == 32 * 32 * 3, f"{what}: FFmpeg decoded the preview", len(actual))
    expected, seen = mean_colour(actual), mean_colour(decoded["rgb"])
    t.check(all(abs(a - b) <= 16 for a, b in zip(expected, seen)),
            f"{what}: the decoded blurhash has the picture's mean colour", ([round(v) for v in expected],
                                                                           [round(v) for v in seen]))
    return decoded["rgb"]


@suite.setup
def start_server(t):
    server = suite.server()
    S["server"] = server
    S["alice"] = register(server, "alice")
    S["tmp"] = tempfile.mkdtemp(prefix="herd-it-media-processing-")
    tmp = S["tmp"]
    # A 1200×800 photo (left half red-ish test pattern) taken by a "HerdCam" at the Eiffel tower,
    # stored sideways with EXIF orientation 6 (rotate 90° clockwise to view).
    S["photo"] = os.path.join(tmp, "photo.jpg")
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=1200x800", "-frames:v", "1", "-q:v", "3", S["photo"])
    p = run(["exiftool", "-overwrite_original", "-GPSLatitude=48.8584", "-GPSLatitudeRef=N",
             "-GPSLongitude=2.2945", "-GPSLongitudeRef=E", "-Make=HerdCam", "-Model=Secret 1",
             "-Orientation#=6", S["photo"]])
    t.require(p.returncode == 0, "exiftool tagged the photo", p.stderr)
    tags = exif(S["photo"])
    t.require(gps_tags(tags), "the uploaded photo carries GPS tags (precondition)", tags)
    S["png"] = os.path.join(tmp, "pattern.png")
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x240", "-frames:v", "1", S["png"])
    S["gif"] = os.path.join(tmp, "still.gif")
    ffmpeg("-f", "lavfi", "-i", "color=c=0x3366cc:size=120x90", "-frames:v", "1", S["gif"])
    S["halves"] = os.path.join(tmp, "halves.png")
    ffmpeg("-f", "lavfi", "-i", "color=c=0xe07020:size=160x120", "-f", "lavfi", "-i", "color=c=0x2040e0:size=160x120",
           "-filter_complex", "[0][1]hstack", "-frames:v", "1", S["halves"])
    S["webp"] = os.path.join(tmp, "pattern.webp")
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=400x300", "-frames:v", "1", "-c:v", "libwebp", S["webp"])
    S["animated"] = os.path.join(tmp, "moving.gif")
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=160x120:rate=10", "-t", "1", S["animated"])
    S["video"] = os.path.join(tmp, "clip.mp4")
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=640x480:rate=25", "-f", "lavfi", "-i", "sine=frequency=440",
           "-t", "2", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac",
           "-metadata", "location=+48.8584+002.2945/", "-metadata", "title=Secret trip",
           "-metadata", "com.apple.quicktime.location.ISO6709=+48.8584+002.2945/",
           "-movflags", "use_metadata_tags", S["video"])
    S["audio"] = os.path.join(tmp, "tone.mp3")
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=330", "-t", "3", "-c:a", "libmp3lame",
           "-metadata", "title=Private voice memo", "-metadata", "artist=Alice", S["audio"])


@suite.case
def jpeg_with_gps_is_stripped_oriented_and_previewed(t):
    m = mastodon_py(S["server"], S["alice"].token)
    media = m.media_post(S["photo"], description="a photo", focus=(0.2, -0.4))
    raw = S["server"].api("GET", f"/api/v1/media/{media['id']}", token=S["alice"].token)
    t.eq(raw["type"], "image", "type")
    meta = raw["meta"]
    t.eq((meta["original"]["width"], meta["original"]["height"]), (800, 1200),
         "meta.original is upright: EXIF orientation 6 applied (1200x800 stored sideways)")
    t.eq(meta["original"]["size"], "800x1200", "meta.original.size")
    small = meta["small"]
    t.check(small["width"] * small["height"] <= SMALL_PIXELS, "meta.small within 640x360 pixels", small)
    t.check(abs(small["aspect"] - 800 / 1200) < 0.01, "meta.small keeps the aspect", small)
    t.eq((meta["focus"]["x"], meta["focus"]["y"]), (0.2, -0.4), "meta.focus as sent")
    t.check(raw["preview_url"] != raw["url"], "preview_url is a separate small file", raw)

    original = fetch(t, raw["url"], "the original")
    t.eq(original.header("Content-Type"), "image/jpeg", "served as image/jpeg")
    tags = exif(original.body)
    t.eq(gps_tags(tags), [], "no GPS tag in the served original")
    t.check(not any(k.endswith(":Make") or k.endswith(":Model") for k in tags),
            "no camera make or model in the served original", tags)
    t.check(tags.get("IFD0:Orientation") in (None, 1), "no rotation left for viewers to apply", tags)
    t.eq((tags.get("File:ImageWidth"), tags.get("File:ImageHeight")), (800, 1200),
         "the served original is upright (800x1200)")
    preview = fetch(t, raw["preview_url"], "the small preview")
    ptags = exif(preview.body)
    t.eq(gps_tags(ptags), [], "no GPS tag in the served preview")
    t.eq((ptags.get("File:ImageWidth"), ptags.get("File:ImageHeight")), (small["width"], small["height"]),
         "the preview's real size is meta.small's")
    check_blurhash(t, raw, preview.body, "JPEG")

    stored = []
    for root, _dirs, names in os.walk(os.path.join(S["server"].data_dir, "media")):
        stored += [os.path.join(root, n) for n in names]
    t.check(stored, "files are stored under the data folder", stored)
    for path in stored:
        t.eq(gps_tags(exif(path)), [], f"no GPS in the stored file {os.path.relpath(path, S['server'].data_dir)}")


@suite.case
def png_gif_and_webp(t):
    for path, width, height, served_type in [(S["png"], 320, 240, "image/png"),
                                             (S["gif"], 120, 90, "image/png"),
                                             (S["webp"], 400, 300, "image/webp")]:
        name = os.path.basename(path)
        r = upload(t, path)
        t.status(r, 200, f"{name}: an image is processed at once (200)")
        if r.status != 200:
            continue
        media = r.json()
        t.eq(media["type"], "image", f"{name}: type")
        t.eq((media["meta"]["original"]["width"], media["meta"]["original"]["height"]), (width, height),
             f"{name}: meta.original")
        t.eq(media["meta"]["small"]["size"], f"{width}x{height}", f"{name}: small enough to keep its size")
        served = fetch(t, media["url"], name)
        t.eq(served.header("Content-Type"), served_type, f"{name}: served type (a still GIF becomes PNG)")
        check_blurhash(t, media, fetch(t, media["preview_url"], f"{name} preview").body, name)


@suite.case
def an_oversized_image_is_downscaled(t):
    """Mastodon's limit for a stored image: 3840x2160 pixels (8,294,400); a larger photo is scaled
    down to it, keeping its aspect ratio, and meta.original is the stored file's real size."""
    path = os.path.join(S["tmp"], "wide.jpg")
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=4400x2200", "-frames:v", "1", "-q:v", "5", path)
    r = upload(t, path)
    t.status(r, 200, "a 4400x2200 JPEG (9.7 megapixels) is processed")
    if r.status != 200:
        return
    original = r.json()["meta"]["original"]
    width, height = original["width"], original["height"]
    t.check(width * height <= 3840 * 2160 and width * height > 0.98 * 3840 * 2160,
            "meta.original is scaled down to about 8,294,400 pixels", original)
    t.check(abs(width / height - 2.0) < 0.01, "keeping the aspect ratio", original)
    served = exif(fetch(t, r.json()["url"], "the downscaled original").body)
    t.eq((served.get("File:ImageWidth"), served.get("File:ImageHeight")), (width, height),
         "the served file's real size is meta.original's")


@suite.case
def blurhash_keeps_colours_in_place(t):
    r = upload(t, S["halves"])
    t.status(r, 200, "a two-colour PNG")
    if r.status != 200:
        return
    media = r.json()
    decoded = check_blurhash(t, media, fetch(t, media["preview_url"], "its preview").body, "halves")
    left, right = decoded[(16 * 32 + 2) * 3:(16 * 32 + 2) * 3 + 3], decoded[(16 * 32 + 29) * 3:(16 * 32 + 29) * 3 + 3]
    t.check(left[0] > left[2] + 60, "decoded, the left edge is orange", left)
    t.check(right[2] > right[0] + 60, "decoded, the right edge is blue", right)


@suite.case
def animated_gif_becomes_gifv(t):
    r = upload(t, S["animated"])
    t.status(r, 202, "an animated GIF on v2 is left to the media worker (202)")
    media = r.json()
    t.eq(media["url"], None, "url is null until processed")
    r, _ = wait_processed(t, media["id"], "animated GIF")
    t.status(r, 200, "GET /api/v1/media/:id is 200 once processed")
    media = r.json()
    t.eq(media["type"], "gifv", "an animated GIF is a gifv, as in Mastodon")
    t.check(media["url"].endswith(".mp4"), "converted to MP4", media["url"])
    t.eq(fetch(t, media["url"], "the gifv").header("Content-Type"), "video/mp4", "served as video/mp4")
    t.eq(media["meta"]["original"]["frame_rate"], "10/1", "meta.original.frame_rate")
    t.check(abs(media["meta"]["original"]["duration"] - 1.0) < 0.2, "meta.original.duration", media["meta"])
    check_blurhash(t, media, fetch(t, media["preview_url"], "gifv preview").body, "gifv")


@suite.case
def video_through_v2_and_v1(t):
    r = upload(t, S["video"])
    t.status(r, 202, "a video on v2 answers 202 Accepted")
    media_id = r.json()["id"]
    first = S["server"].http("GET", f"/api/v1/media/{media_id}", token=S["alice"].token)
    if first.status == 206:
        post = S["server"].http("POST", "/api/v1/statuses", token=S["alice"].token,
                                json_body={"status": "too early", "media_ids": [media_id]})
        t.json_error(post, 422, "attaching media still being processed")
        t.check("not finished processing" in post.text, "the message says why", post.text)
    r, _ = wait_processed(t, media_id, "video")
    t.status(r, 200, "the video is processed")
    media = r.json()
    t.eq(media["type"], "video", "type")
    meta = media["meta"]
    t.eq((meta["original"]["width"], meta["original"]["height"]), (640, 480), "meta.original size")
    t.eq(meta["original"]["frame_rate"], "25/1", "meta.original.frame_rate")
    t.check(abs(meta["original"]["duration"] - 2.0) < 0.2, "meta.original.duration", meta)
    t.eq(meta["fps"], 25, "meta.fps")
    t.eq(meta["length"][:7], "0:00:02", "meta.length")
    t.eq(meta["audio_encode"], "aac", "meta.audio_encode")
    t.check(meta["small"]["width"] <= 640 and meta["small"]["height"] <= 640, "meta.small of the preview frame", meta)
    served = fetch(t, media["url"], "the video")
    t.eq(served.header("Content-Type"), "video/mp4", "served as video/mp4")
    info = probe(served.body)
    tags = {k.lower(): v for k, v in info.get("format", {}).get("tags", {}).items()}
    t.check(not any("location" in k for k in tags) and "title" not in tags,
            "no location or title tag in the served video", tags)
    t.eq(sorted(s["codec_type"] for s in info["streams"]), ["audio", "video"], "video and audio kept")
    check_blurhash(t, media, fetch(t, media["preview_url"], "video preview").body, "video")
    status = S["server"].api("POST", "/api/v1/statuses", token=S["alice"].token,
                             json_body={"status": "a clip", "media_ids": [media_id]})
    t.eq(status["media_attachments"][0]["meta"]["original"]["frame_rate"], "25/1", "the status shows the meta")

    r = upload(t, S["video"], v=1)
    t.status(r, 200, "POST /api/v1/media processes a video before answering")
    if r.status == 200:
        t.check(r.json()["url"] and r.json()["meta"]["original"]["frame_rate"] == "25/1", "v1: processed", r.json())


@suite.case
def audio_loses_its_tags(t):
    r = upload(t, S["audio"])
    t.status(r, 202, "audio on v2 answers 202")
    r, _ = wait_processed(t, r.json()["id"], "audio")
    t.status(r, 200, "the audio is processed")
    media = r.json()
    t.eq(media["type"], "audio", "type")
    t.check(abs(media["meta"]["original"]["duration"] - 3.0) < 0.2, "meta.original.duration", media["meta"])
    t.eq(media["meta"]["audio_encode"], "mp3", "meta.audio_encode")
    info = probe(fetch(t, media["url"], "the audio").body)
    tags = {k.lower(): v for k, v in info.get("format", {}).get("tags", {}).items()}
    t.check("title" not in tags and "artist" not in tags, "no title or artist in the served file", tags)


@suite.case
def image_bomb_is_refused(t):
    server = S["server"]

    def high_water_kib():
        with open(f"/proc/{server.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        return 0

    before = high_water_kib()
    bomb = bytearray(png(1, 1))
    bomb[16:24] = (60000).to_bytes(4, "big") * 2  # IHDR width and height
    r = upload_raw(server, S["alice"].token, [("file", bytes(bomb), {"filename": "bomb.png"})])
    t.json_error(r, 422, "a PNG declaring 60000x60000 pixels")
    if r.is_json():
        t.check("dimensions are too large" in r.json()["error"] and "60000x60000" in r.json()["error"],
                "the message says the image is too large", r.json())
    t.check(server.healthy(), "the server is still up")
    grown = high_water_kib() - before
    t.check(grown < 64 * 1024, f"the server's peak memory did not grow with the bomb ({grown} KiB)")
    # A real file whose header lies about its size is refused by the decoder, not crashed on.
    truncated = open(S["photo"], "rb").read()[:600]
    r = upload_raw(server, S["alice"].token, [("file", truncated, {"filename": "cut.jpg"})])
    t.json_error(r, 422, "a truncated JPEG")


if __name__ == "__main__":
    main(suite)
