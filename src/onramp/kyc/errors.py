"""KYC errors: stable codes, no HTTP (the API edge maps kinds to statuses)."""

from __future__ import annotations

from onramp.core.errors import Conflict, InvalidInput, NotFound, Unauthenticated, Unavailable


class KycTransitionInvalid(Conflict):
    code = "kyc_transition_invalid"
    title = "The KYC case cannot change that way"


class KycCasePending(Conflict):
    code = "kyc_case_pending"
    title = "A KYC check is already in progress; wait for its result"


class KycRejected(Conflict):
    code = "kyc_rejected"
    title = "Identity verification was rejected; contact support"


class KycAlreadyVerified(Conflict):
    code = "kyc_already_verified"
    title = "This tier is already verified and not yet due for review"


class KycSubmissionInvalid(InvalidInput):
    code = "kyc_submission_invalid"
    title = "The KYC submission is incomplete or invalid"


class KycVendorUnavailable(Unavailable):
    code = "kyc_vendor_unavailable"
    title = "The identity-verification vendor could not be reached; try again later"


class UnknownKycVendor(NotFound):
    code = "unknown_kyc_vendor"
    title = "No KYC vendor adapter is configured under this name"


class KycCaseNotFound(NotFound):
    code = "kyc_case_not_found"
    title = "No KYC case matches"


class InvalidKycWebhookSignature(Unauthenticated):
    code = "webhook_signature_invalid"
    title = "The webhook signature is missing, stale or wrong"


class MalformedKycNotification(InvalidInput):
    code = "kyc_notification_malformed"
    title = "The KYC vendor notification could not be read"


class KybSubmissionInvalid(InvalidInput):
    code = "kyb_submission_invalid"
    title = "The business verification (KYB) submission is incomplete or invalid"
    public_extra = frozenset({"problems"})
