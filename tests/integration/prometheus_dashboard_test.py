#!/usr/bin/env python3
"""The metrics of a real siren-server, scraped by a real Prometheus, answer every dashboard panel.

Starts siren-server (free loopback ports, /metrics on its own port) and Prometheus scraping it every
second, drives the server through the real `siren` CLI (an image fit, a render, queries, an export, a
checkpoint download, a tiny SDF fit and its mesh, an RPC that fails), waits for a scrape, then runs
EVERY PromQL expression of deploy/grafana/dashboards/siren.json through Prometheus's HTTP API and
asserts each returns at least one finite sample. Also runs `promtool check metrics` on /metrics (the
Prometheus naming conventions) and checks the per-job progress.jsonl.

Exit 77 (CTest SKIP_RETURN_CODE) when prometheus is not installed. Python standard library only.

  prometheus_dashboard_test.py --server-bin B --cli-bin C --source-dir S
"""
import argparse
import json
import math
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

from png_images import png_gray

SKIP = 77
SCRAPE_INTERVAL_S = 1
# Dashboard variables as Grafana would expand them for "All servers, last few minutes".
VARIABLES = {"$__rate_interval": "1m", "$__interval": "15s", "$__range": "5m", "$instance": ".*",
             "${instance}": ".*", "${instance:regex}": ".*"}


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(url, timeout=5.0):
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.read().decode()


def wait_for(what, predicate, timeout_s, interval_s=0.2):
    deadline = time.monotonic() + timeout_s
    last_error = None
    while time.monotonic() < deadline:
        try:
            value = predicate()
            if value:
                return value
        except (OSError, urllib.error.URLError, ValueError, KeyError) as e:
            last_error = e
        time.sleep(interval_s)
    raise RuntimeError(f"timed out after {timeout_s}s waiting for {what}" +
                       (f" (last error: {last_error})" if last_error else ""))




def sphere_xyz(points):
    """An oriented point cloud on a sphere of radius 0.5: x y z nx ny nz per line."""
    lines = []
    golden = math.pi * (3 - math.sqrt(5))
    for i in range(points):
        z = 1 - 2 * (i + 0.5) / points
        r = math.sqrt(1 - z * z)
        x, y = r * math.cos(golden * i), r * math.sin(golden * i)
        lines.append(f"{0.5 * x:.6f} {0.5 * y:.6f} {0.5 * z:.6f} {x:.6f} {y:.6f} {z:.6f}")
    return "\n".join(lines) + "\n"


def dashboard_exprs(dashboard):
    """(panel title, expr) for every target of every panel, rows' nested panels included."""
    out = []

    def walk(panels):
        for panel in panels:
            for target in panel.get("targets", []):
                if target.get("expr"):
                    out.append((panel.get("title", "?"), target["expr"]))
            walk(panel.get("panels", []))

    walk(dashboard.get("panels", []))
    return out


def expand(expr):
    for name in sorted(VARIABLES, key=len, reverse=True):
        expr = expr.replace(name, VARIABLES[name])
    leftover = re.findall(r"\$\{?\w+", expr)
    if leftover:
        raise ValueError(f"unknown dashboard variable(s) {leftover} in: {expr}")
    return expr


