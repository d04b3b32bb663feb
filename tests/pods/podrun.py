"""Run the DAGs' pods for real on this machine with ``podman kube play``.

The pod spec comes from the operator itself (``build_pod_request_obj``), is
serialized as the Kubernetes API would receive it, and only what must differ
on one machine without a cluster is rewritten (``localize``):

- ``hostNetwork: true``: the broker listens on the host's loopback;
- the image is the one ``make images`` built, ``imagePullPolicy: Never``;
- the PersistentVolumeClaim becomes a host directory (``hostPath``);
- ``--brokers`` points at the local broker;
- the Kafka credentials, references to a Kubernetes Secret, are dropped:
  the local broker has no authentication (PLAINTEXT).

Everything else (arguments, environment, resources, securityContext with
user 65532 and a read-only root) is played as rendered.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
IMAGE = os.environ.get("BOURSE_IMAGE", "localhost/bourse:latest")
BROKERS = os.environ.get("BOURSE_KAFKA_BROKERS", "127.0.0.1:9092")
REQUIRE = os.environ.get("BOURSE_REQUIRE_PODS", "") not in ("", "0", "false")


def unavailable(reason: str) -> None:
    """Skip the test, or fail it under BOURSE_REQUIRE_PODS=1: CI never skips."""
    import pytest

    if REQUIRE:
        pytest.fail(f"BOURSE_REQUIRE_PODS=1 and {reason}", pytrace=False)
    pytest.skip(reason)


@dataclass
class Localized:
    """A pod manifest rewritten for this machine, and what was dropped."""

    manifest: dict[str, Any]
    dropped_secret_env: list[str]


def localize(pod: dict[str, Any], *, image: str, brokers: str, data_dir: Path) -> Localized:
    """Rewrite a rendered pod (API dict, camelCase) to run under podman here."""
    pod = copy.deepcopy(pod)
    spec = pod["spec"]
    spec["hostNetwork"] = True
    # podman names the container <pod>-<container>; keep the pod name short,
    # unique, and valid as a DNS label.
    pod["metadata"]["name"] = f"{pod['metadata']['name'][:40]}-{uuid.uuid4().hex[:6]}"
    claims = {}
    for vol in spec.get("volumes") or []:
        pvc = vol.pop("persistentVolumeClaim", None)
        if pvc is not None:
            claims[vol["name"]] = pvc["claimName"]
            vol["hostPath"] = {"path": str(data_dir), "type": "Directory"}
    dropped = []
    for c in spec["containers"]:
        c["image"] = image
        c["imagePullPolicy"] = "Never"
        args = c.get("args") or []
        if "--brokers" in args:
            args[args.index("--brokers") + 1] = brokers
        kept = []
        for env in c.get("env") or []:
            if (env.get("valueFrom") or {}).get("secretKeyRef"):
                dropped.append(env["name"])
            else:
                kept.append(env)
        c["env"] = kept
    return Localized(manifest=pod, dropped_secret_env=dropped)


@dataclass
class Result:
    """How a played pod ended."""

    name: str
    exit_code: int
    logs: str
    seconds: float


class Podman:
    """podman with this project's own configuration (tests/pods/*.conf)."""

    def __init__(self, binary: str | None = None):
        self.binary = binary or shutil.which("podman") or ""
        self.env = dict(os.environ)
        self.env.setdefault("CONTAINERS_CONF", str(HERE / "containers.conf"))
        self.env.setdefault("CONTAINERS_STORAGE_CONF", str(HERE / "storage.conf"))

    def __call__(
        self, *args: str, check: bool = True, timeout: float = 120, cwd: Path | None = None
    ) -> subprocess.CompletedProcess:
        proc = subprocess.run(
            [self.binary, *args],
            env=self.env,
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if check and proc.returncode != 0:
            raise RuntimeError(f"podman {' '.join(args)}: exit {proc.returncode}: {proc.stderr.strip()}")
        return proc

    def image_exists(self, image: str) -> bool:
        return self("image", "exists", image, check=False).returncode == 0

    def play(self, manifest: dict[str, Any], workdir: Path, timeout: float) -> Result:
        """Play one pod, wait until its container exits, collect logs, remove it."""
        name = manifest["metadata"]["name"]
        container = f"{name}-{manifest['spec']['containers'][0]['name']}"
        path = workdir / f"{name}.yaml"
        path.write_text(yaml.safe_dump(manifest, sort_keys=False))
        start = time.monotonic()
        try:
            # Played from the manifest's own directory with --build=false:
            # podman would otherwise build the image from any directory of
            # the image's name ("bourse") in the working directory.
            self("kube", "play", "--build=false", str(path), cwd=workdir)
            while True:
                state = json.loads(self("container", "inspect", container).stdout)[0]["State"]
                if state["Status"] in ("exited", "stopped"):
                    code = int(state["ExitCode"])
                    break
                if time.monotonic() - start > timeout:
                    code = -1
                    break
                time.sleep(0.5)
            logs = self("logs", container, check=False)
            return Result(name, code, logs.stdout + logs.stderr, time.monotonic() - start)
        finally:
            self("kube", "down", str(path), check=False)
