"""The screens a funded order passes before it is priced: the ``Screener`` seam where compliance
plugs in (``screening.py``), the sanctions and transaction-monitoring screens behind it, and
whose money funds the order (``funding_source.py``).

Imported module by module inside the domain; other domains use ``onramp.orders``."""
