"""Response models; their descriptions are the definitions published in the OpenAPI text."""

from datetime import date, datetime

from pydantic import BaseModel, Field

ON_TIME_RATE = (
    "Tiến độ giải quyết (Quyết định 766/QĐ-TTg): tỷ lệ hồ sơ giải quyết trước hạn và đúng hạn "
    "trên tổng số hồ sơ đã giải quyết trong kỳ = (early + on time) / resolved. A resolution is "
    "early/on time/late by its local date (Asia/Ho_Chi_Minh) against the due date in force, "
    "not counting an apology's new date (late is still late). null when nothing was resolved."
)
ONLINE_RATE = (
    "Dịch vụ trực tuyến (Quyết định 766/QĐ-TTg): tỷ lệ hồ sơ tiếp nhận trực tuyến trên "
    "tổng số hồ sơ "
    "tiếp nhận trong kỳ = received online / received. null when nothing was received."
)
SATISFACTION_RATE = (
    "Mức độ hài lòng (Quyết định 766/QĐ-TTg): tỷ lệ đánh giá hài lòng và rất hài lòng trên tổng "
    "số đánh giá trong kỳ (by answer date) = (satisfied + very satisfied) / answers. "
    "null when nobody answered."
)
DIGITISED_PAPERS_RATE = (
    "Số hoá hồ sơ (Quyết định 766/QĐ-TTg): hồ sơ có giấy tờ được số hoá trong kỳ (counted the "
    "day of the first scan) / received in the period. null when nothing was received."
)
DIGITISED_RESULTS_RATE = (
    "Số hoá kết quả (Quyết định 766/QĐ-TTg): hồ sơ có kết quả được số hoá trong kỳ / resolved in "
    "the period. null when nothing was resolved."
)
ONLINE_PAYMENT_RATE = (
    "Thanh toán trực tuyến (Quyết định 766/QĐ-TTg): phí, lệ phí nộp trực tuyến / tổng số phí, lệ "
    "phí đã nộp qua motcua trong kỳ = paid online / (paid online + paid in cash), by payment date; "
    "waived fees are not in it. null when nothing was paid."
)

FEEDBACK_ON_TIME_RATE = (
    "Phản ánh, kiến nghị được xử lý đúng hạn (Quyết định 766/QĐ-TTg, mức độ hài lòng): "
    "answered on time / received, counted by the day the feedback came in (an open one is "
    "not on time). Feedback = a 'không hài lòng' survey answer or a suggestion-box note that "
    "left a contact; due in SURVEY_FEEDBACK_DUE_WORKING_DAYS working days. null when none "
    "came in."
)


class OneStopRowOut(BaseModel):
    key: str = Field(description="Unit code, field code or procedure code (or 'total')")
    label: str
    carried_over: int = Field(
        description="Kỳ trước chuyển qua: received before `from`, not resolved or "
        "withdrawn before `from`"
    )
    received: int = Field(description="Mới tiếp nhận trong kỳ = online + direct + postal")
    received_online: int = Field(description="Trực tuyến")
    received_direct: int = Field(description="Trực tiếp")
    received_postal: int = Field(description="Qua bưu chính công ích")
    to_handle: int = Field(description="Tổng số phải giải quyết = carried over + received")
    resolved: int = Field(
        description="Đã giải quyết trong kỳ = early + on time + late (any outcome)"
    )
    resolved_early: int = Field(description="Trước hạn")
    resolved_on_time: int = Field(description="Đúng hạn")
    resolved_late: int = Field(description="Quá hạn (an apology does not change it)")
    resolved_refused: int = Field(
        description="Of resolved: the outcome was a refusal (từ chối giải quyết)"
    )
    in_progress: int = Field(description="Đang giải quyết at the end of `to`")
    in_progress_within_time: int = Field(description="Trong hạn")
    in_progress_overdue: int = Field(
        description="Quá hạn as of `to`: due day before `to`, not waiting for "
        "the citizen's supplementary papers"
    )
    withdrawn: int = Field(
        description="Rút hồ sơ in the period (part of to handle, not of resolved)"
    )
    refused_at_desk: int = Field(
        description="Từ chối tiếp nhận at the desk in the period: never received, "
        "so not in to handle"
    )
    on_time_rate: float | None = Field(description=ON_TIME_RATE)
    early_rate: float | None = Field(description="early / resolved")
    online_rate: float | None = Field(description=ONLINE_RATE)


