"""The identity keys the gate, the importers and /reconcile share (kernel/names.py)."""

from __future__ import annotations

import pytest

from rivalry.kernel.names import name_key, normalise, url_key


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Huawei Technologies Co. Ltd", "Huawei Technologies Co., Ltd."),
        ("Huawei Technologies", "HUAWEI TECHNOLOGIES CO., LTD."),
        (
            "Semiconductor Manufacturing International Corp.",
            "Semiconductor Manufacturing International Corporation",
        ),
        ("Ministère du Commerce", "ministere du commerce"),
        ("Infineon Technologies AG", "Infineon Technologies"),
    ],
)
def test_variants_of_one_name_share_a_key(a: str, b: str) -> None:
    assert name_key(a) == name_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [("Huawei Technologies", "Huawei Cloud"), ("Group", "Holdings"), ("BIS", "BIT")],
)
def test_different_names_keep_different_keys(a: str, b: str) -> None:
    assert name_key(a) != name_key(b)


def test_a_name_that_is_only_a_legal_form_keeps_it() -> None:
    assert name_key("Group") == "group"
    assert normalise("  Co.,  Ltd. ") == "co ltd"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("https://www.example.com/news/a/", "http://example.com/news/a"),
        ("https://example.com/a?utm_source=x&id=3", "https://example.com/a?id=3"),
        ("https://EXAMPLE.com:443/a#top", "https://example.com/a"),
    ],
)
def test_one_document_under_url_variants(a: str, b: str) -> None:
    assert url_key(a) == url_key(b)


def test_query_parameters_that_select_a_document_are_kept() -> None:
    assert url_key("https://example.com/a?id=3") != url_key("https://example.com/a?id=4")
