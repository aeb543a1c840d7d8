"""Every table of every domain, imported so that ``Base.metadata`` is complete (for Alembic)."""

from onramp.alerts import models as alerts_models
from onramp.banking import models as banking_models
from onramp.chain import models as chain_models
from onramp.compliance import models as compliance_models
from onramp.compliance.cases import models as case_models
from onramp.compliance.travel_rule import models as travel_rule_models
from onramp.core import audit, idempotency, inbox, leases, outbox
from onramp.core.db import Base, versions
from onramp.core.keys import models as key_models
from onramp.fx import models as fx_models
from onramp.identity import models as identity_models
from onramp.kyc import models as kyc_models
from onramp.ledger import models as ledger_models
from onramp.notifications import models as notifications_models
from onramp.orders import models as orders_models
from onramp.recon import models as recon_models
from onramp.reports import models as reports_models
from onramp.treasury import models as treasury_models
from onramp.treasury import risk_models as treasury_risk_models
from onramp.treasury.issuer import models as issuer_models
from onramp.wallets import models as wallets_models
from onramp.webhooks import models as webhooks_models

metadata = Base.metadata

__all__ = [
    "alerts_models",
    "audit",
    "banking_models",
    "case_models",
    "chain_models",
    "compliance_models",
    "fx_models",
    "idempotency",
    "identity_models",
    "inbox",
    "issuer_models",
    "key_models",
    "leases",
    "kyc_models",
    "ledger_models",
    "metadata",
    "notifications_models",
    "orders_models",
    "recon_models",
    "reports_models",
    "outbox",
    "travel_rule_models",
    "treasury_models",
    "treasury_risk_models",
    "versions",
    "wallets_models",
    "webhooks_models",
]
