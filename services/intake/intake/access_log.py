"""Uvicorn's access log without query strings: the public look-up takes the citizen's last four
phone digits as `?phone_last4=`, and an access line must not keep them (Decree 13/2023)."""

import logging


class DropQueryStrings(logging.Filter):
    """Cuts `?…` off the path argument of uvicorn's access record ('%s - "%s %s HTTP/%s" %d')."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], args[2].split("?", 1)[0], *args[3:])
        return True


def drop_query_strings_from_access_log() -> None:
    logging.getLogger("uvicorn.access").addFilter(DropQueryStrings())
