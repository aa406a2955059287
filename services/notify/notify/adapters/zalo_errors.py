"""ZNS answer codes and what each means for us.

From Zalo's ZNS error-code guide (zalo.cloud, "Cách xử lý mã lỗi"): 0 success; -100 unknown
error, try again later; -101…-107 application / OA set-up; -108 phone number invalid; -109
template id invalid; -110 Zalo version unsupported; -111/-112 template data empty/invalid;
-114 user inactive, rejecting ZNS or on an old Zalo; -115 out of quota; -117 no permission for
the template; -118 Zalo account not existed; -119 account cannot receive ZNS; -124 access
token invalid; -139/-141 user refused ZNS (of this type / from this OA); -144 OA over its
daily quota. Codes not listed are treated as permanent for Zalo (the message goes to SMS).
"""

from notify.domain.delivery_policy import Outcome

ACCESS_TOKEN_INVALID = -124

NOT_ON_ZALO = {
    -108: "phone number invalid for Zalo",
    -110: "Zalo version unsupported",
    -114: "user inactive or not receiving ZNS",
    -118: "Zalo account not existed",
    -119: "account cannot receive ZNS",
    -139: "user refused this type of ZNS",
    -141: "user refused ZNS from this OA",
}
TRANSIENT = {
    -100: "unknown error, try again later",
    -144: "OA over its daily quota",
}


def classify(code: int) -> Outcome:
    if code == 0:
        return Outcome.ACCEPTED
    if code in NOT_ON_ZALO:
        return Outcome.NOT_ON_CHANNEL
    if code in TRANSIENT:
        return Outcome.TRANSIENT
    return Outcome.PERMANENT
