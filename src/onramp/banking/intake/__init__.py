"""Deposit intake: credits and reversals a bank reports (webhook or statement), stored once per
bank entry and announced, and the deposits orders expect (their RF reference) and hold.

Its modules are imported directly by the domain's other sub-packages and its ``__init__``
(import-linter lets any module of ``onramp.banking`` import another); other domains use
``onramp.banking``."""
