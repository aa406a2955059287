"""deploy/k8s: core kinds valid against Kubernetes' own schemas (kubernetes-validate, strict: an
unknown field fails), the operators' custom resources against deploy/schemas (motcua's subsets
of the operators' CRDs, and the real CRDs when MOTCUA_OPERATOR_CRDS names a folder holding
them), and wired the way the services read their settings."""

import copy
import os
import re
from pathlib import Path

import jsonschema
import kubernetes_validate
import pytest
import yaml

K8S_VERSIONS = ("1.30", kubernetes_validate.latest_version())
SUBSET_SCHEMAS = {
    ("rabbitmq.com/v1beta1", "RabbitmqCluster"): "rabbitmqcluster-v1beta1.subset.yaml",
    ("mongodbcommunity.mongodb.com/v1", "MongoDBCommunity"): "mongodbcommunity-v1.subset.yaml",
}
# Secrets the operators write, and the keys the manifests may read from them.
RABBITMQ_USER_KEYS = {"username", "password", "host", "port"}
MONGO_CONNECTION_KEYS = {"connectionString.standard", "connectionString.standardSrv", "username", "password"}


def core_errors(doc: dict, version: str) -> list[str]:
    """Errors against Kubernetes' schema of that version; a kind it has no schema for raises."""
    try:
        kubernetes_validate.validate(doc, version, strict=True)
    except kubernetes_validate.ValidationError as error:
        return [f"{'.'.join(map(str, error.path))}: {error.message}"]
    return []


def subset_errors(deploy_dir: Path, doc: dict) -> list[str]:
    schema = yaml.safe_load((deploy_dir / "schemas" / SUBSET_SCHEMAS[doc["apiVersion"], doc["kind"]]).read_text())
    validator = jsonschema.Draft7Validator(schema)
    return [f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(doc)]


def by_kind(manifests, kind: str) -> dict[str, dict]:
    return {m.name: m.doc for m in manifests if m.kind == kind}


def test_kustomization_applies_every_manifest_but_the_examples(deploy_dir) -> None:
    k8s = deploy_dir / "k8s"
    listed = yaml.safe_load((k8s / "kustomization.yaml").read_text())["resources"]
    on_disk = sorted(p.name for p in k8s.glob("*.yaml") if p.name != "kustomization.yaml")
    assert sorted(listed) == on_disk


@pytest.mark.parametrize("version", K8S_VERSIONS)
def test_core_manifests_match_the_kubernetes_schemas(manifests, example_secrets, version) -> None:
    errors = {
        str(m): core_errors(m.doc, version)
        for m in (*manifests, *example_secrets)
        if (m.doc["apiVersion"], m.kind) not in SUBSET_SCHEMAS
    }
    assert {name: e for name, e in errors.items() if e} == {}


def test_kubernetes_validation_rejects_a_misspelt_probe(manifests) -> None:
    deployment = copy.deepcopy(by_kind(manifests, "Deployment")["intake"])
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    container["readinesProbe"] = container.pop("readinessProbe")
    assert core_errors(deployment, K8S_VERSIONS[-1])


def test_operator_resources_match_motcua_subset_schemas(manifests, deploy_dir) -> None:
    custom = [m for m in manifests if (m.doc["apiVersion"], m.kind) in SUBSET_SCHEMAS]
    assert {m.kind for m in custom} == {"RabbitmqCluster", "MongoDBCommunity"}
    assert {str(m): subset_errors(deploy_dir, m.doc) for m in custom} == {str(m): [] for m in custom}


@pytest.mark.parametrize(("kind", "path", "value"), [
    ("RabbitmqCluster", ("spec", "replica"), 3),  # misspelt field
    ("RabbitmqCluster", ("spec", "persistence", "storage"), "20 gigabytes"),
    ("MongoDBCommunity", ("spec", "type"), "Sharded"),
    ("MongoDBCommunity", ("spec", "security", "authentication", "modes"), ["PLAIN"]),
])
def test_subset_schemas_reject_what_the_operators_would(manifests, deploy_dir, kind, path, value) -> None:
    doc = copy.deepcopy(next(m.doc for m in manifests if m.kind == kind))
    node = doc
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    assert subset_errors(deploy_dir, doc)


def crd_schema(crd: dict, api_version: str, kind: str) -> dict | None:
    """The openAPIV3Schema a CustomResourceDefinition gives (group/version, kind), if it does."""
    group, _, version = api_version.partition("/")
    if crd.get("kind") != "CustomResourceDefinition" or crd["spec"]["group"] != group:
        return None
    if crd["spec"]["names"]["kind"] != kind:
        return None
    for served in crd["spec"]["versions"]:
        if served["name"] == version:
            return served["schema"]["openAPIV3Schema"]
    return None


