from motcua_shared.contract.envelope import parse_envelope


async def test_receive_publishes(intake, event_probe):
    response = await intake.receive()
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "received"
    messages = await event_probe.wait_for(1)
    env = parse_envelope(messages[0].body)
    assert env.aggregate_id == body["code"]
