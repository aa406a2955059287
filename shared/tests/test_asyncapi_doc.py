"""The AsyncAPI document is generated from the contract, never edited by hand."""

from pathlib import Path

from motcua_shared.contract.asyncapi import render
from motcua_shared.contract.envelope import all_event_models

DOC = Path(__file__).resolve().parents[2] / "docs" / "asyncapi.yaml"


def test_committed_asyncapi_matches_the_contract():
    assert DOC.read_text(encoding="utf-8") == render(), (
        "docs/asyncapi.yaml is stale: run `.venv/bin/motcua-asyncapi > docs/asyncapi.yaml`"
    )


def test_every_event_is_documented():
    text = DOC.read_text(encoding="utf-8")
    for model in all_event_models():
        assert f"address: {model.event_type}" in text
