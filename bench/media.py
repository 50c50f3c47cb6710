#!/usr/bin/python3
"""Media upload benchmark: how many photos per second one `herd serve` turns into Mastodon's
renditions (metadata stripped original within 3840x2160, a small preview within 640x360, a
blurhash), and its peak memory while doing so; and the same photo as an avatar (PATCH
update_credentials: stripped, filled and cropped to 400x400).

The photo is a 12-megapixel (4000x3000) JPEG made by FFmpeg (testsrc2 with grain, so that it
weighs what a camera's photo does, q 2) with EXIF added by exiftool. Uploads go to POST /api/v2/media from C concurrent clients for N uploads per case; the
same run also uploads a 64x48 PNG (the request's fixed cost) and, as the ratio's yardstick, times
`ffmpeg` decoding the same JPEG and writing a 640x360 JPEG (one process per photo, sequentially).
Reports uploads/s, p50/p99 latency, herd's CPU seconds, its peak RSS (VmHWM) before and after
the 12 MP case, and the load average. Prints Markdown.

    bench/media.py [--herd build/herd] [--uploads 40] [--clients 2] [--backend sqlite|postgres]
"""
import argparse
import concurrent.futures
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))

from harness import Backend, Server, multipart, png, register, upload_raw  # noqa: E402


def proc_status(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        parts = f.read().rsplit(")", 1)[1].split()
    return (int(parts[11]) + int(parts[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def run_case(server, token, data, name, uploads, clients, avatar=False):
    def one(_):
        start = time.monotonic()
        if avatar:
            body, content_type = multipart([("avatar", data, {"filename": name, "type": "image/jpeg"})])
            r = server.http("PATCH", "/api/v1/accounts/update_credentials", token=token, body=body,
                            content_type=content_type)
        else:
            r = upload_raw(server, token, [("file", data, {"filename": name})])
        if r.status != 200:
            raise RuntimeError(f"upload answered {r.status}: {r.body[:200]!r}")
        return time.monotonic() - start

    cpu0 = cpu_seconds(server.proc.pid)
    start = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(clients) as pool:
        latencies = list(pool.map(one, range(uploads)))
    elapsed = time.monotonic() - start
    return {"rate": uploads / elapsed, "p50": percentile(latencies, 50), "p99": percentile(latencies, 99),
            "cpu": cpu_seconds(server.proc.pid) - cpu0}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--herd", default=os.path.join(ROOT, "build", "herd"))
    parser.add_argument("--uploads", type=int, default=40)
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--backend", default="sqlite", choices=["sqlite", "postgres"])
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="herd-bench-media-")
    photo = os.path.join(tmp, "photo.jpg")
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=4000x3000",
                    "-vf", "noise=alls=12:allf=t", "-frames:v", "1", "-q:v", "2", photo], check=True)
    subprocess.run(["exiftool", "-q", "-overwrite_original", "-GPSLatitude=48.8584", "-GPSLatitudeRef=N",
                    "-Make=HerdCam", photo], check=True)
    with open(photo, "rb") as f:
        jpeg = f.read()

    # The yardstick: FFmpeg decoding the photo and writing a 640x360 JPEG, one process per photo.
    count = max(4, args.uploads // 4)
    start = time.monotonic()
    for i in range(count):
        subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-i", photo, "-vf", "scale=640:-2",
                        os.path.join(tmp, "small.jpg")], check=True)
    ffmpeg_rate = count / (time.monotonic() - start)

    backend = Backend(args.backend)
    server = Server(args.herd, backend, name="bench-media",
                    env={"HERD_RATE_LIMITS": "false", "HERD_MAX_UPLOAD_BYTES": str(64 << 20)})
    try:
        server.start()
        user = register(server, "photographer")
        load = os.getloadavg()[0]
        idle_rss = proc_status(server.proc.pid, "VmRSS")
        small = run_case(server, user.token, png(64, 48), "small.png", args.uploads, args.clients)
        hwm_before = proc_status(server.proc.pid, "VmHWM")
        big = run_case(server, user.token, jpeg, "photo.jpg", args.uploads, args.clients)
        hwm_after = proc_status(server.proc.pid, "VmHWM")
        avatar = run_case(server, user.token, jpeg, "photo.jpg", args.uploads, args.clients, avatar=True)
    finally:
        server.stop()
        server.cleanup()
        backend.cleanup()

    print(f"Photo: 4000x3000 JPEG, {len(jpeg) / 1e6:.1f} MB; {args.uploads} uploads per case from "
          f"{args.clients} clients; backend {args.backend}; load average {load:.1f} at the start.\n")
    print("| case | uploads/s | p50 | p99 | herd CPU s per upload |")
    print("|---|---|---|---|---|")
    for label, r in [("64x48 PNG (fixed cost)", small), ("12 MP JPEG", big),
                     ("12 MP JPEG as avatar (400x400)", avatar)]:
        print(f"| {label} | {r['rate']:.2f} | {r['p50'] * 1000:.0f} ms | {r['p99'] * 1000:.0f} ms "
              f"| {r['cpu'] / args.uploads:.3f} |")
    print(f"| ffmpeg: decode + 640x360 JPEG, one process per photo | {ffmpeg_rate:.2f} | | | |")
    print(f"\n12 MP uploads per second vs ffmpeg's thumbnails per second: {big['rate'] / ffmpeg_rate:.2f}x.")
    print(f"herd RSS idle {idle_rss / 1024:.0f} MiB; peak (VmHWM) {hwm_before / 1024:.0f} MiB before the "
          f"12 MP case, {hwm_after / 1024:.0f} MiB after it.")


if __name__ == "__main__":
    main()
