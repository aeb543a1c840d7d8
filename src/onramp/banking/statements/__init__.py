"""Statement files: importing a bank file (camt, MT940, BAI2) into the deposit inbox, and the drop
folder that feeds the import. The file formats themselves are in ``banking/formats``.

Imported module by module inside the domain; other domains use ``onramp.banking``."""
