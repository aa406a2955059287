"""The work lists the desk shows (intake's `/api/v1/worklists/{name}`), in the order an officer
reads them in the morning, with Vietnamese titles (Decree 118/2025/NĐ-CP: follow every dossier
to its due date)."""

WORK_LISTS: dict[str, str] = {
    "received_today": "Tiếp nhận hôm nay",
    "mine": "Hồ sơ đang ở chỗ tôi",
    "due_soon": "Đến hạn trong 2 ngày làm việc",
    "overdue": "Quá hạn",
    "awaiting_supplement": "Chờ bổ sung",
    "ready_to_return": "Chờ trả kết quả",
    "home_visits": "Hẹn đến tận nhà trong tháng",
}
