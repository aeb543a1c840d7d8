"""``python -m onramp``: the ``onramp`` command."""

from onramp.runtime import main

main()
