"""Dossier codes (issue #5 item 2; RULES.md §2): ``<agency identifier>-<YYMMDD>-<XXXX>``,
sequential per agency and day of receipt, never reused; the Circular 04/2025 format with the
system owner's two digits as a setting."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.test import override_settings

from motcua.dossiers import codes
from motcua.dossiers.models import Dossier, DossierCounter
from motcua.dossiers.services import cancel_dossier, refuse_dossier, request_completion
from motcua.org.models import Agency
from tests.dossiers.conftest import filing_for
from tests.dossiers.lifecycle import nov, user


def test_codes_follow_each_other_within_a_day_and_start_again_the_next_day(accepted):
    tuesday = [accepted(at=nov(10, 8)).code, accepted(at=nov(10, 9)).code, accepted(at=nov(10, 16)).code]
    assert tuesday == ["000.15.31.H13-261110-0001", "000.15.31.H13-261110-0002", "000.15.31.H13-261110-0003"]
    # 00:30 on Wednesday in Vietnam is still Tuesday in UTC: the day of receipt is the local one.
    assert accepted(at=nov(11, 0, 30)).code == "000.15.31.H13-261111-0001"
    assert accepted(at=nov(11, 9)).code == "000.15.31.H13-261111-0002"
    assert dict(DossierCounter.objects.values_list("day", "last")) == {
        dt.date(2026, 11, 10): 3, dt.date(2026, 11, 11): 2}


def test_a_cancelled_dossier_keeps_its_code_and_its_number_is_never_given_again(accepted):
    first, second = accepted(at=nov(10, 9)), accepted(at=nov(10, 9, 5))
    cancel_dossier(actor=user("lanhdao"), dossier=second, reason="Tiếp nhận nhầm", at=nov(10, 9, 10))
    third = accepted(at=nov(10, 9, 15))
    assert (first.code[-4:], Dossier.objects.get(pk=second.pk).code[-4:], third.code[-4:]) == (
        "0001", "0002", "0003")
    with pytest.raises(IntegrityError), transaction.atomic():  # and the database refuses a duplicate
        Dossier.objects.filter(pk=third.pk).update(code=first.code)


def test_guidance_and_refusal_draw_no_number(procedure, staff, accepted):
    p = procedure("1.012767")
    request_completion(actor=staff("motcua"), filing=filing_for(p), missing=["Tờ khai"], at=nov(10, 8))
    refuse_dossier(actor=staff("motcua"), filing=filing_for(p), reason="Không thuộc thẩm quyền",
                   at=nov(10, 8))
    assert accepted(at=nov(10, 9)).code.endswith("-0001")


def test_more_than_9999_in_a_day_grows_the_number(accepted, catalogue):
    DossierCounter.objects.create(agency=catalogue, day=dt.date(2026, 11, 10), last=9999)
    assert accepted(at=nov(10, 9)).code == "000.15.31.H13-261110-10000"


@override_settings(MOTCUA_DOSSIER_CODE_FORMAT="tt04_2025", MOTCUA_DOSSIER_CODE_OWNER="01")
def test_the_2025_format_puts_the_owners_two_digits_before_the_number(accepted):
    d = accepted(at=nov(10, 9))
    assert (d.code, d.code_format) == ("000.15.31.H13-261110-010001", "tt04_2025")
    assert accepted(at=nov(10, 10)).code == "000.15.31.H13-261110-010002"


def test_a_dossier_keeps_the_format_it_was_given(accepted):
    old = accepted(at=nov(10, 9))
    with override_settings(MOTCUA_DOSSIER_CODE_FORMAT="tt04_2025", MOTCUA_DOSSIER_CODE_OWNER="07"):
        new = accepted(at=nov(10, 10))
    old = Dossier.objects.get(pk=old.pk)
    assert (old.code, old.code_format) == ("000.15.31.H13-261110-0001", "tt01_2018")
    assert (new.code, new.code_format) == ("000.15.31.H13-261110-070002", "tt04_2025")


@pytest.mark.parametrize(("name", "owner"), [("tt04_2025", "1"), ("tt04_2025", "AB"), ("tt99", "01")])
def test_a_wrong_code_setting_is_reported_plainly(catalogue, name, owner):
    with override_settings(MOTCUA_DOSSIER_CODE_FORMAT=name, MOTCUA_DOSSIER_CODE_OWNER=owner), \
            pytest.raises(ImproperlyConfigured, match="MOTCUA_DOSSIER_CODE"):
        codes.allocate_code(catalogue, dt.date(2026, 11, 10))


def test_each_agency_has_its_own_sequence(accepted, catalogue):
    accepted(at=nov(10, 9))
    accepted(at=nov(10, 9))
    commune = Agency.objects.create(code="000.00.31.H13", name="UBND phường Cái Khế", place_name="Cần Thơ")
    assert codes.next_number(commune, dt.date(2026, 11, 10)) == 1
    assert codes.next_number(catalogue, dt.date(2026, 11, 10)) == 3


def test_lookup_secrets_are_eight_unambiguous_characters():
    secrets = {codes.new_secret() for _ in range(200)}
    assert len(secrets) == 200
    assert all(len(s) == 8 and not set(s) & set("01IO") for s in secrets)
