"""uvicorn's access log without what would undo the service's promises: no client address on
the suggestion box (anonymity) and no survey token (a live link is a capability)."""

import logging
import re

_SUGGESTION_PATHS = re.compile(r"^/(hop-thu/|api/v1/units/[^/]+/suggestions)")
_SURVEY_LINK = re.compile(r"^/s/[^/?]+")


class PrivateAccessFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and len(record.args) == 5:
            client, method, path, version, status = record.args
            if _SUGGESTION_PATHS.match(str(path)):
                client = "-"
            path = _SURVEY_LINK.sub("/s/<token>", str(path))
            record.args = (client, method, path, version, status)
        return True


def install_private_access_log() -> None:
    logging.getLogger("uvicorn.access").addFilter(PrivateAccessFilter())
