"""Digitised files (type from the bytes, limits, names) and the fee's rules, without I/O, and the
fee use cases on the in-memory fakes."""

from datetime import datetime

import pytest

from motcua_shared.contract.dossier_events import FeePaid, FeeWaived, ResolutionOutcome
from motcua_shared.vietnam.timeutil import VN_TZ

from intake.app import fees, resolve
from intake.app.context import Actor
from intake.app.receive import Submission, receive_dossier
from intake.app.verification import initials
from intake.domain.citizen import Citizen
from intake.domain.errors import IllegalTransition
from intake.domain.fees import format_vnd
from intake.domain.files import FileTooLarge, UnsupportedFileType, check_file, safe_name, sniff_type
from intake.domain.lifecycle import DeskCheck

from .fakes import fake_app

DESK = Actor("desk-01", "26734")
SPECIALIST = Actor("cm-01", "26734")
CITIZEN = Citizen(
    full_name="Trần Thị Bích", cccd="079203001234", phone="+84912345678", consent=True
)
MORNING = datetime(2026, 3, 10, 10, 0, tzinfo=VN_TZ)


@pytest.mark.parametrize(
    ("head", "mime"),
    [
        (b"%PDF-1.7\n", "application/pdf"),
        (b"\xff\xd8\xff\xe0", "image/jpeg"),
        (b"\x89PNG\r\n\x1a\n\0", "image/png"),
    ],
)
def test_the_type_comes_from_the_bytes(head, mime):
    assert sniff_type(head) == mime


@pytest.mark.parametrize(
    "head", [b"", b"GIF89a", b"PK\x03\x04", b"MZ\x90", b"<html>", b" %PDF-1.4"]
)
def test_anything_else_is_refused_whatever_its_name(head):
    with pytest.raises(UnsupportedFileType):
        sniff_type(head)


def test_limits_per_file_and_per_dossier():
    data = b"%PDF-" + b"x" * 95
    assert check_file(data, 100, 0, 1000)[0] == "application/pdf"
    with pytest.raises(FileTooLarge) as per_file:
        check_file(data + b"x", 100, 0, 1000)
    assert per_file.value.what == "file"
    with pytest.raises(FileTooLarge) as per_dossier:
        check_file(data, 100, 901, 1000)
    assert per_dossier.value.what == "dossier"


def test_display_names_lose_paths_and_header_breaking_characters():
    assert safe_name("C:\\scans\\to khai.pdf", "application/pdf") == "to khai.pdf"
    assert safe_name('../../a"b;\r\n.png', "image/png") == "ab.png"
    assert safe_name(None, "image/jpeg") == "tep.jpg"


def test_money_and_initials_as_citizens_read_them():
    assert format_vnd(30000) == "30.000 đ" and format_vnd(1250000) == "1.250.000 đ"
    assert initials("Nguyễn Văn An") == "N.V.A." and initials("  Lê   Thị  ") == "L.T."


def submission(procedure: str) -> Submission:
    return Submission(
        procedure_code=procedure, channel="direct", desk_check=DeskCheck.COMPLETE, citizen=CITIZEN
    )


async def test_a_fee_due_at_receipt_is_paid_once_or_waived_before_resolution():
    app, store, _ = fake_app(MORNING)
    code = (await receive_dossier(app, DESK, submission("2.000884"))).code
    with pytest.raises(IllegalTransition):
        await resolve.resolve(app, SPECIALIST, code, ResolutionOutcome.APPROVED, None)
    paid = await fees.pay_cash(app, DESK, code, "BL-01")
    assert paid.fee is not None and paid.fee.settled and paid.fee.receipt_no == "BL-01"
    with pytest.raises(IllegalTransition):
        await fees.waive(app, DESK, code, "Miễn")
    await resolve.resolve(app, SPECIALIST, code, ResolutionOutcome.APPROVED, None)
    assert [type(e.payload) for e in store.events].count(FeePaid) == 1

    other = (await receive_dossier(app, DESK, submission("2.000884"))).code
    await fees.waive(app, DESK, other, "Hộ nghèo được miễn")
    await resolve.resolve(app, SPECIALIST, other, ResolutionOutcome.APPROVED, None)
    assert isinstance(store.events[-2].payload, FeeWaived)


async def test_no_fee_rule_for_a_procedure_not_collected_through_motcua():
    app, _, _ = fake_app(MORNING)
    code = (await receive_dossier(app, DESK, submission("1.001699"))).code
    with pytest.raises(IllegalTransition):
        await fees.pay_cash(app, DESK, code, "BL-02")
    await resolve.resolve(app, SPECIALIST, code, ResolutionOutcome.APPROVED, None)
