"""Shared settings for the bourse DAGs, and the one factory of their tasks.

Every bourse job runs as one pod from one image (``images/bourse``): the
static ``bourse`` binary is the ENTRYPOINT and a task differs from another
only by its arguments. This module holds everything the DAG files share:
the image, the namespace, the Kafka brokers and credentials, the volume that
keeps micro-batches and archives, the pod's resources and security context,
retries and deadlines. The DAG files stay thin: a schedule and a few
``bourse_task(...)`` calls.

Each setting has a default below and can be overridden by an Airflow Variable
named ``bourse_<name>`` (for example ``bourse_image``), or by the environment
variable ``AIRFLOW_VAR_BOURSE_<NAME>``, which Airflow reads first. Values are
read when the DAG file is parsed; a missing Variable, or a Variable store that
cannot be reached, falls back to the default, so parsing never fails for want
of a Variable. A malformed value (say ``bourse_retries=abc``) fails the parse
with a message naming the Variable.
"""

from __future__ import annotations

import dataclasses
import logging
from datetime import timedelta
from typing import Any

from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator
from airflow.providers.cncf.kubernetes.secret import Secret
from airflow.sdk import Variable
from airflow.sdk.exceptions import ErrorType
from kubernetes.client import models as k8s

log = logging.getLogger(__name__)

#: Prefix of every Airflow Variable read by this module.
VARIABLE_PREFIX = "bourse_"

#: Non-root user and group of the image (``USER 65532:65532``).
RUN_AS_USER = 65532

#: Environment variables filled from keys of the Kafka credentials Secret.
KAFKA_SECRET_KEYS = {
    "BOURSE_SASL_MECHANISM": "sasl-mechanism",
    "BOURSE_SASL_USERNAME": "sasl-username",
    "BOURSE_SASL_PASSWORD": "sasl-password",
}

#: Name of the pod volume that holds micro-batches and archives.
DATA_VOLUME = "bourse-data"


@dataclasses.dataclass(frozen=True)
class Settings:
    """What every bourse pod shares. Field ``x`` is Variable ``bourse_x``."""

    image: str = "bourse:latest"
    image_pull_policy: str = "IfNotPresent"
    namespace: str = "bourse"
    kubernetes_conn_id: str = "kubernetes_default"
    service_account: str = ""
    brokers: str = "kafka:9092"
    kafka_tls: bool = False
    # Name of the Secret with keys sasl-mechanism, sasl-username and
    # sasl-password; empty for a broker without authentication.
    kafka_secret: str = "bourse-kafka"
    data_pvc: str = "bourse-data"
    data_mount: str = "/data"
    batch_dir: str = "/data/batches"
    archive_dir: str = "/data/archive"
    cpu_request: str = "250m"
    cpu_limit: str = "1"
    # Group members (``--threads``) that the match and sma pods run, each
    # processing its share of the partitions on its own core: raise it with
    # ``cpu_limit`` (profit ranks across every partition and runs one).
    threads: int = 1
    # The match pod's ``--session`` (trading phases, e.g. ``nse``); empty
    # leaves match's default (off). With a session, match keeps its phase
    # changes in the ``status`` dataset, which the archive DAG archives.
    session: str = ""
    memory_request: str = "256Mi"
    memory_limit: str = "1Gi"
    retries: int = 2
    retry_delay_seconds: int = 30
    startup_timeout_seconds: int = 120
    # Kubernetes kills a pod that runs longer than its deadline. A micro-batch
    # must end before the next five-minute run starts.
    microbatch_deadline_seconds: int = 240
    archive_deadline_seconds: int = 3600
    simulation_deadline_seconds: int = 3600

    @property
    def image_tag(self) -> str:
        """The tag of ``image`` (``latest`` when it has none)."""
        name = self.image.split("@", 1)[0]
        last = name.rsplit("/", 1)[-1]
        return last.split(":", 1)[1] if ":" in last else "latest"


def _variable(name: str) -> str | None:
    """Return Variable ``bourse_<name>``, or None when unset or unreachable."""
    key = VARIABLE_PREFIX + name
    try:
        # No default is passed on purpose: Airflow masks in task logs every
        # default handed to Variable.get, and a default like "bourse" would
        # blank out every log line that names the project.
        return Variable.get(key)
    except Exception as err:  # noqa: BLE001 - parse must not fail, see below
        # Not found is the usual case. Any other failure (no metadata DB or
        # API server during a local parse) must not break DAG parsing either:
        # the defaults are a working configuration.
        if getattr(getattr(err, "error", None), "error", None) != ErrorType.VARIABLE_NOT_FOUND:
            log.warning("bourse: Variable %s unreadable (%s); using the default", key, err)
        return None


def _convert(name: str, raw: str, kind: type) -> Any:
    text = raw.strip()
    if kind is bool:
        low = text.lower()
        if low in ("1", "true", "yes", "on"):
            return True
        if low in ("0", "false", "no", "off", ""):
            return False
        raise ValueError(f"Variable {VARIABLE_PREFIX}{name}: want true or false, got {raw!r}")
    if kind is int:
        try:
            value = int(text)
        except ValueError:
            raise ValueError(f"Variable {VARIABLE_PREFIX}{name}: want an integer, got {raw!r}") from None
        if value < 0:
            raise ValueError(f"Variable {VARIABLE_PREFIX}{name}: want a non-negative integer, got {raw!r}")
        return value
    return text


