"""Roles and what each may do: the permission matrix. Every API route declares the permission
it needs (``require``) or is explicitly public; anything else is denied."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    CUSTOMER = "customer"
    SUPPORT = "support"
    COMPLIANCE_OFFICER = "compliance_officer"
    TREASURER = "treasurer"
    AUDITOR = "auditor"  # read-only
    ADMIN = "admin"


class Permission(StrEnum):
    QUOTES_CREATE = "quotes:create"
    ORDERS_CREATE = "orders:create"
    ORDERS_READ_OWN = "orders:read_own"
    ORDERS_READ_ANY = "orders:read_any"  # any customer's order, its history and payout (staff)
    # Retry a failed order's payout or refund its fiat: request or approve (four-eyes).
    ORDERS_OPERATE = "orders:operate"
    SESSIONS_MANAGE_OWN = "sessions:manage_own"
    PROFILE_MANAGE_OWN = "profile:manage_own"  # profile, preferences, data export
    USERS_MANAGE = "users:manage"  # propose role changes (executed after a second approval)
    USERS_READ = "users:read"  # the staff list: who holds which role, who was deactivated
    APPROVALS_READ = "approvals:read"  # the four-eyes requests and their decisions
    APPROVALS_DECIDE = "approvals:decide"  # approve or reject others' pending requests
    API_KEYS_MANAGE_OWN = "api_keys:manage_own"  # create, list, rotate, revoke one's API keys
    BANK_ACCOUNTS_MANAGE_OWN = "bank_accounts:manage_own"  # add (step-up), list, remove
    WALLETS_MANAGE_OWN = "wallets:manage_own"  # the address book of payout destinations
    KYC_MANAGE_OWN = "kyc:manage_own"  # submit one's identity for verification, see its status
    # Register, list, remove one's webhook endpoints; read their deliveries, replay one.
    WEBHOOKS_MANAGE_OWN = "webhooks:manage_own"
    KYC_REVIEW = "kyc:review"  # list customers' KYC cases (compliance)
    COMPLIANCE_SCREEN = "compliance:screen"  # screen names/addresses, read screening records
    # Work compliance cases: assign, comment, attach evidence, decide (release, refund, SAR).
    COMPLIANCE_CASES = "compliance:cases"
    COMPLIANCE_CASES_READ = "compliance:cases_read"  # read cases, evidence and SAR drafts
    COMPLIANCE_REPORTS = "compliance:reports"  # CTR, screening statistics, auditors' exports
    DEPOSITS_READ = "deposits:read"  # the suspense work queue and any deposit
    DEPOSITS_RESOLVE = "deposits:resolve"  # assign a suspense deposit to an order, or return it
    REFUNDS_READ = "refunds:read"  # the refunds and their state (staff, read-only)
    # Send an unmatched deposit back to its sender (four-eyes above the threshold).
    REFUNDS_MANAGE = "refunds:manage"
    TREASURY_READ = "treasury:read"  # wallets, balances, positions, rebalancing proposals
    TREASURY_MANAGE = "treasury:manage"  # liquidity policies; propose and cancel rebalancing
    # Sign a rebalancing proposal with one's own Safe owner key (a person's act).
    TREASURY_SIGN = "treasury:sign"
    TREASURY_RISK_READ = "treasury:risk_read"  # the payouts' circuit breaker and its state
    # Trip the breaker by hand; request or approve (four-eyes) its resumption.
    TREASURY_RISK_MANAGE = "treasury:risk_manage"
    RECON_READ = "recon:read"  # reconciliation runs and the breaks queue
    # Work breaks: assign, comment, resolve (four-eyes when the resolution posts an entry).
    RECON_RESOLVE = "recon:resolve"
    CUSTOMERS_READ = "customers:read"  # find any customer; their profile, KYC, orders, sessions
    # Put a customer's account on hold (no new quote or order) and lift it, with a reason.
    CUSTOMERS_FREEZE = "customers:freeze"
    # Open the back office's pages (/admin, every staff role; its pages then need their own).
    BACK_OFFICE = "back_office:open"
    AUDIT_READ = "audit:read"  # the audit log's records and its chain's verification
    ALERTS_READ = "alerts:read"  # the operators' alerts, their history and silences
    ALERTS_MANAGE = "alerts:manage"  # acknowledge, resolve, silence (the on-call)


_CUSTOMER = frozenset(
    {
        Permission.QUOTES_CREATE,
        Permission.ORDERS_CREATE,
        Permission.ORDERS_READ_OWN,
        Permission.SESSIONS_MANAGE_OWN,
        Permission.PROFILE_MANAGE_OWN,
        Permission.API_KEYS_MANAGE_OWN,
        Permission.BANK_ACCOUNTS_MANAGE_OWN,
        Permission.WALLETS_MANAGE_OWN,
        Permission.KYC_MANAGE_OWN,
        Permission.WEBHOOKS_MANAGE_OWN,
    }
)
_STAFF = frozenset(
    {
        Permission.BACK_OFFICE,
        Permission.SESSIONS_MANAGE_OWN,
        Permission.PROFILE_MANAGE_OWN,
        Permission.API_KEYS_MANAGE_OWN,
    }
)

_CASEWORK = frozenset({Permission.COMPLIANCE_CASES, Permission.COMPLIANCE_CASES_READ})
_REFUNDS = frozenset({Permission.REFUNDS_READ, Permission.REFUNDS_MANAGE})
_TREASURY_RISK = frozenset({Permission.TREASURY_RISK_READ, Permission.TREASURY_RISK_MANAGE})
_ORDER_OPERATIONS = frozenset({Permission.ORDERS_READ_ANY, Permission.ORDERS_OPERATE})
_RECON = frozenset({Permission.RECON_READ, Permission.RECON_RESOLVE})
_APPROVALS = frozenset({Permission.APPROVALS_READ, Permission.APPROVALS_DECIDE})
_CUSTOMER_SUPPORT = frozenset({Permission.CUSTOMERS_READ, Permission.CUSTOMERS_FREEZE})
# The on-call (there is no separate ops role: treasurers run the money path's operations).
_ALERTS = frozenset({Permission.ALERTS_READ, Permission.ALERTS_MANAGE})

# Staff act on customers' orders through staff routes (``/v1/admin/orders``: read any order;
# treasurers and admins retry a failed payout or refund it, four-eyes), never by placing orders
# themselves.
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.CUSTOMER: _CUSTOMER,
    Role.SUPPORT: _STAFF | {Permission.ORDERS_READ_ANY} | _CUSTOMER_SUPPORT,
    Role.COMPLIANCE_OFFICER: _STAFF
    | {Permission.ORDERS_READ_ANY}
    | {Permission.KYC_REVIEW, Permission.COMPLIANCE_SCREEN}
    | {Permission.COMPLIANCE_REPORTS, Permission.DEPOSITS_READ, Permission.REFUNDS_READ}
    | {Permission.RECON_READ, Permission.AUDIT_READ, Permission.ALERTS_READ}
    | _APPROVALS
    | _CASEWORK
    | _CUSTOMER_SUPPORT,
    Role.TREASURER: _STAFF
    | {Permission.DEPOSITS_READ, Permission.DEPOSITS_RESOLVE}
    | _APPROVALS
    | {Permission.TREASURY_READ, Permission.TREASURY_MANAGE, Permission.TREASURY_SIGN}
    | _REFUNDS
    | _TREASURY_RISK
    | _ORDER_OPERATIONS
    | _RECON
    | _ALERTS
    | {Permission.CUSTOMERS_READ},
    # Read-only: cases, reports, deposits, refunds, the treasury, reconciliation, the audit log,
    # the staff and their roles, customers, and the four-eyes requests (never deciding one).
    Role.AUDITOR: _STAFF
    | {Permission.COMPLIANCE_CASES_READ, Permission.COMPLIANCE_REPORTS}
    | {Permission.DEPOSITS_READ, Permission.REFUNDS_READ, Permission.TREASURY_READ}
    | {Permission.TREASURY_RISK_READ, Permission.ORDERS_READ_ANY, Permission.RECON_READ}
    | {Permission.AUDIT_READ, Permission.USERS_READ, Permission.APPROVALS_READ}
    | {Permission.CUSTOMERS_READ, Permission.ALERTS_READ},
    Role.ADMIN: _STAFF
    | {Permission.USERS_MANAGE, Permission.USERS_READ, Permission.KYC_REVIEW}
    | _APPROVALS
    | {Permission.DEPOSITS_READ, Permission.DEPOSITS_RESOLVE}
    | {Permission.TREASURY_READ, Permission.TREASURY_MANAGE}
    | _CASEWORK
    | _REFUNDS
    | _TREASURY_RISK
    | _ORDER_OPERATIONS
    | _RECON
    | _ALERTS
    | _CUSTOMER_SUPPORT
    | {Permission.AUDIT_READ},
}


# What an API key may never carry, whoever owns it: managing logins and keys (a leaked key that
# could mint keys would outlive its own revocation) and the staff decisions whose point is that a
# person looked (role changes, four-eyes approvals).
NOT_DELEGABLE = frozenset(
    {
        Permission.SESSIONS_MANAGE_OWN,
        Permission.API_KEYS_MANAGE_OWN,
        Permission.USERS_MANAGE,
        Permission.APPROVALS_DECIDE,
        Permission.COMPLIANCE_CASES,  # deciding a case (releasing funds) is a person's call
        Permission.TREASURY_SIGN,
        Permission.REFUNDS_MANAGE,  # sending money out of suspense, likewise
        Permission.TREASURY_RISK_MANAGE,  # stopping or resuming payouts, likewise
        Permission.ORDERS_OPERATE,  # re-sending a payout or refunding an order, likewise
        Permission.RECON_RESOLVE,  # resolving a break (perhaps posting an entry), likewise
        Permission.CUSTOMERS_FREEZE,  # holding a customer's account is a person's call
        Permission.BACK_OFFICE,  # pages for a person in a browser
    }
)


def allowed(role: str, permission: Permission) -> bool:
    try:
        return permission in ROLE_PERMISSIONS[Role(role)]
    except ValueError:
        return False  # an unknown role may do nothing


# What a staff member may do in a session without a second factor: look after their own account,
# which includes enrolling one. Everything else a staff role can do needs a session opened (or
# stepped up) with MFA.
_WITHOUT_SECOND_FACTOR = frozenset({Permission.SESSIONS_MANAGE_OWN, Permission.PROFILE_MANAGE_OWN})


def needs_second_factor(role: str, permission: Permission) -> bool:
    return role != Role.CUSTOMER and permission not in _WITHOUT_SECOND_FACTOR


def permissions_of(role: str) -> frozenset[Permission]:
    try:
        return ROLE_PERMISSIONS[Role(role)]
    except ValueError:
        return frozenset()


def delegable(role: str) -> frozenset[Permission]:
    """The scopes an API key of someone with ``role`` may carry."""
    return permissions_of(role) - NOT_DELEGABLE
