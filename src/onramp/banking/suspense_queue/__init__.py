"""The suspense work queue: deposits no rule could tie to an order, assigned or returned by
operators, and its ``/v1/admin/deposits`` routes.

Imported module by module inside the domain; other domains use ``onramp.banking``."""
