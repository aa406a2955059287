"""Domain errors as the JSON API's bilingual 4xx answers."""

from motcua_shared.web.api_errors import ApiError
from motcua_shared.web.auth import forbidden

from survey.domain.errors import (
    FollowUpAlreadyAnswered,
    FollowUpError,
    FollowUpNotFound,
    NotYourUnit,
    SurveyAlreadyAnswered,
    SurveyError,
    SurveyExpired,
    SurveyNotFound,
)


def api_error(error: SurveyError) -> ApiError:
    if isinstance(error, SurveyNotFound):
        return ApiError(
            404,
            "survey_not_found",
            "Không có phiếu khảo sát đang mở cho hồ sơ này",
            "No open survey for this dossier",
            field="code",
        )
    if isinstance(error, SurveyExpired):
        return ApiError(
            410, "survey_expired", "Phiếu khảo sát đã hết hạn", "The survey has expired"
        )
    if isinstance(error, SurveyAlreadyAnswered):
        return ApiError(
            409,
            "survey_already_answered",
            "Hồ sơ này đã được đánh giá, mỗi hồ sơ chỉ một lần",
            "This dossier's survey is already answered (one answer per dossier)",
        )
    if isinstance(error, NotYourUnit):
        return forbidden("Hồ sơ thuộc đơn vị khác", "The dossier belongs to another unit")
    raise TypeError(f"unmapped survey error {error!r}")


def follow_up_error(error: FollowUpError | NotYourUnit) -> ApiError:
    if isinstance(error, FollowUpNotFound):
        return ApiError(
            404,
            "follow_up_not_found",
            "Không có phản ánh, kiến nghị này trong đơn vị",
            "No such follow-up in this unit",
            field="follow_up_id",
        )
    if isinstance(error, FollowUpAlreadyAnswered):
        return ApiError(
            409,
            "follow_up_already_answered",
            "Phản ánh, kiến nghị này đã được trả lời",
            "This follow-up is already answered",
        )
    if isinstance(error, NotYourUnit):
        return forbidden(
            "Phản ánh, kiến nghị thuộc đơn vị khác", "The follow-up belongs to another unit"
        )
    raise TypeError(f"unmapped follow-up error {error!r}")
