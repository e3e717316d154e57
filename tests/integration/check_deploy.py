#!/usr/bin/env python3
"""Static checks of the deployment files (no Docker engine or cluster needed).

  check_deploy.py SOURCE_DIR promtool    promtool check config/rules on deploy/prometheus/*
  check_deploy.py SOURCE_DIR yamllint    yamllint -c .yamllint on the compose, k8s, Prometheus, Grafana YAML
  check_deploy.py SOURCE_DIR manifests   every k8s manifest parses and is consistent; docker-compose.yml
                                         parses and refers to files and volumes that exist; the Grafana
                                         dashboard and provisioning agree; the Dockerfiles build as CI does

Exit 77 (CTest SKIP_RETURN_CODE) when the tool a mode needs (promtool, yamllint, python3-yaml) is absent.
"""
import glob
import json
import os
import re
import shutil
import subprocess
import sys

SKIP = 77


def yaml_module():
    try:
        import yaml  # python3-yaml, a dependency of yamllint
        return yaml
    except ImportError:
        return None


def check_promtool(root):
    promtool = shutil.which("promtool")
    if not promtool:
        print("SKIP: promtool is not installed (Debian package 'prometheus'; scripts/install-deps.sh installs it)")
        return SKIP
    status = 0
    for config in sorted(glob.glob(os.path.join(root, "deploy", "prometheus", "prometheus*.yml"))):
        status |= subprocess.run([promtool, "check", "config", config]).returncode
    status |= subprocess.run([promtool, "check", "rules", os.path.join(root, "deploy", "prometheus", "alerts.yml")]).returncode
    return 1 if status else 0


def yaml_files(root):
    files = [os.path.join(root, "docker-compose.yml"), os.path.join(root, ".yamllint")]
    for pattern in ("deploy/**/*.yml", "deploy/**/*.yaml"):
        files += glob.glob(os.path.join(root, pattern), recursive=True)
    return sorted(set(files))


def check_yamllint(root):
    yamllint = shutil.which("yamllint")
    if not yamllint:
        print("SKIP: yamllint is not installed (Debian package 'yamllint'; scripts/install-deps.sh installs it)")
        return SKIP
    result = subprocess.run([yamllint, "--strict", "-c", os.path.join(root, ".yamllint")] + yaml_files(root))
    return 1 if result.returncode else 0


