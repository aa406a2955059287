"""Issue 14.4 and 14.6: what a citizen's journey leaves behind. The link in the citizen's message
opens the look-up page, not the JSON API. After the journey, no database of the system holds the
citizen's phone, CCCD or name outside intake's dossiers and notify's expiring message log
(survey.opened carried the phone, and survey's outbox kept it forever as its event log)."""

import re

import httpx
from bson import json_util
from pymongo import MongoClient

from notify.settings import NotifySettings

from .kit import UNIT, eventually, new_citizen, receive

# Where the data is needed, and while: intake's dossiers, notify's message log (90-day TTL), and
# survey's `survey_contacts`, the consented phone of an open survey kept only so that an unhappy
# answer's follow-up can tell the citizen its outcome (issue 11): deleted when the survey is
# answered, expired by a TTL index with the link (asserted below).
ALLOWED = {("intake", "dossiers"), ("notify", "messages"), ("survey", "survey_contacts")}


def _desk(system, code: str, action: str, body: dict, role: str = "desk") -> None:
    answer = httpx.post(
        f"{system.urls['intake']}/api/v1/dossiers/{code}/{action}",
        json=body,
        timeout=15,
        headers=system.token({"desk": "desk01", "specialist": "cv01"}[role], UNIT, role),
    )
    assert answer.status_code == 200, (action, answer.text)


def _inbox(system, provider_phone: str) -> list[dict]:
    accepted = httpx.get(system.urls["sandbox"] + "/_sandbox/messages", timeout=10).json()
    return [m for m in accepted if m["phone"] == provider_phone]


def _leftovers(client: MongoClient, system, needles: list[str]) -> list[str]:
    found = []
    for service in ("intake", "notify", "survey", "reporting"):
        db = client[system.db_name(service)]
        for name in db.list_collection_names():
            if (service, name) in ALLOWED:
                continue
            for doc in db[name].find():
                text = json_util.dumps(doc, ensure_ascii=False)
                found += [f"{service}.{name}: {needle}" for needle in needles if needle in text]
    return found


def test_a_journey_leaves_personal_data_only_where_it_is_needed(system, mongodb_url):
    citizen = new_citizen("Lê Hoàng Phương Thảo")
    code = receive(system, citizen)
    _desk(system, code, "hand-over", {"to_officer_id": "cv01", "step": "chuyen-mon"})
    _desk(system, code, "resolve", {"outcome": "approved", "reason": None}, role="specialist")
    _desk(system, code, "return", {"method": "at_desk"})

    national = citizen["phone"][1:]  # 912…: every way the number is written
    got = eventually(
        lambda: (lambda ms: ms if len(ms) >= 3 else None)(_inbox(system, "84" + national)),
        what="received, resolved and survey messages",
    )
    link = next(
        m["template_data"]["link_tra_cuu"]
        for m in got
        if "link_tra_cuu" in m.get("template_data", {})
    )
    base = system.env.get("NOTIFY_LOOKUP_URL", NotifySettings.model_fields["lookup_url"].default)
    assert link == f"{base}/{code}"  # the citizen look-up page, never /api/v1/public/dossiers/…

    with MongoClient(mongodb_url) as client:

        def published() -> bool:
            return all(
                client[system.db_name(s)]["outbox"].count_documents({"status": "pending"}) == 0
                for s in ("intake", "survey", "notify")
            )

        eventually(published, what="every outbox published")
        eventually(
            lambda: client[system.db_name("reporting")]["dossiers"].find_one({"_id": code}),
            what="reporting's projection",
        )
        name_parts = [citizen["full_name"], "Phương Thảo"]
        needles = [national, "84" + national, citizen["cccd"], *name_parts]
        assert _leftovers(client, system, needles) == []
        # where they are needed, they are
        assert client[system.db_name("intake")]["dossiers"].find_one({"_id": code}) is not None
        assert re.search(
            national,
            json_util.dumps(
                list(client[system.db_name("notify")]["messages"].find({"dossier_code": code}))
            ),
        )
        # and only while: the message log and the open survey's contact expire
        for service, name in (("notify", "messages"), ("survey", "survey_contacts")):
            indexes = client[system.db_name(service)][name].index_information().values()
            assert any("expireAfterSeconds" in index for index in indexes), (
                f"{service}.{name} never expires"
            )
