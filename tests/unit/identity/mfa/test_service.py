from __future__ import annotations

from urllib.parse import unquote

from onramp.identity.mfa.service import qr_svg_data_uri


def test_the_enrolment_qr_code_is_drawn_here_from_the_uri() -> None:
    uri = "otpauth://totp/onramp:ada%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=onramp"
    svg = unquote(qr_svg_data_uri(uri).split(",", 1)[1])
    assert svg.startswith("<svg")
    assert qr_svg_data_uri(uri) != qr_svg_data_uri(uri.replace("JBSW", "KBSW"))
