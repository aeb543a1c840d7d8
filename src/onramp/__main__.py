"""``python -m onramp``: the ``onramp`` command."""

from onramp.runtime.cli import main

main()
