"""localize(): the rewrite of a rendered pod for podman, without podman."""

from __future__ import annotations

import dagtools
import podrun


def test_localize_microbatch_pod(dagbag, tmp_path):
    dag = dagbag.dags["bourse_microbatch"]
    pod = dagtools.pod_dict(dagtools.render_pod(dag.get_task("match"), dagtools.run_context(dag)))
    local = podrun.localize(pod, image="localhost/bourse:t", brokers="127.0.0.1:9092", data_dir=tmp_path)
    m = local.manifest
    c = m["spec"]["containers"][0]
    assert m["spec"]["hostNetwork"] is True
    assert c["image"] == "localhost/bourse:t" and c["imagePullPolicy"] == "Never"
    assert c["args"] == ["match", "--brokers", "127.0.0.1:9092", "--batch-dir", "/data/batches", "--threads", "1", "--txn-id", "bourse-match"]
    assert m["spec"]["volumes"] == [{"name": "bourse-data", "hostPath": {"path": str(tmp_path), "type": "Directory"}}]
    assert sorted(local.dropped_secret_env) == ["BOURSE_SASL_MECHANISM", "BOURSE_SASL_PASSWORD", "BOURSE_SASL_USERNAME"]
    assert [e["name"] for e in c["env"]] == ["BOURSE_TLS"]
    # What is not rewritten is played as rendered.
    assert c["securityContext"] == pod["spec"]["containers"][0]["securityContext"]
    assert c["resources"] == pod["spec"]["containers"][0]["resources"]
    assert m["spec"]["securityContext"]["runAsUser"] == 65532
    # The input is left alone.
    assert pod["spec"]["hostNetwork"] is False
    assert "persistentVolumeClaim" in pod["spec"]["volumes"][0]