class Processes:
    def __init__(self):
        self.procs = []

    def start(self, argv, log_path, env=None):
        out = open(log_path, "wb")
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        self.procs.append((proc, argv[0], log_path))
        return proc

    def stop_all(self):
        for proc, _, _ in reversed(self.procs):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc, name, _ in reversed(self.procs):
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                log(f"{name} ignored SIGTERM; killing it")
                proc.kill()
                proc.wait()

    def check_alive(self):
        for proc, name, log_path in self.procs:
            if proc.poll() is not None:
                with open(log_path, errors="replace") as f:
                    tail = f.read()[-3000:]
                raise RuntimeError(f"{name} exited with {proc.returncode}; its log ends:\n{tail}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server-bin", required=True)
    parser.add_argument("--cli-bin", required=True)
    parser.add_argument("--source-dir", required=True)
    parser.add_argument("--prometheus", default=shutil.which("prometheus") or "/usr/bin/prometheus")
    parser.add_argument("--promtool", default=shutil.which("promtool") or "/usr/bin/promtool")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()

    if not (os.path.isfile(args.prometheus) and os.access(args.prometheus, os.X_OK)):
        print("SKIP: prometheus is not installed (Debian package 'prometheus'; scripts/install-deps.sh installs it)")
        return SKIP
    dashboard_path = os.path.join(args.source_dir, "deploy", "grafana", "dashboards", "siren.json")
    with open(dashboard_path) as f:
        exprs = dashboard_exprs(json.load(f))
    if not exprs:
        raise RuntimeError(f"{dashboard_path} has no PromQL expressions")

    work = tempfile.mkdtemp(prefix="siren-prom-")
    procs = Processes()
    ok = False
    try:
        metrics_port = free_port()
        prom_port = free_port()
        env = dict(os.environ, SIREN_THREADS=os.environ.get("SIREN_THREADS", "2"))

        # 1. The server, /metrics on its own loopback port.
        port_file = os.path.join(work, "port")
        data_dir = os.path.join(work, "data")
        procs.start([args.server_bin, "--host", "127.0.0.1", "--port", "0", "--port-file", port_file,
                     "--metrics-port", str(metrics_port), "--data-dir", data_dir, "--workers", "1",
                     "--log-level", "warn"], os.path.join(work, "server.log"), env)

        def port_written():
            procs.check_alive()
            with open(port_file) as f:
                return f.read().strip()

        grpc_port = wait_for("the server's port file", port_written, 60)
        metrics_url = f"http://127.0.0.1:{metrics_port}/metrics"
        wait_for("/metrics", lambda: "siren_build_info" in http_get(metrics_url), 30)
        log(f"siren-server on 127.0.0.1:{grpc_port}, metrics on {metrics_url}")

        # 2. Prometheus, scraping it every second (a test-only configuration).
        config = os.path.join(work, "prometheus.yml")
        with open(config, "w") as f:
            f.write(f"""global:
  scrape_interval: {SCRAPE_INTERVAL_S}s
  evaluation_interval: {SCRAPE_INTERVAL_S}s
scrape_configs:
  - job_name: siren
    static_configs:
      - targets: ["127.0.0.1:{metrics_port}"]
""")
        subprocess.run([args.promtool, "check", "config", config], check=True, stdout=subprocess.DEVNULL)
        procs.start([args.prometheus, f"--config.file={config}", f"--storage.tsdb.path={work}/tsdb",
                     f"--web.listen-address=127.0.0.1:{prom_port}", "--log.level=warn"],
                    os.path.join(work, "prometheus.log"))
        api = f"http://127.0.0.1:{prom_port}/api/v1"

        def query(expr):
            reply = json.loads(http_get(f"{api}/query?" + urllib.parse.urlencode({"query": expr})))
            if reply.get("status") != "success":
                raise ValueError(f"query failed: {reply}")
            return reply["data"]

        def scraped_up():
            procs.check_alive()
            result = query('up{job="siren"}')["result"]
            return result and result[0]["value"][1] == "1"

        wait_for("Prometheus to scrape the server", scraped_up, 40)
        log(f"Prometheus on 127.0.0.1:{prom_port} scrapes the server")
        time.sleep(2 * SCRAPE_INTERVAL_S)  # a couple of zero samples first, so rate() sees the increases

        # 3. Drive the server through the real CLI so that every panel has data.
        cli = [args.cli_bin, "--server", f"127.0.0.1:{grpc_port}"]

        def siren(*argv, expect_ok=True):
            result = subprocess.run(cli + list(argv), capture_output=True, text=True, env=env, timeout=120)
            if expect_ok and result.returncode != 0:
                raise RuntimeError(f"siren {' '.join(argv)} exited {result.returncode}:\n{result.stdout}{result.stderr}")
            return result

        def last_json(result):
            lines = [line for line in result.stdout.splitlines() if line.strip().startswith("{")]
            return json.loads(lines[-1])

        image = os.path.join(work, "tiny.png")
        with open(image, "wb") as f:
            f.write(png_gray(16, 16, lambda r, c: (r * 16 + c * 7) % 256))
        points = os.path.join(work, "sphere.xyz")
        with open(points, "w") as f:
            f.write(sphere_xyz(300))
        coords = os.path.join(work, "coords.txt")
        with open(coords, "w") as f:
            f.write("".join(f"{-1 + i / 50:.3f} {1 - i / 50:.3f}\n" for i in range(100)))

        siren("model", "model-doesnotexist", expect_ok=False)  # an RPC error for the error panels
        fit = last_json(siren("--json", "fit", "image", image, "--steps", "60", "--hidden", "32", "--layers", "2",
                              "--checkpoint-every", "20"))
        if fit.get("state") != "succeeded":
            raise RuntimeError(f"the image fit did not succeed: {fit}")
        model = fit["model_id"]
        log(f"image fit {fit['job_id']} -> {model}, PSNR {fit.get('psnr')}")
        siren("render", model, "-o", os.path.join(work, "render.png"), "--scale", "2")
        for _ in range(3):
            siren("query", model, "--coords", coords, "-o", os.path.join(work, "values.txt"))
        siren("export", model, "-o", os.path.join(work, "export.png"))
        siren("download", model, "-o", os.path.join(work, "model.ckpt"))
        siren("jobs")
        siren("models")
        sdf = last_json(siren("--json", "fit", "sdf", points, "--steps", "15", "--hidden", "32", "--layers", "2",
                              "--on-surface-points", "100"))
        if sdf.get("state") != "succeeded":
            raise RuntimeError(f"the SDF fit did not succeed: {sdf}")
        siren("export", sdf["model_id"], "--format", "ply", "--option", "resolution=12",
              "-o", os.path.join(work, "mesh.ply"))
        log(f"SDF fit {sdf['job_id']} -> {sdf['model_id']}, mesh exported")

        # 4. Let Prometheus scrape what the workload left.
        done = time.time()
        wait_for("a scrape after the workload",
                 lambda: float(query("max(timestamp(siren_build_info))")["result"][0]["value"][1]) > done + 1.5, 20)

        # 5. Every dashboard expression returns at least one finite sample.
        failures = []
        for title, expr in exprs:
            expanded = expand(expr)
            try:
                data = query(expanded)
            except (ValueError, urllib.error.HTTPError) as e:
                failures.append(f"{title}: {expanded}\n    error: {e}")
                continue
            values = []
            if data["resultType"] in ("vector", "matrix"):
                for series in data["result"]:
                    values += [v[1] for v in ([series["value"]] if "value" in series else series["values"])]
            elif data["resultType"] == "scalar":
                values = [data["result"][1]]
            finite = [v for v in values if not math.isnan(float(v)) and not math.isinf(float(v))]
            status = "ok" if finite else "NO DATA"
            print(f"  {status:8} {title}: {expanded}  -> {len(data['result'])} series")
            if not finite:
                failures.append(f"{title}: {expanded}\n    returned {data['result']}")
        log(f"{len(exprs) - len(failures)}/{len(exprs)} dashboard expressions returned data")

        # 6. Naming conventions (promtool's linter) on the live exposition.
        exposition = http_get(metrics_url)
        lint = subprocess.run([args.promtool, "check", "metrics"], input=exposition, capture_output=True, text=True)
        if lint.returncode != 0:
            failures.append(f"promtool check metrics:\n{lint.stdout}{lint.stderr}")
        for line in exposition.splitlines():
            # exposer_*: prometheus-cpp's own series about serving /metrics, not ours to rename.
            if line.startswith("# TYPE ") and not line.split()[2].startswith(("siren_", "exposer_")):
                failures.append(f"metric without the siren_ prefix: {line}")
            if "job_id" in line or "model_id" in line:
                failures.append(f"per-job label in a metric: {line}")

        # 7. The per-job quality log: loss and PSNR for every step, plus the final evaluation.
        log_path = os.path.join(data_dir, "jobs", fit["job_id"], "progress.jsonl")
        with open(log_path) as f:
            rows = [json.loads(line) for line in f if line.strip()]
        steps = [row["step"] for row in rows]
        if steps != list(range(61)) or not all("loss" in row and "psnr" in row for row in rows):
            failures.append(f"{log_path}: expected steps 0..60 with loss and psnr, got steps {steps[:5]}..{steps[-3:]}")

        if failures:
            print("\nFAILED:\n" + "\n".join(failures))
            return 1
        ok = True
        log("PASS")
        return 0
    finally:
        procs.stop_all()
        if ok and not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"(logs kept in {work})")


if __name__ == "__main__":
    sys.exit(main())
