"""What notify tells citizens: one kind of message per situation, one template per kind."""

from enum import StrEnum


class MessageKind(StrEnum):
    RECEIVED = "received"  # Giấy tiếp nhận hồ sơ và hẹn trả kết quả
    SUPPLEMENT_AT_DESK = "supplement_at_desk"  # Phiếu yêu cầu bổ sung, before receipt
    SUPPLEMENT_IN_PROCESSING = "supplement_in_processing"  # the same, during processing
    # Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết (form 04, Circular 03/2025)
    APOLOGY = "apology"
    RESULT_READY_AT_DESK = "result_ready_at_desk"
    RESULT_READY_AT_HOME = "result_ready_at_home"
    HOME_VISIT_RECEIVE = "home_visit_receive"
    HOME_VISIT_RETURN = "home_visit_return"
    SURVEY_OPENED = "survey_opened"
    REFUSED_AT_DESK = "refused_at_desk"  # Phiếu từ chối tiếp nhận giải quyết hồ sơ
    CONGRATULATIONS_BIRTH = "congratulations_birth"  # thư chúc mừng (seed 003)
    CONGRATULATIONS_MARRIAGE = "congratulations_marriage"
    CONDOLENCES = "condolences"  # thư chia buồn: never with a survey
    FEEDBACK_ANSWERED = "feedback_answered"  # trả lời phản ánh, kiến nghị (survey follow-up)
    FEE_REQUESTED = "fee_requested"  # the fee to pay online, with the payment link
