"""A NUL character in an address or a query string is a 400 with a message, not a server error
(PostgreSQL cannot take text with NUL)."""

import pytest

MESSAGE = "Địa chỉ hoặc tham số có ký tự không hợp lệ."


@pytest.mark.parametrize("url", ["/dich-vu-cong/thu-tuc/%00/", "/dich-vu-cong/thu-tuc/?field=%00"])
def test_a_null_character_is_answered_400(db, client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert response.content.decode() == MESSAGE


@pytest.mark.parametrize("url", ["/api/v1/procedures/%00", "/api/v1/procedures?q=a%00b"])
def test_the_api_answers_it_in_its_error_shape(db, client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert response.json() == {"detail": MESSAGE}
