"""The access kit: who is calling (``Principal``), what each role may do (``Permission`` and the
matrix), the route dependency that checks it (``require``) and step-up. ``identity`` keeps the
users, sessions and API keys behind it."""