def test_crd_schema_is_found_by_group_version_and_kind() -> None:
    schema = {"type": "object", "properties": {"spec": {"type": "object"}}}
    crd = {"kind": "CustomResourceDefinition", "spec": {
        "group": "rabbitmq.com", "names": {"kind": "RabbitmqCluster"},
        "versions": [{"name": "v1beta1", "schema": {"openAPIV3Schema": schema}}]}}
    assert crd_schema(crd, "rabbitmq.com/v1beta1", "RabbitmqCluster") is schema
    assert crd_schema(crd, "rabbitmq.com/v1", "RabbitmqCluster") is None
    assert crd_schema(crd, "mongodbcommunity.mongodb.com/v1", "MongoDBCommunity") is None


def test_operator_resources_match_the_real_crds_when_given(manifests) -> None:
    folder = os.environ.get("MOTCUA_OPERATOR_CRDS")
    if not folder:
        pytest.skip("MOTCUA_OPERATOR_CRDS not set: the operators' CRDs are not vendored (deploy/schemas)")
    crds = [doc for path in Path(folder).glob("*.y*ml") for doc in yaml.safe_load_all(path.read_text()) if doc]
    for manifest in (m for m in manifests if (m.doc["apiVersion"], m.kind) in SUBSET_SCHEMAS):
        schemas = [s for crd in crds if (s := crd_schema(crd, manifest.doc["apiVersion"], manifest.kind))]
        assert schemas, f"no CRD for {manifest} in {folder}"
        jsonschema.Draft4Validator(schemas[0]).validate(manifest.doc)


# --- the services --------------------------------------------------------------------------


def container(manifests, service) -> dict:
    return by_kind(manifests, "Deployment")[service.name]["spec"]["template"]["spec"]["containers"][0]


def port_number(container_doc: dict, port: int | str) -> int:
    named = {p["name"]: p["containerPort"] for p in container_doc["ports"] if "name" in p}
    return named[port] if isinstance(port, str) else port


def test_each_service_listens_on_its_settings_port(manifests, app_service) -> None:
    assert [p["containerPort"] for p in container(manifests, app_service)["ports"]] == [app_service.port]


def test_each_service_has_liveness_on_healthz_and_readiness_on_readyz(manifests, app_service) -> None:
    c = container(manifests, app_service)
    for probe, path in (("livenessProbe", "/healthz"), ("readinessProbe", "/readyz"), ("startupProbe", "/healthz")):
        get = c[probe]["httpGet"]
        assert (get["path"], port_number(c, get["port"])) == (path, app_service.port), probe


def test_each_service_has_resource_requests_and_limits(manifests, app_service) -> None:
    resources = container(manifests, app_service)["resources"]
    assert set(resources["requests"]) == set(resources["limits"]) == {"cpu", "memory"}


def test_each_service_is_scraped_by_prometheus_on_metrics(manifests, app_service) -> None:
    annotations = by_kind(manifests, "Deployment")[app_service.name]["spec"]["template"]["metadata"]["annotations"]
    assert annotations == {
        "prometheus.io/scrape": "true", "prometheus.io/port": str(app_service.port), "prometheus.io/path": "/metrics",
    }


def test_each_service_runs_its_own_image_target(manifests, stages, app_service) -> None:
    image = container(manifests, app_service)["image"]
    assert re.fullmatch(rf"[\w.-]+/motcua-{app_service.name}:[\w.-]+", image)
    assert app_service.name in stages


def test_each_service_is_reachable_through_a_service_on_its_port(manifests, app_service) -> None:
    deployment = by_kind(manifests, "Deployment")[app_service.name]
    service = by_kind(manifests, "Service")[app_service.name]
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["selector"].items() <= labels.items()
    assert deployment["spec"]["selector"]["matchLabels"] == service["spec"]["selector"]
    [port] = service["spec"]["ports"]
    assert port_number(container(manifests, app_service), port["targetPort"]) == app_service.port


def test_only_order_free_consumers_autoscale(manifests) -> None:
    hpas = by_kind(manifests, "HorizontalPodAutoscaler")
    deployments = by_kind(manifests, "Deployment")
    targets = {hpa["spec"]["scaleTargetRef"]["name"] for hpa in hpas.values()}
    assert targets == {"survey"}
    for hpa in hpas.values():
        assert hpa["apiVersion"] == "autoscaling/v2"
        target = deployments[hpa["spec"]["scaleTargetRef"]["name"]]
        assert "replicas" not in target["spec"], "the autoscaler owns the replica count"
        assert hpa["spec"]["minReplicas"] >= 2


