"""Replies to residents by e-mail when their suggestion is decided (SMTP, ``ATLAS_SMTP_*``).

The decision functions (``approve_suggestions``, ``merge_suggestion``, ``reject_suggestions``)
append the replies owed to an ``outbox`` inside their transaction and delete the stored address
there, as before. ``decide_and_notify`` commits the decision first and only then sends: a mail
never announces a decision that was rolled back, and a failed send is logged (with the reference
code, never the address) without touching the decision. The outbox is dropped after the attempt,
so the address is gone either way. Without SMTP settings nothing is sent, and the suggest page
does not ask for an address at all.

Texts come from the strings catalogue in the resident's language; the resident's name and the
moderator's reason are parameters of ``str.format``, never part of the format string.
"""

from __future__ import annotations

import ipaddress
import logging
import smtplib
import ssl
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import TypeVar

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from base import i18n
from base.i18n import N_
from base.settings import Settings
from storage.db import session_scope
from suggestions.store import DecisionNotice

# What a resident is told per decision (in the language the suggestion was sent in).
MAIL_TEXTS: dict[str, str] = {
    "approved": N_(
        "Your suggestion “{name}” (code {code}) has been accepted: the place is now in the catalogue of "
        "places of encounter. We will check it on site soon."
    ),
    "merged": N_(
        "Your suggestion “{name}” (code {code}) is already in the catalogue: it has been matched to the "
        "place “{place}”. Thank you for the hint!"
    ),
    "rejected": N_("Your suggestion “{name}” (code {code}) has not been added to the catalogue. Reason:\n\n{reason}"),
}

log = logging.getLogger("begegnungsatlas.mail")
SMTP_TIMEOUT_S = 15
T = TypeVar("T")


@dataclass(frozen=True)
class NoticeReport:
    """What became of the replies of one decision."""

    sent: int = 0
    failed: int = 0
    not_configured: int = 0


# ---------------------------------------------------------------- the message (pure)


def build_decision_message(notice: DecisionNotice, *, sender: str) -> EmailMessage:
    """The reply for one decided suggestion, in the language the resident used."""
    lang = notice.lang if notice.lang in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE
    params = {
        "name": notice.name,
        "code": notice.ref_code,
        "place": notice.place_name or notice.name,
        "reason": notice.reason or "",
        "page": i18n.t("Track a suggestion", lang),
    }
    body = "\n\n".join(
        [
            i18n.t("Hello,", lang),
            i18n.t(MAIL_TEXTS[notice.status], lang, **params),
            i18n.t("You can look up the status with the code on the page “{page}” at any time. Your e-mail address has been deleted with this message. This message was sent automatically; please do not reply.", lang, **params),
        ]
    )
    message = EmailMessage()
    message["Subject"] = i18n.t("Your suggestion {code} in the Begegnungsatlas", lang, code=notice.ref_code)
    message["From"] = sender
    message["To"] = notice.email
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    # RFC 3834: sent by a program; out-of-office robots must not answer it.
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(body + "\n")
    message["Content-Language"] = lang  # after set_content, which replaces the Content-* headers
    return message


def smtp_problem(settings: Settings) -> str | None:
    """Why these settings cannot send (None: they can)."""
    if not settings.smtp_configured:
        return "SMTP is not configured (ATLAS_SMTP_HOST and ATLAS_SMTP_FROM)"
    if settings.smtp_user and not settings.smtp_starttls and not _is_loopback(settings.smtp_host):
        return "refusing to send the SMTP password unencrypted: set ATLAS_SMTP_STARTTLS=1"
    return None


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# ---------------------------------------------------------------- sending (I/O)


def _describe(exc: BaseException) -> str:
    # SMTP answers may quote the recipient's address: log the code, not the text.
    code = getattr(exc, "smtp_code", None)
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = sorted({c for c, _ in exc.recipients.values()})
        return f"{exc.__class__.__name__} {codes}"
    if code is not None:
        return f"{exc.__class__.__name__} {code}"
    return f"{exc.__class__.__name__}: {exc}"


def _connect(settings: Settings) -> smtplib.SMTP:
    smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT_S)
    try:
        smtp.ehlo()
        if settings.smtp_starttls:
            smtp.starttls(context=ssl.create_default_context())
            smtp.ehlo()
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password)
    except BaseException:
        smtp.close()
        raise
    return smtp


def send_decision_notices(notices: Sequence[DecisionNotice], *, settings: Settings) -> NoticeReport:
    """Send the replies over one SMTP connection; failures are logged and counted, never raised."""
    if not notices:
        return NoticeReport()
    problem = smtp_problem(settings)
    if problem is not None:
        codes = ", ".join(n.ref_code for n in notices)
        log.warning("%d replies not sent (%s): %s", len(notices), problem, codes)
        return NoticeReport(not_configured=len(notices))
    sent = 0
    try:
        with _connect(settings) as smtp:
            for notice in notices:
                try:
                    smtp.send_message(build_decision_message(notice, sender=settings.smtp_from))
                except (smtplib.SMTPException, OSError, ValueError) as exc:
                    log.warning("reply for suggestion %s not sent: %s", notice.ref_code, _describe(exc))
                else:
                    sent += 1
                    log.info("reply for suggestion %s sent", notice.ref_code)
    except (smtplib.SMTPException, OSError) as exc:
        unsent = ", ".join(n.ref_code for n in notices[sent:])
        log.warning(
            "mail server %s:%s: %s; replies not sent: %s",
            settings.smtp_host,
            settings.smtp_port,
            _describe(exc),
            unsent,
        )
    return NoticeReport(sent=sent, failed=len(notices) - sent)


def decide_and_notify(
    engine: Engine, decide: Callable[[Session, list[DecisionNotice]], T], *, settings: Settings
) -> tuple[T, NoticeReport]:
    """Run a moderation decision in one transaction, then (committed) send the replies it owes.

    ``decide`` gets the session and the outbox, e.g.
    ``lambda s, outbox: reject_suggestions(s, actor=a, ids=[1], reason="…", outbox=outbox)``.
    """
    outbox: list[DecisionNotice] = []
    with session_scope(engine) as session:
        result = decide(session, outbox)
    report = send_decision_notices(outbox, settings=settings)
    outbox.clear()
    return result, report
