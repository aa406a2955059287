"""Which secrets a service refuses: its public default, an example value, a short one."""

import pytest

from motcua_shared.config.settings import CommonSettings
from motcua_shared.ops.secrets_check import refuse_weak_secrets, weak_secrets

STRONG = "Qm9yZWQtYnV0LXJhbmRvbS1lbm91Z2gtMzItY2hhcnM"


@pytest.mark.parametrize(
    "secret",
    [
        CommonSettings.model_fields["jwt_secret"].default,
        "change-me-to-a-long-random-value-please-0123",
        "EXAMPLE-replace-with-a-long-random-value",
        "short-secret",
    ],
)
def test_public_example_or_short_secrets_are_weak(secret):
    assert weak_secrets(CommonSettings(jwt_secret=secret)) == ["JWT_SECRET"]
    with pytest.raises(SystemExit):
        refuse_weak_secrets(CommonSettings(jwt_secret=secret, dev_insecure=False), "test")


def test_a_strong_secret_passes_and_the_flag_lets_a_weak_one_start(caplog):
    refuse_weak_secrets(CommonSettings(jwt_secret=STRONG), "test")
    refuse_weak_secrets(CommonSettings(jwt_secret="short", dev_insecure=True), "test")
    [line] = caplog.messages
    assert "MOTCUA_DEV_INSECURE=1" in line and "JWT_SECRET" in line
