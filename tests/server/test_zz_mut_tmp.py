import pytest, server.service as ss
import test_api as ta
def test_mut(make_client, monkeypatch):
    monkeypatch.setattr(ss, "_check_field_types", lambda cmd: None)
    ta.test_any_player_command_gets_an_answer_never_a_500(make_client)
