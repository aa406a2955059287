"""What an HTTP status from a provider means: shared by the Zalo and SMS clients."""

from notify.domain.delivery_policy import Outcome


def http_outcome(status_code: int) -> Outcome:
    """For a provider answer that is not a 200: rate limit and server errors pass, 4xx do not."""
    return Outcome.TRANSIENT if status_code == 429 or status_code >= 500 else Outcome.PERMANENT
