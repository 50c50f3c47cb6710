#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets (fuzz/corpus/<target>/) from the test fixtures:
tests/data/federation (captured from snac, GoToSocial and Fedify), the string literals of the unit
tests, the XSS payloads of tests/e2e, and media heads made by ffmpeg. Run once when fixtures
change; the corpora are committed. Files are named by the SHA-1 of their content, as libFuzzer
names what it adds. What the fuzzing campaigns found is merged in beside them (new edges only, so
that the corpora stay small):
    build-fuzz/fuzz_T -merge=1 -use_counters=0 fuzz/corpus/T build-fuzz/work/T"""
import ast
import hashlib
import json
import pathlib
import re
import struct
import subprocess
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
FED = ROOT / "tests/data/federation"
OUT = ROOT / "fuzz/corpus"


def put(target, data):
    if isinstance(data, str):
        data = data.encode()
    folder = OUT / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / hashlib.sha1(data).hexdigest()).write_bytes(data)


def cpp_literals(path):
    """The plain "..." string literals of a C++ file (escapes as Python reads them)."""
    out = []
    for match in re.finditer(r'(?<![A-Za-z0-9_)])"((?:[^"\\\n]|\\.)*)"', path.read_text()):
        try:
            out.append(ast.literal_eval('"' + match.group(1) + '"'))
        except (ValueError, SyntaxError):
            pass
    return [s for s in out if len(s) > 2]


def inbound_requests():
    for name in ("fedify-gina-inbound.jsonl", "fedify-tls-inbound.jsonl"):
        for line in (FED / name).read_text().splitlines():
            if line.strip():
                yield json.loads(line)


# ---- activitystreams: inbox bodies, actors, collections ------------------------------------------
for request in inbound_requests():
    if request.get("body"):
        put("activitystreams", request["body"])
for actor in (FED / "actors").glob("*.json"):
    document = json.loads(actor.read_text())
    put("activitystreams", json.dumps(document))
    for name in ("followers", "outbox", "featured"):
        if isinstance(document.get(name), str):
            put("activitystreams", json.dumps({
                "@context": "https://www.w3.org/ns/activitystreams", "id": document[name],
                "type": "OrderedCollection", "totalItems": 2,
                "first": {"id": document[name] + "?page=1", "type": "OrderedCollectionPage",
                          "next": document[name] + "?page=2",
                          "orderedItems": [document["id"], {"id": document["id"] + "/statuses/1",
                                                            "type": "Note", "content": "<p>hi</p>",
                                                            "attributedTo": document["id"],
                                                            "to": ["as:Public"]}]}}))

# ---- http_signature: "METHOD URI NOW-MS", headers, empty line, body -------------------------------
vectors = json.loads((FED / "http-signature-vectors.json").read_text())["vectors"]
for vector in vectors:
    from datetime import datetime
    now = int(datetime.fromisoformat(vector["receivedAt"].replace("Z", "+00:00")).timestamp() * 1000)
    head = f'{vector["method"]} {vector["url"]} {now}\n'
    headers = "".join(f"{k}: {v}\n" for k, v in vector["headers"])
    put("http_signature", head + headers + "\n" + (vector.get("body") or ""))

# ---- request_params: target, content type, body ----------------------------------------------------
for literal in cpp_literals(ROOT / "tests/unit/http/params_test.cpp"):
    if "=" in literal and "{" not in literal:
        put("request_params", "/api/v1/x?" + literal + "\n\n")
        put("request_params", "/api/v1/x\napplication/x-www-form-urlencoded\n" + literal)
    if literal.startswith("{") or literal.startswith("["):
        put("request_params", "/api/v1/statuses?visibility=public\napplication/json\n" + literal)
boundary = "herdfuzz"
multipart = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"description\"\r\n\r\nA cat\r\n"
             f"--{boundary}\r\nContent-Disposition: form-data; name=\"focus\"\r\n\r\n0.5,-0.2\r\n"
             f"--{boundary}\r\nContent-Disposition: form-data; name=\"fields_attributes[0][name]\"\r\n\r\nsite\r\n"
             f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n"
             f"Content-Type: image/png\r\n\r\n\x89PNG\r\n\x1a\n\r\n--{boundary}--\r\n")
put("request_params", f"/api/v2/media\nmultipart/form-data; boundary={boundary}\n" + multipart)
put("request_params", '/api/v1/statuses\napplication/json; charset=utf-8\n'
    '{"status":"hi","media_ids":["1","2"],"poll":{"options":["a","b"],"expires_in":"300","multiple":"on"},'
    '"fields_attributes":{"0":{"name":"a","value":"b"},"1":{"name":"c","value":"d"}}}')

# ---- sanitize_html: remote content, profile notes, XSS payloads ----------------------------------
def html_fields(value):
    if isinstance(value, dict):
        for key, item in value.items():
            if key in ("content", "summary", "name", "value") and isinstance(item, str) and "<" in item:
                yield item
            yield from html_fields(item)
    elif isinstance(value, list):
        for item in value:
            yield from html_fields(item)


for request in inbound_requests():
    if request.get("body"):
        for text in html_fields(json.loads(request["body"])):
            put("sanitize_html", text)
for actor in (FED / "actors").glob("*.json"):
    for text in html_fields(json.loads(actor.read_text())):
        put("sanitize_html", text)
xss = ast.literal_eval(re.search(r"^PAYLOADS = (\[.*?^\])", (ROOT / "tests/e2e/test_xss.py").read_text(),
                                 re.S | re.M).group(1))
for payload in xss:
    put("sanitize_html", payload)
for literal in cpp_literals(ROOT / "tests/unit/federation/sanitize_test.cpp"):
    if "<" in literal or "&" in literal:
        put("sanitize_html", literal)

# ---- format_status: what the formatter's unit tests type -----------------------------------------
for literal in cpp_literals(ROOT / "tests/unit/text/format_test.cpp"):
    if not literal.startswith("<") and ("@" in literal or "#" in literal or "http" in literal or " " in literal):
        put("format_status", literal)

# ---- webfinger: a resource line, then a JRD answer -----------------------------------------------
answers = [json.dumps({"subject": f"acct:{u}@{d}", "aliases": [a],
                       "links": [{"rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": a},
                                 {"rel": "self", "type": t, "href": a}]})
           for (u, d, a, t) in [("fred", "fedify.test", "https://fedify.test/users/fred", "application/activity+json"),
                                ("gtsuser", "GTS.test", "https://gts.test/users/gtsuser",
                                 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"')]]
for resource in ("acct:alice@example.com", "alice@www.example.com", "@alice@EXAMPLE.com",
                 "https://example.com/users/alice", "https://example.com/@alice/", "https://example.com/actor",
                 "acct:example.com@example.com", "https://example.com/users/alice#main-key?x=1"):
    for answer in answers:
        put("webfinger", resource + "\n" + answer)

# ---- media_sniff: the heads of real files, and the unit tests' hand-made headers ------------------
def be32(v): return struct.pack(">I", v)
put("media_sniff", b"\x89PNG\r\n\x1a\n" + be32(13) + b"IHDR" + be32(640) + be32(480) + b"\x08\x02\x00\x00\x00" + be32(0))
put("media_sniff", b"GIF89a" + struct.pack("<HH", 320, 200) + b"\xf7\x00\x00;")
put("media_sniff", b"RIFF" + struct.pack("<I", 26) + b"WEBPVP8X" + struct.pack("<I", 10) + b"\x00" * 4
    + (99).to_bytes(3, "little") + (49).to_bytes(3, "little"))
put("media_sniff", b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf"
    + b"\x00\x00\x00\x14ispe\x00\x00\x00\x00" + be32(64) + be32(48))
for path in ("/usr/share/gitweb/static/git-logo.png", "/usr/share/prometheus/web/static/img/ajax-loader.gif",
             "/usr/share/javascript/highlight.js/styles/pojoaque.jpg"):
    if pathlib.Path(path).exists():
        put("media_sniff", pathlib.Path(path).read_bytes()[:2048])
with tempfile.TemporaryDirectory() as tmp:
    for extension, args in [("mp4", ["-f", "lavfi", "-i", "color=c=red:s=16x16:d=0.1", "-pix_fmt", "yuv420p"]),
                            ("mov", ["-f", "lavfi", "-i", "color=c=red:s=16x16:d=0.1", "-pix_fmt", "yuv420p"]),
                            ("webm", ["-f", "lavfi", "-i", "color=c=red:s=16x16:d=0.1"]),
                            ("m4a", ["-f", "lavfi", "-i", "sine=d=0.1"]),
                            ("mp3", ["-f", "lavfi", "-i", "sine=d=0.1"]),
                            ("ogg", ["-f", "lavfi", "-i", "sine=d=0.1"]),
                            ("wav", ["-f", "lavfi", "-i", "sine=d=0.1"]),
                            ("flac", ["-f", "lavfi", "-i", "sine=d=0.1"]),
                            ("webp", ["-f", "lavfi", "-i", "color=c=red:s=16x16:d=0.04", "-frames:v", "1"]),
                            ("jpg", ["-f", "lavfi", "-i", "color=c=red:s=16x16:d=0.04", "-frames:v", "1"])]:
        out = pathlib.Path(tmp) / f"seed.{extension}"
        subprocess.run(["ffmpeg", "-loglevel", "error", "-y", *args, str(out)], check=True)
        put("media_sniff", out.read_bytes()[:2048])

# ---- websocket_frames: masked client frames (after the upgrade) -----------------------------------
def frame(opcode, payload, fin=True, mask=b"\x37\xfa\x21\x3d"):
    if isinstance(payload, str):
        payload = payload.encode()
    head = bytes([(0x80 if fin else 0) | opcode])
    n = len(payload)
    if n < 126:
        head += bytes([0x80 | n])
    elif n < 65536:
        head += bytes([0x80 | 126]) + struct.pack(">H", n)
    else:
        head += bytes([0x80 | 127]) + struct.pack(">Q", n)
    return head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


subscribe = '{"type":"subscribe","stream":"hashtag","tag":"cats","only_media":"true"}'
put("websocket_frames", frame(1, subscribe))
put("websocket_frames", frame(1, '{"type":"unsubscribe","stream":"list","list":"1"}') + frame(8, b"\x03\xe8bye"))
put("websocket_frames", frame(9, "ping") + frame(1, '{"type":"subscribe","stream":"user"}'))
put("websocket_frames", frame(1, subscribe[:20], fin=False) + frame(9, "") + frame(0, subscribe[20:]))
put("websocket_frames", frame(2, b"\x00\x01binary") + frame(1, "not json"))
put("websocket_frames", frame(1, "x" * 300))
