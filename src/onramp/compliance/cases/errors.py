"""Errors of case work, with stable codes (mapped to problem+json at the API edge)."""

from __future__ import annotations

from onramp.core.errors import Conflict, InvalidInput, NotFound


class CaseNotFound(NotFound):
    code = "compliance_case_not_found"
    title = "Compliance case not found"


class CaseAlreadyDecided(Conflict):
    code = "compliance_case_decided"
    title = "The case is already decided; a decided case takes no further decision"


class CaseDecisionPending(Conflict):
    code = "compliance_case_decision_pending"
    title = "A release of this case awaits a second officer's approval"


class AttachmentNotFound(NotFound):
    code = "compliance_attachment_not_found"
    title = "Attachment not found"


class AttachmentTooLarge(InvalidInput):
    code = "attachment_too_large"
    title = "The file is larger than attachments may be"


class AttachmentEmpty(InvalidInput):
    code = "attachment_empty"
    title = "The file is empty"


class AttachmentTypeRefused(InvalidInput):
    code = "attachment_type_refused"
    title = "Files of this content type cannot be attached"


class CaseCursorInvalid(InvalidInput):
    code = "cursor_invalid"
    title = "The cursor is not one this list returned"