def load() -> Settings:
    """Read the settings: defaults overridden by ``bourse_*`` Variables."""
    overrides: dict[str, Any] = {}
    for field in dataclasses.fields(Settings):
        raw = _variable(field.name)
        if raw is None:
            continue
        kind = type(field.default)
        overrides[field.name] = _convert(field.name, raw, kind)
    settings = Settings(**overrides)
    if not settings.image:
        raise ValueError(f"Variable {VARIABLE_PREFIX}image: want an image reference, got an empty string")
    if not settings.brokers:
        raise ValueError(f"Variable {VARIABLE_PREFIX}brokers: want host:port[,host:port], got an empty string")
    return settings


def default_args(settings: Settings) -> dict[str, Any]:
    """``default_args`` shared by the bourse DAGs."""
    return {
        "owner": "bourse",
        "retries": settings.retries,
        "retry_delay": timedelta(seconds=settings.retry_delay_seconds),
    }


def resources(settings: Settings) -> k8s.V1ResourceRequirements:
    """CPU and memory requests and limits of a bourse container."""
    return k8s.V1ResourceRequirements(
        requests={"cpu": settings.cpu_request, "memory": settings.memory_request},
        limits={"cpu": settings.cpu_limit, "memory": settings.memory_limit},
    )


def pod_security_context() -> k8s.V1PodSecurityContext:
    """Pod-level security: non-root, the image's user, the default seccomp profile."""
    return k8s.V1PodSecurityContext(
        run_as_non_root=True,
        run_as_user=RUN_AS_USER,
        run_as_group=RUN_AS_USER,
        fs_group=RUN_AS_USER,
        seccomp_profile=k8s.V1SeccompProfile(type="RuntimeDefault"),
    )


def container_security_context() -> k8s.V1SecurityContext:
    """Container-level security: read-only root, no privilege, no capability."""
    return k8s.V1SecurityContext(
        run_as_non_root=True,
        run_as_user=RUN_AS_USER,
        allow_privilege_escalation=False,
        read_only_root_filesystem=True,
        capabilities=k8s.V1Capabilities(drop=["ALL"]),
        seccomp_profile=k8s.V1SeccompProfile(type="RuntimeDefault"),
    )


def kafka_secrets(settings: Settings) -> list[Secret]:
    """Kafka credentials, passed by reference to a Kubernetes Secret."""
    if not settings.kafka_secret:
        return []
    return [
        Secret(deploy_type="env", deploy_target=env, secret=settings.kafka_secret, key=key)
        for env, key in KAFKA_SECRET_KEYS.items()
    ]


def env_vars(settings: Settings) -> list[k8s.V1EnvVar]:
    """Plain (non-secret) environment of a bourse container.

    The brokers go on the command line (``--brokers``), as every job's
    contract asks; the environment carries only what is not an argument.
    """
    return [
        k8s.V1EnvVar(name="BOURSE_TLS", value="true" if settings.kafka_tls else "false"),
    ]


def data_volume(settings: Settings) -> tuple[k8s.V1Volume, k8s.V1VolumeMount]:
    """The PersistentVolumeClaim that keeps micro-batches and archives."""
    volume = k8s.V1Volume(
        name=DATA_VOLUME,
        persistent_volume_claim=k8s.V1PersistentVolumeClaimVolumeSource(claim_name=settings.data_pvc),
    )
    mount = k8s.V1VolumeMount(name=DATA_VOLUME, mount_path=settings.data_mount)
    return volume, mount


def labels(settings: Settings, job: str) -> dict[str, str]:
    """Recommended Kubernetes labels of a bourse pod."""
    return {
        "app.kubernetes.io/name": "bourse",
        "app.kubernetes.io/component": job,
        "app.kubernetes.io/part-of": "bourse",
        "app.kubernetes.io/managed-by": "airflow",
        "app.kubernetes.io/version": settings.image_tag,
    }


def bourse_task(
    settings: Settings,
    task_id: str,
    arguments: list[str],
    *,
    deadline_seconds: int,
    volume: bool = True,
    **kwargs: Any,
) -> KubernetesPodOperator:
    """One bourse job run as one pod: ``bourse <arguments...>``.

    ``arguments`` start with the subcommand (``match``, ``archive``...), may
    hold Jinja templates, and never hold a secret: credentials reach the pod
    as environment variables that reference a Kubernetes Secret.
    """
    if not arguments:
        raise ValueError(f"task {task_id}: want a bourse subcommand in arguments, got none")
    job = arguments[0]
    volumes, mounts = [], []
    if volume:
        vol, mount = data_volume(settings)
        volumes, mounts = [vol], [mount]
    return KubernetesPodOperator(
        task_id=task_id,
        name=f"bourse-{job}",
        namespace=settings.namespace,
        kubernetes_conn_id=settings.kubernetes_conn_id,
        service_account_name=settings.service_account or None,
        automount_service_account_token=False,
        image=settings.image,
        image_pull_policy=settings.image_pull_policy,
        arguments=list(arguments),
        env_vars=env_vars(settings),
        secrets=kafka_secrets(settings),
        container_resources=resources(settings),
        security_context=pod_security_context(),
        container_security_context=container_security_context(),
        volumes=volumes,
        volume_mounts=mounts,
        labels=labels(settings, job),
        active_deadline_seconds=deadline_seconds,
        startup_timeout_seconds=settings.startup_timeout_seconds,
        get_logs=True,
        # Keep a failed pod for `kubectl logs/describe`; clean up the rest.
        on_finish_action="delete_succeeded_pod",
        **kwargs,
    )
