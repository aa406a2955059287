"""What a unit's leader reads: the monthly tally and the citizens' comments."""

from dataclasses import dataclass

from survey.app.ports import SurveyRepository
from survey.domain.survey import Survey
from survey.domain.tally import Month, Tally, tally


@dataclass(frozen=True)
class MonthlyReport:
    unit_code: str
    month: Month
    tally: Tally
    commented: list[Survey]  # answered surveys with a comment, in answer order


class UnitReports:
    def __init__(self, surveys: SurveyRepository) -> None:
        self.surveys = surveys

    async def month(self, unit_code: str, month: Month) -> MonthlyReport:
        answered = await self.surveys.answered_between(unit_code, month.start, month.end)
        commented = [s for s in answered if s.answer is not None and s.answer.comment]
        return MonthlyReport(
            unit_code, month, tally(s.answer.level for s in answered if s.answer), commented
        )

    async def unit_name(self, unit_code: str) -> str | None:
        """The unit's display name, as the latest returned dossier gave it (None if none yet)."""
        return await self.surveys.unit_name(unit_code)
