"""Assertions every bourse pod must pass, whatever its job."""

from __future__ import annotations

from typing import Any

SECRET_ENV = {
    "BOURSE_SASL_MECHANISM": "sasl-mechanism",
    "BOURSE_SASL_USERNAME": "sasl-username",
    "BOURSE_SASL_PASSWORD": "sasl-password",
}


def container(pod: dict[str, Any]) -> dict[str, Any]:
    containers = pod["spec"]["containers"]
    assert len(containers) == 1, f"want one container (no sidecar), got {[c['name'] for c in containers]}"
    return containers[0]


def env_by_name(pod: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["name"]: e for e in container(pod).get("env", [])}


def assert_standard_pod(
    pod: dict[str, Any],
    *,
    image: str = "bourse:latest",
    namespace: str = "bourse",
    secret: str | None = "bourse-kafka",
    pvc: str | None = "bourse-data",
    mount: str = "/data",
    deadline: int,
) -> None:
    """Image, env, secrets by reference, resources, volume, security, deadline."""
    meta, spec = pod["metadata"], pod["spec"]
    c = container(pod)
    assert meta["namespace"] == namespace
    assert meta["labels"]["app.kubernetes.io/name"] == "bourse"
    assert meta["labels"]["app.kubernetes.io/component"] == c["args"][0]
    assert c["image"] == image
    assert c.get("command") in (None, []), "the image's ENTRYPOINT (/bourse) must run"
    assert spec["restartPolicy"] == "Never"
    assert spec["activeDeadlineSeconds"] == deadline
    assert spec["automountServiceAccountToken"] is False

    env = env_by_name(pod)
    assert env["BOURSE_TLS"]["value"] in ("true", "false")
    if secret:
        for name, key in SECRET_ENV.items():
            assert "value" not in env[name], f"{name} must come from the Secret, not a literal"
            ref = env[name]["valueFrom"]["secretKeyRef"]
            assert ref == {"name": secret, "key": key}
    else:
        assert not SECRET_ENV.keys() & env.keys()
    joined = " ".join(c["args"]).lower()
    for word in ("sasl", "password", "username", "secret"):
        assert word not in joined, f"arguments must hold no credential, got {c['args']}"

    res = c["resources"]
    assert set(res["requests"]) == {"cpu", "memory"}
    assert set(res["limits"]) == {"cpu", "memory"}

    sc = c["securityContext"]
    assert sc["allowPrivilegeEscalation"] is False
    assert sc["readOnlyRootFilesystem"] is True
    assert sc["runAsNonRoot"] is True
    assert sc["capabilities"]["drop"] == ["ALL"]
    psc = spec["securityContext"]
    assert psc["runAsNonRoot"] is True
    assert psc["runAsUser"] == 65532
    assert psc["seccompProfile"] == {"type": "RuntimeDefault"}

    if pvc:
        assert spec["volumes"] == [{"name": "bourse-data", "persistentVolumeClaim": {"claimName": pvc}}]
        assert c["volumeMounts"] == [{"name": "bourse-data", "mountPath": mount}]
    else:
        assert not spec.get("volumes") and not c.get("volumeMounts")
