"""Domain errors; the API turns them into HTTP answers (JSON or a friendly page)."""


class SurveyError(Exception):
    """Base of the errors a citizen or an officer can meet when answering."""


class SurveyNotFound(SurveyError):
    """No survey for this link or dossier (unknown, or never opened)."""


class SurveyExpired(SurveyError):
    """The link's time is over; the survey can no longer be answered."""


class SurveyAlreadyAnswered(SurveyError):
    """One answer per dossier: this one already has it."""


class NotYourUnit(SurveyError):
    """An officer tried to act on another unit's survey."""


class FollowUpError(Exception):
    """Base of the errors a leader can meet when answering a follow-up."""


class FollowUpNotFound(FollowUpError):
    """No follow-up with this id in this unit."""


class FollowUpAlreadyAnswered(FollowUpError):
    """A follow-up is answered once."""