def test_ordered_consumers_run_one_replica_per_partition_on_the_hash_plugin(manifests) -> None:
    deployments = by_kind(manifests, "Deployment")
    [config] = by_kind(manifests, "ConfigMap").values()
    partitions = int(config["data"]["MOTCUA_PARTITIONS"])
    assert partitions > 1
    for name in ("notify", "reporting"):  # single-active partitions: replicas share them, K at most busy
        assert deployments[name]["spec"]["replicas"] == partitions
    [rabbitmq] = by_kind(manifests, "RabbitmqCluster").values()
    assert "rabbitmq_consistent_hash_exchange" in rabbitmq["spec"]["rabbitmq"]["additionalPlugins"]


def env_of(manifests, service) -> tuple[dict[str, dict], set[str]]:
    """The container's env entries by name, and the names its envFrom ConfigMaps give."""
    c = container(manifests, service)
    config_maps = by_kind(manifests, "ConfigMap")
    from_config = set()
    for source in c.get("envFrom", []):
        assert "secretRef" not in source, "secrets one by one with secretKeyRef, not the whole Secret"
        from_config |= set(config_maps[source["configMapRef"]["name"]]["data"])
    return {e["name"]: e for e in c.get("env", [])}, from_config


def test_each_service_gets_every_setting_a_deployment_must_set(manifests, stages, app_service) -> None:
    env, from_config = env_of(manifests, app_service)
    given = set(env) | from_config | set(stages[app_service.name].env)
    assert sorted(app_service.required_env() - given) == []


def test_each_variable_given_is_one_the_service_reads(manifests, app_service) -> None:
    env, _ = env_of(manifests, app_service)
    values = " ".join(e.get("value", "") for e in env.values())
    helpers = {name for name in env if f"$({name})" in values}  # only composed into another value
    assert sorted(set(env) - app_service.known_env() - helpers) == []


def test_each_config_map_key_is_read_by_some_service(manifests, services) -> None:
    known = set().union(*(s.known_env() for s in services.values()))
    for name, config_map in by_kind(manifests, "ConfigMap").items():
        assert sorted(set(config_map["data"]) - known) == [], name


def test_no_secret_value_is_committed(manifests, example_secrets) -> None:
    assert by_kind(manifests, "Secret") == {}
    for secret in example_secrets:
        assert "example" in secret.path.name
        assert all("EXAMPLE" in value for value in secret.doc["stringData"].values()), secret


def test_every_secret_reference_names_a_known_secret_and_key(manifests, example_secrets, app_service) -> None:
    rabbitmq = next(iter(by_kind(manifests, "RabbitmqCluster")))
    [mongo] = by_kind(manifests, "MongoDBCommunity").values()
    known = {f"{rabbitmq}-default-user": RABBITMQ_USER_KEYS}
    known |= {user["connectionStringSecretName"]: MONGO_CONNECTION_KEYS for user in mongo["spec"]["users"]}
    known |= {s.name: set(s.doc["stringData"]) for s in example_secrets}
    env, _ = env_of(manifests, app_service)
    for entry in env.values():
        if ref := entry.get("valueFrom", {}).get("secretKeyRef"):
            assert ref["key"] in known.get(ref["name"], set()), f"{app_service}: {entry['name']} ← {ref}"


def test_amqp_url_points_at_the_rabbitmq_cluster_with_its_default_user(manifests, app_service) -> None:
    env, _ = env_of(manifests, app_service)
    rabbitmq = next(iter(by_kind(manifests, "RabbitmqCluster")))
    helpers = {"RABBITMQ_USERNAME": "username", "RABBITMQ_PASSWORD": "password", "RABBITMQ_HOST": "host"}
    assert env["AMQP_URL"]["value"] == "amqp://$(RABBITMQ_USERNAME):$(RABBITMQ_PASSWORD)@$(RABBITMQ_HOST):5672/"
    for helper, key in helpers.items():
        assert env[helper]["valueFrom"]["secretKeyRef"] == {"name": f"{rabbitmq}-default-user", "key": key}
    names = list(env)  # Kubernetes expands $(NAME) only from variables defined before
    assert names.index("AMQP_URL") > max(names.index(helper) for helper in helpers)


def test_mongodb_user_may_write_each_service_database_and_its_password_is_referenced(
    manifests, example_secrets, services
) -> None:
    [mongo] = by_kind(manifests, "MongoDBCommunity").values()
    [user] = mongo["spec"]["users"]
    fields = [s.settings.model_fields for s in services.values()]
    databases = {f["db_name"].default for f in fields if "db_name" in f}
    assert {(r["name"], r["db"]) for r in user["roles"]} == {("readWrite", db) for db in databases}
    examples = {s.name: s.doc["stringData"] for s in example_secrets}
    assert user["passwordSecretRef"].get("key", "password") in examples[user["passwordSecretRef"]["name"]]


def test_everything_lives_in_the_motcua_namespace(manifests) -> None:
    assert by_kind(manifests, "Namespace").keys() == {"motcua"}
    assert {m.doc["metadata"].get("namespace") for m in manifests if m.kind != "Namespace"} == {"motcua"}
