"""Which returned dossiers get a survey (domain.md, "Satisfaction" and "Telling the citizen")."""

from enum import StrEnum

from motcua_shared.contract.dossier_events import CivilStatusEvent, ResolutionOutcome


class SkipReason(StrEnum):
    DEATH_REGISTRATION = "death_registration"  # condolences only, never a survey
    REFUSED = "refused"  # the result was a refusal: nothing was served to rate
    EXCLUDED_PROCEDURE = "excluded_procedure"  # SURVEY_EXCLUDED_PROCEDURES
    CHILD_TASK = "child_task"  # a linked dossier's agency task: the parent dossier is surveyed


def reason_not_to_survey(
    *,
    outcome: ResolutionOutcome,
    civil_status_event: CivilStatusEvent | None,
    procedure_code: str,
    parent_code: str | None,
    excluded_procedures: frozenset[str],
) -> SkipReason | None:
    """None when the returned dossier should be surveyed, else why not."""
    if civil_status_event == CivilStatusEvent.DEATH:
        return SkipReason.DEATH_REGISTRATION
    if outcome == ResolutionOutcome.REFUSED:
        return SkipReason.REFUSED
    if procedure_code in excluded_procedures:
        return SkipReason.EXCLUDED_PROCEDURE
    if parent_code:
        return SkipReason.CHILD_TASK
    return None
