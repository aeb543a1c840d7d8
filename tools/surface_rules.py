"""What tools/surface_codemod.py does, as data a reviewer edits: modules that moved, the importers
that keep reaching into submodules, and the names a package's surface gives to vague ones. Step 1
of the codemod (renaming moved modules wherever they are named) lives here too."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
PACKAGE = SRC / "onramp"

# Old dotted module path -> new one (step 1).
MOVED: dict[str, str] = {
    "onramp.identity.permissions": "onramp.auth.permissions",
    "onramp.identity.tokens": "onramp.auth.tokens",
    "onramp.identity.access": "onramp.auth.access",
    "onramp.identity.cookies": "onramp.auth.cookies",
    # identity's sub-packages (issue 15 §1): accounts, sessions, mfa, login, api_keys, oauth, staff.
    "onramp.identity.service": "onramp.identity.accounts.service",
    "onramp.identity.passwords": "onramp.identity.accounts.passwords",
    "onramp.identity.email_tokens": "onramp.identity.accounts.email_tokens",
    "onramp.identity.account_emails": "onramp.identity.accounts.emails",
    "onramp.identity.verification": "onramp.identity.accounts.verification",
    "onramp.identity.preferences": "onramp.identity.accounts.preferences",
    "onramp.identity.account_api": "onramp.identity.accounts.api",
    "onramp.identity.sessions": "onramp.identity.sessions.service",
    "onramp.identity.lockout": "onramp.identity.sessions.lockout",
    "onramp.identity.signals": "onramp.identity.sessions.signals",
    "onramp.identity.mfa": "onramp.identity.mfa.service",
    "onramp.identity.api": "onramp.identity.login.api",
    "onramp.identity.mfa_api": "onramp.identity.login.mfa_api",
    "onramp.identity.token_responses": "onramp.identity.login.token_responses",
    "onramp.identity.api_keys": "onramp.identity.api_keys.service",
    "onramp.identity.api_key_format": "onramp.identity.api_keys.format",
    "onramp.identity.api_key_auth": "onramp.identity.api_keys.auth",
    "onramp.identity.api_key_schemas": "onramp.identity.api_keys.schemas",
    "onramp.identity.api_keys_api": "onramp.identity.api_keys.api",
    "onramp.identity.oauth": "onramp.identity.oauth.service",
    "onramp.identity.oauth_api": "onramp.identity.oauth.api",
    "onramp.identity.approvals": "onramp.identity.staff.approvals",
    "onramp.identity.roles": "onramp.identity.staff.roles",
    "onramp.identity.deactivation": "onramp.identity.staff.deactivation",
    "onramp.identity.bootstrap": "onramp.identity.staff.bootstrap",
    "onramp.identity.admin_api": "onramp.identity.staff.api",
    # banking's sub-packages (docs/architecture.md, "Layout").
    "onramp.banking.service": "onramp.banking.intake.service",
    "onramp.banking.bank_entries": "onramp.banking.intake.bank_entries",
    "onramp.banking.reversals": "onramp.banking.intake.reversals",
    "onramp.banking.imports": "onramp.banking.statements.imports",
    "onramp.banking.drop_folder": "onramp.banking.statements.drop_folder",
    "onramp.banking.creditor_reference": "onramp.banking.references.creditor_reference",
    "onramp.banking.reference_search": "onramp.banking.references.reference_search",
    "onramp.banking.standing_references": "onramp.banking.references.standing_references",
    "onramp.banking.matching": "onramp.banking.booking.matching",
    "onramp.banking.deposit_booking": "onramp.banking.booking.deposit_booking",
    "onramp.banking.payment_rules": "onramp.banking.booking.payment_rules",
    "onramp.banking.returns": "onramp.banking.booking.returns",
    "onramp.banking.history": "onramp.banking.booking.history",
    "onramp.banking.refunds": "onramp.banking.refunding.service",
    "onramp.banking.refunds_api": "onramp.banking.refunding.api",
    "onramp.banking.refund_sender": "onramp.banking.refunding.sender",
    "onramp.banking.refund_files": "onramp.banking.refunding.files",
    "onramp.banking.operator_returns": "onramp.banking.refunding.operator_returns",
    "onramp.banking.customer_accounts": "onramp.banking.accounts.customer_accounts",
    "onramp.banking.accounts_api": "onramp.banking.accounts.api",
    "onramp.banking.account_numbers": "onramp.banking.accounts.account_numbers",
    "onramp.banking.micro_deposits": "onramp.banking.accounts.micro_deposits",
    "onramp.banking.treasury": "onramp.banking.accounts.treasury",
    "onramp.banking.schemas": "onramp.banking.accounts.schemas",
    "onramp.banking.suspense": "onramp.banking.suspense_queue.service",
    "onramp.banking.suspense_api": "onramp.banking.suspense_queue.api",
    # orders' sub-packages (docs/architecture.md, "Layout"): screens, tier_limits, travel,
    # placement, steps, holds, staff; the tables, the state machine, the saga's step, the
    # customer's routes, the worker and the reads stay at the top.
    "onramp.orders.screening": "onramp.orders.screens.screening",
    "onramp.orders.sanctions": "onramp.orders.screens.sanctions",
    "onramp.orders.monitoring": "onramp.orders.screens.monitoring",
    "onramp.orders.funding_source": "onramp.orders.screens.funding_source",
    "onramp.orders.limits": "onramp.orders.tier_limits.limits",
    "onramp.orders.limits_api": "onramp.orders.tier_limits.api",
    "onramp.orders.travel_rule": "onramp.orders.travel.policy",
    "onramp.orders.travel_rule_api": "onramp.orders.travel.api",
    "onramp.orders.placing": "onramp.orders.placement.placing",
    "onramp.orders.placed_by_deposit": "onramp.orders.placement.placed_by_deposit",
    "onramp.orders.standing_reference_api": "onramp.orders.placement.standing_reference_api",
    "onramp.orders.funds_received": "onramp.orders.steps.funds_received",
    "onramp.orders.conversion": "onramp.orders.steps.conversion",
    "onramp.orders.payouts": "onramp.orders.steps.payouts",
    "onramp.orders.expiry": "onramp.orders.steps.expiry",
    "onramp.orders.refunds": "onramp.orders.steps.refunds",
    "onramp.orders.deposit_returns": "onramp.orders.steps.deposit_returns",
    "onramp.orders.review": "onramp.orders.holds.review",
    "onramp.orders.rescreen": "onramp.orders.holds.rescreen",
    "onramp.orders.admin_api": "onramp.orders.staff.api",
    "onramp.orders.admin_schemas": "onramp.orders.staff.schemas",
    "onramp.orders.admin_search": "onramp.orders.staff.search",
    "onramp.orders.operator_actions": "onramp.orders.staff.operator_actions",
    # The wallets domain (issue 15 §1): the address book, ownership proofs and withdrawals left
    # orders (their tables and errors too; chain keeps the mechanics).
    "onramp.orders.destinations": "onramp.wallets.address_book",
    "onramp.orders.destinations_api": "onramp.wallets.api",
    "onramp.orders.ownership": "onramp.wallets.ownership",
    "onramp.orders.withdrawals": "onramp.wallets.withdrawals",
    "onramp.orders.withdrawals_api": "onramp.wallets.withdrawals_api",
    # chain's sub-packages (issue 15 §1): signing, transactions, paying, contracts, custodial;
    # modules keep their names (docs/architecture.md, "Layout").
    "onramp.chain.signer": "onramp.chain.signing.signer",
    "onramp.chain.hsm_signer": "onramp.chain.signing.hsm_signer",
    "onramp.chain.signatures": "onramp.chain.signing.signatures",
    "onramp.chain.tx_sender": "onramp.chain.transactions.tx_sender",
    "onramp.chain.stored_tx": "onramp.chain.transactions.stored_tx",
    "onramp.chain.nonces": "onramp.chain.transactions.nonces",
    "onramp.chain.fees": "onramp.chain.transactions.fees",
    "onramp.chain.tx_reconciler": "onramp.chain.transactions.tx_reconciler",
    "onramp.chain.confirmations": "onramp.chain.transactions.confirmations",
    "onramp.chain.payouts": "onramp.chain.paying.payouts",
    "onramp.chain.payout_gate": "onramp.chain.paying.payout_gate",
    "onramp.chain.payout_plan": "onramp.chain.paying.payout_plan",
    "onramp.chain.payout_retry": "onramp.chain.paying.payout_retry",
    "onramp.chain.payout_rows": "onramp.chain.paying.payout_rows",
    "onramp.chain.revert_reasons": "onramp.chain.paying.revert_reasons",
    "onramp.chain.vault_conditions": "onramp.chain.paying.vault_conditions",
    "onramp.chain.deploy": "onramp.chain.contracts.deploy",
    "onramp.chain.safe": "onramp.chain.contracts.safe",
    "onramp.chain.safe_deploy": "onramp.chain.contracts.safe_deploy",
    "onramp.chain.vault_pauser": "onramp.chain.contracts.vault_pauser",
    "onramp.chain.wallet_factory_check": "onramp.chain.contracts.wallet_factory_check",
    "onramp.chain.custody": "onramp.chain.custodial.custody",
    "onramp.chain.withdrawals": "onramp.chain.custodial.withdrawals",
    "onramp.chain.withdrawal_sender": "onramp.chain.custodial.withdrawal_sender",
}
RENAMED_TREES = ("src", "tests", "bench", "docs", "migrations")

# Names spelled like a moved module's dotted name without its ``onramp.`` prefix that mean
# something else: ``chain.signer`` and ``chain.confirmations`` are settings
# (``settings.chain.confirmations``, the paths core/production_check.py names), and
# ``orders.funds_received`` is an event (docs/architecture.md's event table). Step 1 leaves such
# a bare spelling alone; the module is still renamed where it is written with its prefix or as
# a file path.
OTHER_MEANINGS = frozenset({"chain.signer", "chain.confirmations", "orders.funds_received"})

# The shared kernel: every package may import core's modules, which are its surface.
KERNEL = frozenset({"core"})

# Importers that keep reaching into some packages' submodules (None: into all), and why;
# pyproject's contracts ignore the same imports.
KEEP_IMPORTERS: dict[str, frozenset[str] | None] = {
    # Alembic's metadata needs every domain's models module imported; tables are no surface.
    "onramp.core.db.schema": None,
}

# A name that would be vague or ambiguous at the package's surface is exported under another.
ALIASES: dict[tuple[str, str], str] = {
    ("onramp.identity.staff.approvals", "register"): "register_approval_action",
    ("onramp.identity.staff.approvals", "decide"): "decide_approval",
    ("onramp.identity.staff.approvals", "get_request"): "get_approval_request",
    ("onramp.identity.staff.approvals", "request_approval"): "request_approval",
    ("onramp.banking.references.standing_references", "create"): "create_standing_reference",
    ("onramp.banking.references.standing_references", "revoke"): "revoke_standing_reference",
    ("onramp.banking.references.standing_references", "active"): "active_standing_references",
    ("onramp.compliance.cases", "assign"): "assign_case",
    ("onramp.compliance.cases", "attach"): "attach_to_case",
    # A function named like its module would hide the module at the surface.
    ("onramp.treasury.positions", "positions"): "read_positions",
    ("onramp.treasury.risk_monitor", "risk_monitor"): "configured_risk_monitor",
    # The money path's checkpoints keep the plain names; the batch screening's are per row.
    ("onramp.compliance.screening", "screen_name"): "screen_batch_name",
    ("onramp.compliance.screening", "screen_address"): "screen_batch_address",
}


def surface_name(module: str, name: str) -> str:
    """The name ``module.name`` gets at its package's surface."""
    if (module, name) in ALIASES:
        return ALIASES[(module, name)]
    if name.endswith("router"):
        # Every api module has its ``router``: at the surface each is named after its module.
        stem = module.rsplit(".", 1)[1].removesuffix("_api")
        return f"{module.split('.')[1] if stem == 'api' else stem}_{name}"
    return name


