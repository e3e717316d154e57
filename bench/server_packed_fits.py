#!/usr/bin/env python3
"""Many small fits through siren-server, one at a time (--max-pack 1) and packed (the default).

N image fits of a SIDE^2 image with a 3x64 SIREN, STEPS steps each, are submitted with --no-watch while a
long fit holds the only worker; the clock runs from cancelling that fit to the last job's end (the job
records' own times), so it covers what the server does per job: queueing, records, final models. Prints
fits/s of each. A figure, never pass/fail (bench/RESULTS.md).

  python3 bench/server_packed_fits.py [--build build] [--fits 64] [--side 32] [--steps 200]
  (SIREN_BENCH_DIR: where the servers' data dirs go, e.g. /dev/shm to leave the disk's fsyncs out)
"""
import argparse
import json
import math
import os
import struct
import subprocess
import tempfile
import time
import zlib


def write_png(path, side):
    rows = b"".join(
        b"\0" + bytes(int(127 + 120 * math.sin(0.3 * r) * math.cos(0.2 * c)) for c in range(side)) for r in range(side))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)) +
                chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def siren(cli, server, *args):
    out = subprocess.run([cli, "--server", server, "--json", *args], check=True, capture_output=True, text=True).stdout
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def seconds_for(args, work, max_pack):
    data, port_file = os.path.join(work, f"data-{max_pack}"), os.path.join(work, f"port-{max_pack}")
    server_process = subprocess.Popen([os.path.join(args.build, "server/siren-server"), "--port", "0", "--port-file",
                                       port_file, "--data-dir", data, "--max-pack", str(max_pack), "--log-level", "warn"])
    try:
        for _ in range(300):
            if os.path.exists(port_file) and open(port_file).read().strip():
                break
            time.sleep(0.1)
        server = "127.0.0.1:" + open(port_file).read().strip()
        cli, image = os.path.join(args.build, "client/siren"), os.path.join(work, "image.png")
        blocker = siren(cli, server, "fit", "image", image, "--steps", "10000000", "--no-watch")[-1]["job_id"]
        ids = [siren(cli, server, "fit", "image", image, "--hidden", "64", "--steps", str(args.steps), "--seed", str(i),
                     "--checkpoint-every", "0", "--no-watch")[-1]["job_id"] for i in range(args.fits)]
        siren(cli, server, "cancel", blocker)
        released = time.time() * 1000
        # One client waits, on the job that ends last (the last queued; with packing, its pack's): a client
        # process polling would take CPU from the server (the CLI loads LibTorch at every start).
        subprocess.run([cli, "--server", server, "--json", "watch", ids[-1]], check=False, capture_output=True)
        while True:
            jobs = [j for j in siren(cli, server, "jobs") if j["job_id"] in ids]
            if all(j["state"] in ("succeeded", "failed", "cancelled") for j in jobs):
                break
            time.sleep(2)
        assert all(j["state"] == "succeeded" for j in jobs), [j.get("error") for j in jobs]
        return (max(j["finished_unix_ms"] for j in jobs) - released) / 1000.0
    finally:
        server_process.terminate()
        server_process.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default="build")
    parser.add_argument("--fits", type=int, default=64)
    parser.add_argument("--side", type=int, default=32)
    parser.add_argument("--steps", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=os.environ.get("SIREN_BENCH_DIR")) as work:
        write_png(os.path.join(work, "image.png"), args.side)
        alone = seconds_for(args, work, 1)
        packed = seconds_for(args, work, 64)
    print(f"{args.fits} fits of {args.side}x{args.side}, 3x64, {args.steps} steps each through siren-server: "
          f"one at a time {alone:.1f} s ({args.fits / alone:.2f} fits/s), packed {packed:.1f} s "
          f"({args.fits / packed:.2f} fits/s): {alone / packed:.2f}x")


if __name__ == "__main__":
    main()
