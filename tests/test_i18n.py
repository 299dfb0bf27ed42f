"""The shared catalog outside the web: a language per locale tag, English for the rest."""

from __future__ import annotations

import pytest

from omnicanal import i18n


@pytest.mark.parametrize(
    ("tag", "expected"),
    [("fr", "fr"), ("fr_FR", "fr"), ("fr-CA", "fr"), ("FR", "fr"), ("en_GB", "en"),
     ("de", "en"), ("", "en"), (None, "en")],
)  # fmt: skip
def test_a_locale_tag_reads_as_a_supported_language_or_english(
    tag: str | None, expected: str
) -> None:
    assert i18n.language(tag) == expected


def test_the_catalog_translates_without_the_web() -> None:
    assert i18n.translations("fr").gettext("Network") == "Réseau"
    assert i18n.translations("en").gettext("Network") == "Network"
