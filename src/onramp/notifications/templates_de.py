"""The emails in German: the same templates and parameters as the English ones
(``templates.TEMPLATES``), chosen when the customer's language preference is ``de``."""

from __future__ import annotations

from typing import Final

from onramp.notifications.template_kinds import Template

TEMPLATES_DE: Final[dict[str, Template]] = {
    "verify_email": Template(
        subject="Bestätigen Sie Ihre E-Mail-Adresse",
        body=(
            "Hallo {name},\n\n"
            "bitte bestätigen Sie, dass dies Ihre E-Mail-Adresse ist, indem Sie diesen Link\n"
            "öffnen:\n\n"
            "{link}\n\n"
            "Der Link gilt einmal und läuft am {expires_at} ab.\n"
            "Wenn Sie kein onramp-Konto angelegt haben, ignorieren Sie diese E-Mail.\n"
        ),
    ),
    "password_reset": Template(
        subject="Passwort zurücksetzen",
        body=(
            "Hallo {name},\n\n"
            "jemand hat verlangt, das Passwort Ihres onramp-Kontos zurückzusetzen. Um ein neues\n"
            "zu wählen, öffnen Sie diesen Link:\n\n"
            "{link}\n\n"
            "Der Link gilt einmal und läuft am {expires_at} ab. Das Zurücksetzen meldet Sie\n"
            "überall ab. Waren Sie es nicht, ignorieren Sie diese E-Mail: nichts hat sich\n"
            "geändert.\n"
        ),
    ),
    "password_changed": Template(
        subject="Ihr Passwort wurde geändert",
        body=(
            "Hallo {name},\n\n"
            "das Passwort Ihres onramp-Kontos wurde am {at} geändert, und andere Sitzungen\n"
            "wurden abgemeldet. Waren Sie das nicht, setzen Sie Ihr Passwort sofort zurück und\n"
            "wenden Sie sich an den Support.\n"
        ),
    ),
    "email_change_confirm": Template(
        subject="Bestätigen Sie Ihre neue E-Mail-Adresse",
        body=(
            "Hallo {name},\n\n"
            "um diese Adresse zur E-Mail-Adresse Ihres onramp-Kontos zu machen, öffnen Sie\n"
            "diesen Link:\n\n"
            "{link}\n\n"
            "Der Link gilt einmal und läuft am {expires_at} ab.\n"
        ),
    ),
    "email_change_requested": Template(
        subject="Eine Änderung Ihrer E-Mail-Adresse wurde beantragt",
        body=(
            "Hallo {name},\n\n"
            "jemand, der in Ihrem onramp-Konto angemeldet ist, hat beantragt, dessen\n"
            "E-Mail-Adresse in {new_email} zu ändern. Die Änderung geschieht erst, wenn diese\n"
            "Adresse bestätigt ist. Waren Sie das nicht, setzen Sie Ihr Passwort zurück und\n"
            "wenden Sie sich an den Support.\n"
        ),
    ),
    "order_deposit_instructions": Template(
        subject="Zahlen Sie {amount}, um Auftrag {order} abzuschließen",
        body=(
            "Hallo {name},\n\n"
            "um {usdc} USDC an {address} zu erhalten, überweisen Sie {amount} an:\n\n"
            "  Kontoinhaber: {holder}\n"
            "{pay_to}"
            "  Verwendungszweck: {reference}\n\n"
            "Schreiben Sie den Verwendungszweck genau wie angegeben: daran erkennen wir, dass\n"
            "das Geld von Ihnen ist.\n"
        ),
    ),
    "order_funds_received": Template(
        subject="{amount} für Auftrag {order} eingegangen",
        body=(
            "Hallo {name},\n\n"
            "Ihre Überweisung von {amount} für Auftrag {order} ist eingegangen. Wir tauschen\n"
            "sie jetzt in USDC und sagen Ihnen Bescheid, wenn sie gesendet sind.\n"
        ),
    ),
    "order_usdc_sent": Template(
        subject="{usdc} USDC für Auftrag {order} gesendet",
        body=(
            "Hallo {name},\n\n"
            "{usdc} USDC für Auftrag {order} sind unterwegs an {address}.\n"
            "Transaktion: {tx_hash}\n\n"
            "Endgültig ist sie, sobald das Netzwerk sie bestätigt hat; wir sagen Ihnen\n"
            "Bescheid.\n"
        ),
    ),
    "order_completed": Template(
        subject="Auftrag {order} ist abgeschlossen",
        body=(
            "Hallo {name},\n\n"
            "{usdc} USDC sind bei {address} angekommen, und die Transaktion ist bestätigt.\n"
            "Transaktion: {tx_hash}\n"
        ),
    ),
    "order_held": Template(
        subject="Auftrag {order} wird geprüft",
        body=(
            "Hallo {name},\n\n"
            "Auftrag {order} muss von unserem Team geprüft werden, bevor er weitergehen kann.\n"
            "Sie müssen jetzt nichts tun; wir schreiben Ihnen, wenn es weitergeht.\n"
        ),
    ),
    "order_refunded": Template(
        subject="Ihr Geld für Auftrag {order} wurde zurückgesendet",
        body=(
            "Hallo {name},\n\n"
            "wir haben {amount} für Auftrag {order} an das Konto zurückgesendet, von dem es\n"
            "kam. Banken brauchen bis zu zwei Werktage, um es anzuzeigen.\n"
        ),
    ),
    "webhook_disabled": Template(
        subject="Ihr Webhook-Endpunkt wurde deaktiviert",
        body=(
            "Hallo {name},\n\n"
            "jede Zustellung an Ihren Webhook-Endpunkt {url} ist seit {since} fehlgeschlagen,\n"
            "daher rufen wir ihn nicht mehr auf. Beheben Sie den Fehler, aktivieren Sie den\n"
            "Endpunkt wieder (POST /v1/me/webhooks/{{id}}/enable) und wiederholen Sie, was er\n"
            "verpasst hat, aus seinem Zustellprotokoll.\n"
        ),
    ),
    "security_new_device_login": Template(
        subject="Neue Anmeldung bei Ihrem onramp-Konto",
        body=(
            "Hallo {name},\n\n"
            "bei Ihrem onramp-Konto hat sich am {at} ein Gerät angemeldet, das es noch nicht\n"
            "kannte:\n\n"
            "  Gerät: {device}\n"
            "  IP-Adresse: {ip}\n\n"
            "Waren Sie das, ist nichts zu tun. Wenn nicht, ändern Sie sofort Ihr Passwort,\n"
            "beenden Sie unbekannte Sitzungen (Sicherheit in Ihrem Konto) und wenden Sie sich\n"
            "an den Support.\n"
        ),
    ),
    "security_mfa_enrolled": Template(
        subject="Die Zwei-Faktor-Authentifizierung ist aktiv",
        body=(
            "Hallo {name},\n\n"
            "am {at} wurde eine Authenticator-App als zweiter Faktor Ihres onramp-Kontos\n"
            "eingerichtet. Bewahren Sie Ihre Wiederherstellungscodes sicher auf. Waren Sie das\n"
            "nicht, wenden Sie sich sofort an den Support.\n"
        ),
    ),
    "security_mfa_removed": Template(
        subject="Die Zwei-Faktor-Authentifizierung wurde ausgeschaltet",
        body=(
            "Hallo {name},\n\n"
            "am {at} wurde die Authenticator-App aus Ihrem onramp-Konto entfernt: Die Anmeldung\n"
            "braucht nun nur noch Ihr Passwort. Waren Sie das nicht, setzen Sie Ihr Passwort\n"
            "sofort zurück und wenden Sie sich an den Support.\n"
        ),
    ),
    "email_changed": Template(
        subject="Ihre Anmelde-E-Mail-Adresse wurde geändert",
        body=(
            "Hallo {name},\n\n"
            "am {at} wurde diese Adresse zur Anmelde-E-Mail-Adresse Ihres onramp-Kontos. Haben\n"
            "Sie das nicht veranlasst, wenden Sie sich sofort an den Support.\n"
        ),
    ),
    "security_api_key_created": Template(
        subject="Ein neuer API-Schlüssel wurde erstellt",
        body=(
            "Hallo {name},\n\n"
            'der API-Schlüssel "{key_name}" ({prefix}) wurde am {at} für Ihr onramp-Konto\n'
            "erstellt. Waren Sie das nicht, widerrufen Sie ihn in Ihrem Konto und wenden Sie\n"
            "sich an den Support.\n"
        ),
    ),
    "security_api_key_revoked": Template(
        subject="Ein API-Schlüssel wurde widerrufen",
        body=(
            "Hallo {name},\n\n"
            'der API-Schlüssel "{key_name}" ({prefix}) Ihres onramp-Kontos wurde am {at}\n'
            "widerrufen; er funktioniert nicht mehr.\n"
        ),
    ),
    "kyc_approved": Template(
        subject="Ihre Identität ist bestätigt",
        body=(
            "Hallo {name},\n\n"
            "wir haben Ihre Identität bestätigt (Stufe {tier}). Sie können jetzt USDC im\n"
            "Rahmen der Limits Ihrer Stufe kaufen.\n"
        ),
    ),
    "kyc_rejected": Template(
        subject="Wir konnten Ihre Identität nicht bestätigen",
        body=(
            "Hallo {name},\n\n"
            "wir konnten Ihre Identität nicht bestätigen, daher kann Ihr Konto keine Aufträge\n"
            "erteilen. Halten Sie das für einen Fehler, wenden Sie sich an den Support.\n"
        ),
    ),
    "order_failed": Template(
        subject="Auftrag {order} konnte nicht abgeschlossen werden",
        body=(
            "Hallo {name},\n\n"
            "wir konnten die USDC für Auftrag {order} nicht senden. Unser Team ist informiert\n"
            "und wird sie entweder erneut senden oder Ihr Geld zurückgeben; Sie müssen nichts\n"
            "tun.\n"
        ),
    ),
    "staff_report": Template(
        subject="onramp-Bericht {report} für den {day}",
        body=(
            "Hallo {name},\n\n"
            "der Bericht {report} für den {day} (UTC) hat {rows} Zeilen; hier als CSV:\n\n"
            "{table}\n\n"
            "Die Berichtsseite des Backoffice zeigt ihn mit Diagramm und als PDF.\n"
        ),
    ),
}
