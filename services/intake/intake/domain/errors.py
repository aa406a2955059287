"""Domain errors. The API turns them into HTTP answers (see api/errors.py); nothing here
knows about HTTP or MongoDB."""

from motcua_shared.contract.dossier_events import DossierStatus


class DomainError(Exception):
    """Base of every rule the domain refuses."""


class IllegalTransition(DomainError):
    """The action is not allowed from the dossier's current state (HTTP 409)."""

    def __init__(
        self, action: str, current: DossierStatus, detail_vi: str = "", detail_en: str = ""
    ) -> None:
        self.action, self.current = action, current
        self.detail_vi = (
            detail_vi or f"Không thể thực hiện '{action}' khi hồ sơ ở trạng thái '{current}'"
        )
        self.detail_en = detail_en or f"Action '{action}' is not allowed in status '{current}'"
        super().__init__(self.detail_en)


class RuleViolation(DomainError):
    """Input that breaks a domain rule, naming the field (HTTP 422)."""

    def __init__(self, field: str, vi: str, en: str) -> None:
        self.field, self.vi, self.en = field, vi, en
        super().__init__(f"{field}: {en}")


class NotFound(DomainError):
    """An unknown dossier, unit, procedure or task (HTTP 404)."""

    def __init__(self, what: str, key: str) -> None:
        self.what, self.key = what, key
        super().__init__(f"{what} {key} not found")


class WrongUnit(DomainError):
    """An officer acting on another unit's dossier (HTTP 403)."""


class ConcurrentUpdate(DomainError):
    """The dossier changed under us (its version moved since it was read); the caller may retry
    (HTTP 409). Raised by the unit of work's save, answered by the API."""
