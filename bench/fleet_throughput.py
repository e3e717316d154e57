#!/usr/bin/env python3
"""Small fits through a lone siren-server and through a fleet of 1 and 2 replicas (issue: a fleet behind
one address), and the queue's own cost per job.

For each setup, N image fits (16x16, a 16-wide SIREN with 1 hidden-to-hidden layer) are submitted with --no-watch while long fits hold every
worker; the clock runs from the first of those ending (cancelled) to the last job's end (the job records' own times), so it
covers what the service does per job: records, claims, input, checkpoints, the model. With --steps 1 the
training is nothing and the time per job is the queue's overhead. A figure, never pass/fail
(bench/RESULTS.md). Needs Debian's postgresql package (scripts/install-deps.sh installs it).

  python3 bench/fleet_throughput.py [--build build] [--fits 100] [--steps 1] [--repeats 3]
  (SIREN_BENCH_DIR: where the data dirs and the database go)
"""
import argparse
import glob
import json
import os
import shutil
import socket
import statistics
import subprocess
import tempfile
import time

from server_packed_fits import write_png


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Postgres:
    """A throw-away PostgreSQL in `work` (as the tests' tests/support/postgres_instance.h)."""

    def __init__(self, work):
        versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not versions:
            raise SystemExit("no PostgreSQL server installed (Debian's postgresql package)")
        self.bin = os.path.dirname(versions[-1])
        self.dir = os.path.join(work, "postgres")
        os.makedirs(self.dir)
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")
        self.port = free_port()
        subprocess.run(self.as_user + [f"{self.bin}/initdb", "--no-sync", "--auth=trust", "--username=siren", "-D",
                                       f"{self.dir}/data"], check=True, capture_output=True)
        # fsync stays on: the figures should include what a durable database costs per job.
        subprocess.run(self.as_user + [f"{self.bin}/pg_ctl", "-D", f"{self.dir}/data", "-l", f"{self.dir}/log", "-w",
                                       "-o", f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1", "start"],
                       check=True, capture_output=True)
        self.databases = 0

    def new_database(self):
        self.databases += 1
        name = f"bench_{self.databases}"
        subprocess.run([f"{self.bin}/createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "siren", name], check=True)
        return f"postgresql://siren@127.0.0.1:{self.port}/{name}"

    def stop(self):
        subprocess.run(self.as_user + [f"{self.bin}/pg_ctl", "-D", f"{self.dir}/data", "-m", "fast", "stop"],
                       capture_output=True)


def siren(cli, server, *args):
    run = subprocess.run([cli, "--server", server, "--json", *args], capture_output=True, text=True)
    if run.returncode != 0:
        raise SystemExit(f"siren {' '.join(args)}: {run.stderr}")
    return [json.loads(line) for line in run.stdout.splitlines() if line.strip()]


def start_server(build, data, extra, name):
    port_file = f"{data}-{name}.port"
    process = subprocess.Popen([os.path.join(build, "server/siren-server"), "--port", "0", "--port-file", port_file,
                                "--data-dir", data, "--max-pack", "1", "--log-level", "warn", *extra])
    for _ in range(600):
        if os.path.exists(port_file) and open(port_file).read().strip():
            return process, "127.0.0.1:" + open(port_file).read().strip()
        if process.poll() is not None:
            raise SystemExit(f"siren-server {name} exited: {process.returncode}")
        time.sleep(0.05)
    raise SystemExit(f"siren-server {name} did not start")


def seconds_for(args, work, setup, postgres, round_index):
    """Seconds from releasing the workers to the last of args.fits jobs ending, for one setup."""
    data = os.path.join(work, f"data-{setup}-{round_index}")
    servers = []
    if setup == "lone":
        servers.append(start_server(args.build, data, ["--threads", "2"], "lone"))
    else:
        url = postgres.new_database()
        replicas = 1 if setup == "fleet-1" else 2
        for r in range(replicas):  # the cores split between the replicas, as --workers 2 would split them
            servers.append(start_server(args.build, data, ["--fleet", "--database", url, "--replica-id", f"r{r}",
                                                            "--threads", str(2 // replicas)], f"r{r}"))
    try:
        cli, image = os.path.join(args.build, "client/siren"), os.path.join(work, "image.png")
        address = servers[0][1]
        blockers = [siren(cli, address, "fit", "image", image, "--hidden", "16", "--layers", "1", "--steps",
                          "9000000", "--no-watch")[-1]["job_id"] for _ in servers]
        while sum(j["state"] == "running" for j in siren(cli, address, "jobs")) < len(servers):
            time.sleep(0.1)
        ids = [siren(cli, servers[i % len(servers)][1], "fit", "image", image, "--hidden", "16", "--layers", "1",
                     "--steps", str(args.steps), "--seed", str(i), "--checkpoint-every", "0", "--no-watch")[-1]["job_id"]
               for i in range(args.fits)]
        cancels = [subprocess.Popen([cli, "--server", address, "cancel", b], stdout=subprocess.DEVNULL) for b in blockers]
        for cancel in cancels:
            cancel.wait()
        while True:
            time.sleep(0.5)
            jobs = [j for j in siren(cli, address, "jobs") if j["job_id"] in ids]
            if all(j["state"] in ("succeeded", "failed", "cancelled") for j in jobs):
                break
        assert all(j["state"] == "succeeded" for j in jobs), [j.get("error") for j in jobs]
        # From the moment the first worker was free (its long fit's end, in the server's own record).
        released = min(j["finished_unix_ms"] for j in siren(cli, address, "jobs") if j["job_id"] in blockers)
        return (max(j["finished_unix_ms"] for j in jobs) - released) / 1000.0
    finally:
        for process, _ in servers:
            process.terminate()
            process.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default="build")
    parser.add_argument("--fits", type=int, default=100)
    parser.add_argument("--steps", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    setups = ["lone", "fleet-1", "fleet-2"]
    with tempfile.TemporaryDirectory(dir=os.environ.get("SIREN_BENCH_DIR")) as work:
        os.chmod(work, 0o755)  # the database server runs as the postgres user when this runs as root
        write_png(os.path.join(work, "image.png"), 16)
        postgres = Postgres(work)
        try:
            seconds = {setup: [] for setup in setups}
            for round_index in range(args.repeats):  # alternating, so that drift in the machine hits each alike
                for setup in setups:
                    seconds[setup].append(seconds_for(args, work, setup, postgres, round_index))
        finally:
            postgres.stop()
    print(f"{args.fits} fits (16x16 image, 16-wide SIREN with 1 hidden-to-hidden layer, {args.steps} step(s) each); median (min-max) of {args.repeats}:")
    for setup in setups:
        median = statistics.median(seconds[setup])
        print(f"  {setup:8s} {median:6.2f} s ({min(seconds[setup]):.2f}-{max(seconds[setup]):.2f}): "
              f"{args.fits / median:5.1f} jobs/s, {1000 * median / args.fits:6.1f} ms per job")


if __name__ == "__main__":
    main()
