"""Status transitions, effective status and expiry, next steps, tier limits, submission rules."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from onramp.core.settings import KycSettings
from onramp.kyc.adapters.base import DocumentData
from onramp.kyc.errors import KycSubmissionInvalid, KycTransitionInvalid
from onramp.kyc.models import KycCase
from onramp.kyc.service import effective_status, next_step, refresh_due
from onramp.kyc.states import KycStatus, can_move, check_move
from onramp.kyc.submission import PostalAddress, Submission, age_on, check_submission
from onramp.kyc.tiers import limits_for

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
SETTINGS = KycSettings(review_period_days=365, refresh_notice_days=30)
S = KycStatus


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (S.PENDING, S.APPROVED),
        (S.PENDING, S.REJECTED),
        (S.PENDING, S.NEEDS_MORE_INFO),
        (S.PENDING, S.EXPIRED),
        (S.NEEDS_MORE_INFO, S.PENDING),
        (S.APPROVED, S.EXPIRED),
        (S.APPROVED, S.REJECTED),
    ],
)
def test_allowed_moves(current: KycStatus, target: KycStatus) -> None:
    assert can_move(current, target)
    check_move(current, target)


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (S.REJECTED, S.APPROVED),
        (S.REJECTED, S.PENDING),
        (S.EXPIRED, S.APPROVED),
        (S.EXPIRED, S.PENDING),
        (S.APPROVED, S.APPROVED),
        (S.APPROVED, S.PENDING),
        (S.NEEDS_MORE_INFO, S.APPROVED),
        (S.PENDING, S.PENDING),
    ],
)
def test_refused_moves(current: KycStatus, target: KycStatus) -> None:
    assert not can_move(current, target)
    with pytest.raises(KycTransitionInvalid):
        check_move(current, target)


def case(status: KycStatus, *, expires_at: datetime | None = None, tier: int = 1) -> KycCase:
    return KycCase(
        id=uuid.uuid4(),
        customer_id=uuid.uuid4(),
        status=status.value,
        tier_requested=tier,
        tier_granted=tier if status == S.APPROVED else 0,
        expires_at=expires_at,
    )


def test_an_approval_past_its_review_date_is_expired() -> None:
    approved = case(S.APPROVED, expires_at=NOW + timedelta(days=1))
    assert effective_status(approved, NOW) == S.APPROVED
    assert effective_status(approved, NOW + timedelta(days=1)) == S.EXPIRED
    assert effective_status(case(S.PENDING), NOW + timedelta(days=9999)) == S.PENDING


def test_refresh_is_asked_within_the_notice_period_and_after_expiry() -> None:
    approved = case(S.APPROVED, expires_at=NOW + timedelta(days=31))
    assert not refresh_due(approved, NOW, SETTINGS)
    assert next_step(approved, NOW, SETTINGS) == "none"
    in_notice = NOW + timedelta(days=2)
    assert refresh_due(approved, in_notice, SETTINGS)
    assert next_step(approved, in_notice, SETTINGS) == "refresh"
    after = NOW + timedelta(days=40)
    assert refresh_due(approved, after, SETTINGS)
    assert next_step(approved, after, SETTINGS) == "refresh"


@pytest.mark.parametrize(
    ("status", "step"),
    [
        (S.PENDING, "wait"),
        (S.NEEDS_MORE_INFO, "resubmit"),
        (S.REJECTED, "contact_support"),
        (S.EXPIRED, "refresh"),
    ],
)
def test_next_step_by_status(status: KycStatus, step: str) -> None:
    assert next_step(case(status), NOW, SETTINGS) == step
    assert next_step(None, NOW, SETTINGS) == "submit"


def test_tier_limits_come_from_settings() -> None:
    settings = KycSettings(tier1_daily_eur=Decimal("1000"), tier1_monthly_eur=Decimal("5000"))
    assert limits_for(0, settings).may_order is False
    one = limits_for(1, settings)
    assert (one.daily_eur, one.monthly_eur, one.may_order) == (Decimal(1000), Decimal(5000), True)
    two = limits_for(2, settings)
    assert two.daily_eur > one.daily_eur
    assert two.monthly_eur > one.monthly_eur
    business = limits_for(3, settings)  # KYB
    assert (business.daily_eur, business.monthly_eur) == (Decimal(250000), Decimal(2000000))
    with pytest.raises(ValueError, match="no KYC tier 4"):
        limits_for(4, settings)


def submission(tier: int = 1, *types: str, born: date = date(1990, 5, 17)) -> Submission:
    return Submission(
        tier=tier,
        given_names="Ada",
        surname="Lovelace",
        date_of_birth=born,
        nationality="GB",
        address=PostalAddress(line1="1 Main St", city="London", postal_code="N1", country="GB"),
        documents=tuple(DocumentData(type=t, filename=f"{t}.jpg") for t in types or ("passport",)),
    )


def test_a_complete_submission_passes() -> None:
    check_submission(submission(1, "passport"), now=NOW)
    check_submission(submission(2, "id_card", "proof_of_address"), now=NOW)


@pytest.mark.parametrize(
    ("sub", "problem"),
    [
        (submission(1, "selfie"), "an identity document is needed"),
        (submission(2, "passport"), "tier 2 needs a proof_of_address document"),
        (submission(1, born=date(2030, 1, 1)), "date_of_birth must be in the past"),
        (submission(1, born=date(2010, 1, 1)), "at least 18"),
    ],
)
def test_incomplete_submissions_say_what_is_missing(sub: Submission, problem: str) -> None:
    with pytest.raises(KycSubmissionInvalid, match=problem) as raised:
        check_submission(sub, now=NOW)
    assert "Lovelace" not in raised.value.detail  # never echoes personal data


def test_age_counts_birthdays() -> None:
    assert age_on(date(2008, 11, 23), date(2026, 11, 22)) == 17
    assert age_on(date(2008, 11, 22), date(2026, 11, 22)) == 18