# Step 1 ------------------------------------------------------------------------------------


def _spellings() -> dict[str, str]:
    """Each move as a dotted path, without the ``onramp.`` prefix (prose, comments) and as a
    file path."""
    spellings = dict(MOVED)
    for old, new in MOVED.items():
        if old.removeprefix("onramp.") not in OTHER_MEANINGS:
            spellings[old.removeprefix("onramp.")] = new.removeprefix("onramp.")
        spellings[old.removeprefix("onramp.").replace(".", "/") + ".py"] = (
            new.removeprefix("onramp.").replace(".", "/") + ".py"
        )
    return spellings


# What follows a dotted path: an attribute, or the first name a ``from ... import`` takes.
_FOLLOWER = re.compile(r"(?:\.|\s+import\s+\(?\s*)(\w+)")


def _is_module(dotted: str, name: str) -> bool:
    """Whether ``dotted.name`` is a module now: a module that became a sub-package of the same
    name (``identity.sessions`` -> ``identity.sessions.service``) is still named by the new
    paths (``identity.sessions.lockout``, ``from identity.sessions import service``), and those
    are left alone, so a second run renames nothing."""
    if "/" in dotted:
        return False
    base = SRC.joinpath(*f"onramp.{dotted.removeprefix('onramp.')}.{name}".split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def rename_moved(check: bool) -> list[Path]:
    spellings = _spellings()
    if not spellings:  # an empty alternation would match everywhere
        return []
    pattern = re.compile(
        "|".join(
            rf"(?<![\w./]){re.escape(old)}(?![\w])" for old in sorted(spellings, key=len)[::-1]
        )
    )

    def renamed(match: re.Match[str]) -> str:
        old = match.group(0)
        follower = _FOLLOWER.match(match.string, match.end())
        if follower and _is_module(old, follower.group(1)):
            return old
        return spellings[old]

    changed = []
    for tree in RENAMED_TREES:
        for path in sorted((ROOT / tree).rglob("*")):
            if path.suffix not in {".py", ".md", ".toml"} or not path.is_file():
                continue
            text = path.read_text()
            new = pattern.sub(renamed, text)
            if new != text:
                changed.append(path)
                if not check:
                    path.write_text(new)
    return changed