def check_manifests(root):
    yaml = yaml_module()
    if yaml is None:
        print("SKIP: python3-yaml is not installed (it comes with yamllint)")
        return SKIP
    errors = []

    def fail(message):
        errors.append(message)

    # Kubernetes: every document has apiVersion, kind, metadata.name; namespaced objects name the namespace.
    docs = []
    for path in sorted(glob.glob(os.path.join(root, "deploy", "k8s", "*.yaml"))):
        name = os.path.relpath(path, root)
        with open(path) as f:
            for doc in yaml.safe_load_all(f):
                if doc is None:
                    continue
                if not isinstance(doc, dict):
                    fail(f"{name}: a document is not a mapping")
                    continue
                for key in ("apiVersion", "kind"):
                    if not isinstance(doc.get(key), str) or not doc[key]:
                        fail(f"{name}: missing {key}")
                if doc.get("kind") != "Kustomization":
                    meta = doc.get("metadata")
                    if not isinstance(meta, dict) or not (meta.get("name") or meta.get("generateName")):
                        fail(f"{name}: {doc.get('kind')} without metadata.name")
                docs.append((name, doc))
    by_kind = {}
    for name, doc in docs:
        by_kind.setdefault(doc.get("kind"), []).append((name, doc))
    cluster_scoped = {"Namespace", "ClusterQueue", "ResourceFlavor", "Kustomization"}
    for name, doc in docs:
        if doc.get("kind") not in cluster_scoped and not doc.get("metadata", {}).get("namespace"):
            fail(f"{name}: namespaced {doc.get('kind')} without metadata.namespace")

    kustomization = os.path.join(root, "deploy", "k8s", "kustomization.yaml")
    with open(kustomization) as f:
        for resource in yaml.safe_load(f).get("resources", []):
            if not os.path.exists(os.path.join(root, "deploy", "k8s", resource)):
                fail(f"kustomization.yaml: resource {resource} does not exist")

    services = {doc["metadata"]["name"]: doc for _, doc in by_kind.get("Service", [])}
    for name, sts in by_kind.get("StatefulSet", []):
        spec = sts["spec"]
        if spec.get("serviceName") not in services:
            fail(f"{name}: serviceName {spec.get('serviceName')} is not a Service here")
        selector = spec["selector"]["matchLabels"]
        labels = spec["template"]["metadata"]["labels"]
        if any(labels.get(k) != v for k, v in selector.items()):
            fail(f"{name}: selector {selector} does not match the pod labels {labels}")
        service = services.get(spec.get("serviceName"))
        if service and any(labels.get(k) != v for k, v in service["spec"]["selector"].items()):
            fail(f"{name}: Service {service['metadata']['name']} does not select these pods")
        claims = {t["metadata"]["name"] for t in spec.get("volumeClaimTemplates", [])}
        if not claims:
            fail(f"{name}: no volumeClaimTemplates: models and checkpoints need per-replica storage")
        for container in spec["template"]["spec"]["containers"]:
            ports = {p.get("name"): p["containerPort"] for p in container.get("ports", [])}
            for probe in ("readinessProbe", "livenessProbe"):
                grpc = container.get(probe, {}).get("grpc")
                if not grpc or grpc.get("port") not in ports.values():
                    fail(f"{name}: {container['name']} needs a gRPC {probe} on its gRPC port (grpc.health.v1)")
            if "nvidia.com/gpu" not in container.get("resources", {}).get("limits", {}):
                fail(f"{name}: {container['name']} requests no nvidia.com/gpu")
            for mount in container.get("volumeMounts", []):
                if mount["name"] not in claims:
                    fail(f"{name}: volumeMount {mount['name']} has no volumeClaimTemplate")
            for arg in ("--metrics-host=0.0.0.0", "--host=0.0.0.0"):
                if arg not in container.get("args", []):
                    fail(f"{name}: {container['name']} lacks {arg}")
        for port in service["spec"]["ports"] if service else []:
            if isinstance(port.get("targetPort"), str) and port["targetPort"] not in {
                    p.get("name") for c in spec["template"]["spec"]["containers"] for p in c.get("ports", [])}:
                fail(f"service {service['metadata']['name']}: targetPort {port['targetPort']} names no container port")

    # A fleet: siren-server replicas in a Deployment share a database and a ReadWriteMany volume, behind a Service.
    claims_by_name = {doc["metadata"]["name"]: doc for _, doc in by_kind.get("PersistentVolumeClaim", [])}
    for name, deployment in by_kind.get("Deployment", []):
        pod = deployment["spec"]["template"]
        servers = [c for c in pod["spec"]["containers"] if c["name"] == "siren-server"]
        if not servers:
            continue
        labels = pod["metadata"]["labels"]
        if not any(all(labels.get(k) == v for k, v in svc["spec"].get("selector", {}).items())
                   for svc in services.values()):
            fail(f"{name}: no Service selects the fleet's pods")
        volumes = {v["name"]: v for v in pod["spec"].get("volumes", [])}
        for container in servers:
            args = container.get("args", [])
            for arg in ("--fleet", "--host=0.0.0.0", "--metrics-host=0.0.0.0"):
                if arg not in args:
                    fail(f"{name}: {container['name']} lacks {arg}")
            if "SIREN_DATABASE" not in {e["name"] for e in container.get("env", [])}:
                fail(f"{name}: a fleet replica needs SIREN_DATABASE (its PostgreSQL URL)")
            ports = {p["containerPort"] for p in container.get("ports", [])}
            for probe in ("readinessProbe", "livenessProbe"):
                grpc = container.get(probe, {}).get("grpc")
                if not grpc or grpc.get("port") not in ports:
                    fail(f"{name}: {container['name']} needs a gRPC {probe} on its gRPC port (grpc.health.v1)")
            for mount in container.get("volumeMounts", []):
                claim = volumes.get(mount["name"], {}).get("persistentVolumeClaim", {}).get("claimName")
                if claim not in claims_by_name:
                    fail(f"{name}: volume {mount['name']} is no PersistentVolumeClaim defined here")
                elif "ReadWriteMany" not in claims_by_name[claim]["spec"].get("accessModes", []):
                    fail(f"{name}: the fleet's volume {claim} must be ReadWriteMany (every replica mounts it)")

    cluster_queues = {doc["metadata"]["name"] for _, doc in by_kind.get("ClusterQueue", [])}
    flavors = {doc["metadata"]["name"] for _, doc in by_kind.get("ResourceFlavor", [])}
    local_queues = {doc["metadata"]["name"] for _, doc in by_kind.get("LocalQueue", [])}
    if not cluster_queues or not local_queues:
        fail("deploy/k8s: a Kueue ClusterQueue and LocalQueue are expected")
    for name, doc in by_kind.get("ClusterQueue", []):
        for group in doc["spec"]["resourceGroups"]:
            for flavor in group["flavors"]:
                if flavor["name"] not in flavors:
                    fail(f"{name}: ClusterQueue flavor {flavor['name']} is not a ResourceFlavor here")
                covered = {r["name"] for r in flavor["resources"]}
                if covered != set(group["coveredResources"]):
                    fail(f"{name}: flavor {flavor['name']} quotas {covered} != coveredResources")
    for name, doc in by_kind.get("LocalQueue", []):
        if doc["spec"].get("clusterQueue") not in cluster_queues:
            fail(f"{name}: LocalQueue points at an unknown ClusterQueue {doc['spec'].get('clusterQueue')}")
    claim_names = {doc["metadata"]["name"] for _, doc in by_kind.get("PersistentVolumeClaim", [])}
    for name, job in by_kind.get("Job", []):
        queue = job["metadata"].get("labels", {}).get("kueue.x-k8s.io/queue-name")
        if queue not in local_queues:
            fail(f"{name}: Job's kueue.x-k8s.io/queue-name {queue} is not a LocalQueue here")
        if not job["spec"].get("suspend"):
            fail(f"{name}: a Kueue Job should be created suspended")
        for volume in job["spec"]["template"]["spec"].get("volumes", []):
            claim = volume.get("persistentVolumeClaim", {}).get("claimName")
            if claim and claim not in claim_names:
                fail(f"{name}: volume {volume['name']} uses an unknown PVC {claim}")

    # docker-compose.yml: `docker compose config` is not available here, so parse and cross-check it.
    with open(os.path.join(root, "docker-compose.yml")) as f:
        compose = yaml.safe_load(f)
    services_c = compose.get("services", {})
    for required in ("siren", "prometheus", "grafana"):
        if required not in services_c:
            fail(f"docker-compose.yml: no service {required}")
    volumes_c = set((compose.get("volumes") or {}).keys())
    for svc_name, svc in services_c.items():
        if not (svc.get("image") or svc.get("build")):
            fail(f"docker-compose.yml: service {svc_name} has neither image nor build")
        for dep in svc.get("depends_on", []):
            if dep not in services_c:
                fail(f"docker-compose.yml: {svc_name} depends on unknown service {dep}")
        for volume in svc.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("."):
                if not os.path.exists(os.path.join(root, source)):
                    fail(f"docker-compose.yml: {svc_name} mounts {source}, which does not exist")
            elif source not in volumes_c:
                fail(f"docker-compose.yml: {svc_name} uses undeclared volume {source}")
        for port in svc.get("ports", []):
            if not re.fullmatch(r"(\d+\.\d+\.\d+\.\d+:)?\d+:\d+", str(port)):
                fail(f"docker-compose.yml: {svc_name} port {port!r} is not HOST_IP:HOST:CONTAINER")
        build = svc.get("build")
        if isinstance(build, dict) and not os.path.exists(os.path.join(root, build.get("dockerfile", "Dockerfile"))):
            fail(f"docker-compose.yml: {svc_name} builds from a missing {build.get('dockerfile')}")
    siren_cmd = services_c.get("siren", {}).get("command", [])
    metrics_port = next((a.split("=")[1] for a in siren_cmd if a.startswith("--metrics-port=")), None)
    with open(os.path.join(root, "deploy", "prometheus", "prometheus.yml")) as f:
        prom = yaml.safe_load(f)
    targets = [t for job in prom["scrape_configs"] for sc in job.get("static_configs", []) for t in sc["targets"]]
    if f"siren:{metrics_port}" not in targets:
        fail(f"deploy/prometheus/prometheus.yml does not scrape siren:{metrics_port} (the compose server)")

    # Grafana: the dashboard's datasource uid is the provisioned one; the provider path is the mount.
    with open(os.path.join(root, "deploy", "grafana", "provisioning", "datasources", "prometheus.yml")) as f:
        uids = {d["uid"] for d in yaml.safe_load(f)["datasources"]}
    with open(os.path.join(root, "deploy", "grafana", "dashboards", "siren.json")) as f:
        dashboard = json.load(f)
    ids = set()

    def walk(panels):
        for panel in panels:
            if panel["id"] in ids:
                fail(f"siren.json: duplicate panel id {panel['id']}")
            ids.add(panel["id"])
            if panel.get("type") != "row":
                if panel.get("datasource", {}).get("uid") not in uids:
                    fail(f"siren.json: panel {panel.get('title')} uses datasource {panel.get('datasource')}")
                if not panel.get("targets"):
                    fail(f"siren.json: panel {panel.get('title')} has no query")
            walk(panel.get("panels", []))

    walk(dashboard["panels"])
    rows = [p["title"] for p in dashboard["panels"] if p.get("type") == "row"]
    for word in ("Fleet", "Throughput", "gRPC", "Device", "Checkpoints", "Queries"):
        if not any(word in row for row in rows):
            fail(f"siren.json: no row about {word} (rows: {rows})")
    with open(os.path.join(root, "deploy", "grafana", "provisioning", "dashboards", "siren.yml")) as f:
        provider_paths = {p["options"]["path"] for p in yaml.safe_load(f)["providers"]}
    mounts = [v.split(":")[1] for v in services_c.get("grafana", {}).get("volumes", [])]
    if not provider_paths <= set(mounts):
        fail(f"grafana: dashboard provider paths {provider_paths} are not mounted ({mounts})")

    # Dockerfiles: the CI recipe (install-deps.sh + make build), multi-stage, a non-root runtime.
    for dockerfile in ("Dockerfile", "Dockerfile.cuda"):
        with open(os.path.join(root, dockerfile)) as f:
            text = f.read()
        for needle in ("scripts/install-deps.sh", "make build", "AS build", "AS runtime", "USER siren"):
            if needle not in text:
                fail(f"{dockerfile}: expected {needle!r}")
        for source in re.findall(r"^COPY (?!--from)(\S+)", text, re.M):
            if source != "." and not os.path.exists(os.path.join(root, source)):
                fail(f"{dockerfile}: COPY {source}: no such file")

    for message in errors:
        print("FAIL:", message)
    print(f"{len(docs)} Kubernetes objects, {len(services_c)} compose services checked; {len(errors)} problem(s)")
    return 1 if errors else 0


def main():
    if len(sys.argv) != 3 or sys.argv[2] not in ("promtool", "yamllint", "manifests"):
        print(__doc__)
        return 2
    root = os.path.abspath(sys.argv[1])
    return {"promtool": check_promtool, "yamllint": check_yamllint, "manifests": check_manifests}[sys.argv[2]](root)


if __name__ == "__main__":
    sys.exit(main())