class ReportHead(BaseModel):
    unit: str | None
    province: str | None
    from_: date = Field(alias="from")
    to: date
    group_by: str

    model_config = {"populate_by_name": True}


class OneStopOut(ReportHead):
    rows: list[OneStopRowOut]
    total: OneStopRowOut


class SatisfactionRowOut(BaseModel):
    key: str = Field(description="Unit, procedure, officer id or month (YYYY-MM)")
    label: str
    unsatisfied: int = Field(description="Không hài lòng")
    satisfied: int = Field(description="Hài lòng")
    very_satisfied: int = Field(description="Rất hài lòng")
    answers: int
    satisfied_rate: float | None = Field(description=SATISFACTION_RATE)


class SatisfactionOut(ReportHead):
    rows: list[SatisfactionRowOut]
    total: SatisfactionRowOut


class IndicatorRowOut(BaseModel):
    key: str
    label: str
    resolved: int
    resolved_in_time: int = Field(description="early + on time")
    on_time_rate: float | None = Field(description=ON_TIME_RATE)
    received: int
    received_online: int
    online_rate: float | None = Field(description=ONLINE_RATE)
    answers: int
    satisfied_answers: int = Field(description="satisfied + very satisfied")
    satisfaction_rate: float | None = Field(description=SATISFACTION_RATE)
    feedback_received: int | None = Field(
        None,
        description="Phản ánh, kiến nghị received in the period "
        "(null on field / procedure rows: feedback is a unit's)",
    )
    feedback_answered_on_time: int | None = None
    feedback_answered_late: int | None = None
    feedback_on_time_rate: float | None = Field(None, description=FEEDBACK_ON_TIME_RATE)
    digitised_papers: int = Field(
        description="Dossiers whose papers were first digitised in the period"
    )
    digitised_papers_rate: float | None = Field(description=DIGITISED_PAPERS_RATE)
    digitised_results: int = Field(description="Dossiers whose result was digitised in the period")
    digitised_results_rate: float | None = Field(description=DIGITISED_RESULTS_RATE)
    fees_paid_online: int
    fees_paid_cash: int
    fees_waived: int
    online_payment_rate: float | None = Field(description=ONLINE_PAYMENT_RATE)


class IndicatorsOut(ReportHead):
    rows: list[IndicatorRowOut]
    total: IndicatorRowOut


class DeadlineRowOut(BaseModel):
    key: str
    label: str
    warned: int = Field(description="Dossiers warned (dossier.due_soon) in the period")
    apologised_in_time: int = Field(description="Apologies issued before the statutory due date")
    went_overdue: int = Field(description="Dossiers that became overdue while being processed")
    resolved_late: int = Field(
        description="Resolved after the statutory due date (as the one-stop report)"
    )


class DeadlinesOut(ReportHead):
    rows: list[DeadlineRowOut]
    total: DeadlineRowOut


class OverdueDossierOut(BaseModel):
    code: str
    procedure_code: str
    procedure_name: str
    field_code: str
    received_at: datetime
    due_at: datetime = Field(description="The due date judged by (before any apology)")
    due_at_in_force: datetime = Field(
        description="The date now promised (an apology's new date, if any)"
    )
    apologised: bool
    days_late: int = Field(description="Calendar days (not working days) since the due day")


class OverdueOut(BaseModel):
    unit: str
    as_of: date = Field(description="Today in Asia/Ho_Chi_Minh")
    dossiers: list[OverdueDossierOut]


class FeedbackRowOut(BaseModel):
    key: str = Field(description="Unit code or month (YYYY-MM)")
    label: str
    received: int = Field(description="Phản ánh, kiến nghị received (by the day it came in)")
    answered_on_time: int = Field(description="Of those, answered by the deadline")
    answered_late: int = Field(description="Of those, answered after the deadline")
    open: int = Field(description="Of those, not answered yet")
    on_time_rate: float | None = Field(description=FEEDBACK_ON_TIME_RATE)


class FeedbackOut(ReportHead):
    rows: list[FeedbackRowOut]
    total: FeedbackRowOut
