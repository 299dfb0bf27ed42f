import base64
import time

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from omnicanal.events import signing


def test_new_secret_is_whsec_and_24_random_bytes() -> None:
    secret = signing.new_secret()
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) == 24
    assert signing.new_secret() != secret


def test_signature_verifies_with_the_standard_webhooks_library() -> None:
    secret = signing.new_secret()
    body = b'{"type":"order.placed","data":{"total":1999}}'
    headers = signing.headers(secret, "evt_1", int(time.time()), body)
    assert Webhook(secret).verify(body, headers) == {
        "type": "order.placed",
        "data": {"total": 1999},
    }


def test_a_tampered_body_is_rejected() -> None:
    secret = signing.new_secret()
    headers = signing.headers(secret, "evt_1", int(time.time()), b'{"total":1999}')
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(b'{"total":1}', headers)


def test_another_secret_or_message_id_does_not_verify() -> None:
    secret, body, now = signing.new_secret(), b"{}", int(time.time())
    headers = signing.headers(secret, "evt_1", now, body)
    with pytest.raises(WebhookVerificationError):
        Webhook(signing.new_secret()).verify(body, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body, {**headers, "webhook-id": "evt_2"})


def test_signature_matches_the_specification_example() -> None:
    # The worked example of the Standard Webhooks specification.
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    msg_id = "msg_p5jXN8AQM9LWM0D4loKWxJek"
    body = b'{"test": 2432232314}'
    expected = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    assert signing.sign(secret, msg_id, 1614265330, body) == expected


def test_headers_name_the_message_and_its_time() -> None:
    headers = signing.headers(signing.new_secret(), "evt_1", 1700000000, b"{}")
    assert headers["webhook-id"] == "evt_1"
    assert headers["webhook-timestamp"] == "1700000000"
    assert headers["webhook-signature"].startswith("v1,")
