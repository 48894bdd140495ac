"""Replies to residents: sent after the decision commits, in their language, through a real SMTP
conversation with a stand-in on 127.0.0.1; a failed send is logged and changes nothing."""

from __future__ import annotations

import dataclasses
import logging
import socket
from pathlib import Path

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from accounts.auth import CONSOLE, Actor, create_user
from base import i18n
from base.settings import Settings, load_settings
from catalogue.store import add_local_place_row
from storage.db import open_database, session_scope
from storage.models_catalogue import Area
from storage.models_suggestions import Suggestion, SuggestionContact
from suggestions.notify import build_decision_message, decide_and_notify, smtp_problem
from suggestions.store import (
    DecisionNotice,
    approve_suggestions,
    merge_suggestion,
    reject_suggestions,
    submit_suggestion,
)
from tests.smtp_standin import Received, SmtpStandin
from tests.staff_support import sign_in

ROOT = Path(__file__).resolve().parents[2]
MANAGER = Actor(1, "manager", "manager")
SENDER = "atlas@quartier.example.org"
# Text that must arrive literally: template and format syntax, markup, RTL and Cyrillic letters.
HOSTILE = "Treff {code} {0} {{ 7*7 }} %s <b>x</b> مقهى Кав'ярня"
REASON = "Liegt außerhalb {des} Quartiers; {{ 1/0 }} – siehe %(x)s"


def settings_for(port: int, **changes) -> Settings:
    return dataclasses.replace(
        load_settings(), smtp_host="127.0.0.1", smtp_port=port, smtp_from=SENDER, **changes
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def engine(db_url):
    engine = open_database(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def area_id(engine) -> int:
    with session_scope(engine) as session:
        area = Area(name="Quartier", west=6.6, south=51.1, east=6.8, north=51.3, source="test")
        session.add(area)
        session.flush()
        return area.id


def submit(engine, area_id: int, key: str, *, lang: str, email: str | None = "resident@example.org", name=HOSTILE):
    with session_scope(engine) as session:
        receipt = submit_suggestion(
            session, area_id=area_id, idempotency_key=key, client_key="tab", name=name,
            category="cafe", lon=6.7, lat=51.2, email=email, lang=lang,
        )  # fmt: skip
        sid = session.scalar(select(Suggestion.id).where(Suggestion.ref_code == receipt.ref_code))
    return receipt.ref_code, sid


def contacts(engine) -> list[str]:
    with session_scope(engine, read_only=True) as session:
        return list(session.scalars(select(SuggestionContact.email)))


def status_of(engine, sid: int) -> str:
    with session_scope(engine, read_only=True) as session:
        return session.scalar(select(Suggestion.status).where(Suggestion.id == sid))


# ---------------------------------------------------------------- the message (pure)


@pytest.mark.parametrize("lang", list(i18n.LANGUAGES))
@pytest.mark.parametrize("status", ["approved", "merged", "rejected"])
def test_the_message_is_in_the_residents_language_and_quotes_text_literally(lang: str, status: str) -> None:
    notice = DecisionNotice(
        email="resident@example.org", lang=lang, ref_code="K7M2-Q9XP", status=status, name=HOSTILE,
        reason=REASON if status == "rejected" else None, place_name="Bürgerhaus {x}" if status == "merged" else None,
    )  # fmt: skip
    message = build_decision_message(notice, sender=SENDER)
    body = message.get_content()
    assert message["To"] == "resident@example.org" and message["From"] == SENDER
    assert message["Subject"] == i18n.t("Your suggestion {code} in the Begegnungsatlas", lang, code="K7M2-Q9XP")
    assert message["Content-Language"] == lang
    assert i18n.t("Hello,", lang) in body
    assert HOSTILE in body and "49" not in body
    if status == "rejected":
        assert REASON in body
    if status == "merged":
        assert "Bürgerhaus {x}" in body


def test_an_unknown_language_falls_back_to_german() -> None:
    notice = DecisionNotice("r@example.org", "xx", "K7M2-Q9XP", "approved", "Treff")
    assert "wurde angenommen" in build_decision_message(notice, sender=SENDER).get_content()


def test_a_password_is_never_sent_unencrypted_to_another_machine() -> None:
    base = settings_for(25, smtp_user="atlas", smtp_password="geheim")
    assert smtp_problem(dataclasses.replace(base, smtp_host="mail.example.org")) is not None
    assert smtp_problem(dataclasses.replace(base, smtp_host="mail.example.org", smtp_starttls=True)) is None
    assert smtp_problem(base) is None  # a relay on this machine
    assert smtp_problem(dataclasses.replace(base, smtp_host="")) is not None
    assert "geheim" not in repr(base)


# ---------------------------------------------------------------- sending (SQLite and PostgreSQL)


def test_approve_sends_one_reply_after_the_decision_has_committed(engine, area_id) -> None:
    code, sid = submit(engine, area_id, "form-mail-tr", lang="tr")
    seen_status: list[str] = []

    def look_at_the_database(_: Received) -> None:
        # Another connection, while the mail arrives: the decision is already committed.
        seen_status.append(status_of(engine, sid))

    with SmtpStandin(on_message=look_at_the_database) as smtp:
        places, report = decide_and_notify(
            engine,
            lambda s, outbox: approve_suggestions(s, actor=MANAGER, ids=[sid], outbox=outbox),
            settings=settings_for(smtp.port),
        )
    assert smtp.errors == []
    assert (report.sent, report.failed) == (1, 0) and len(places) == 1
    assert seen_status == ["approved"]
    [mail] = smtp.received
    assert mail.rcpt_tos == ["resident@example.org"] and mail.mail_from == SENDER
    assert mail.message["Subject"] == f"Begegnungsatlas'taki {code} numaralı öneriniz"
    assert "kabul edildi" in mail.body and "Merhaba," in mail.body
    assert HOSTILE in mail.body and code in mail.body
    assert contacts(engine) == []  # the address is gone after the attempt


def test_reject_and_merge_send_in_arabic_and_ukrainian_with_the_reason(engine, area_id) -> None:
    code_ar, sid_ar = submit(engine, area_id, "form-mail-ar", lang="ar")
    code_uk, sid_uk = submit(engine, area_id, "form-mail-uk", lang="uk", name="Кав'ярня «Зустріч»")
    submit(engine, area_id, "form-no-mail", lang="de", email=None)
    with session_scope(engine) as session:
        place = add_local_place_row(
            session, area_id=area_id, name="Bürgerhaus", category="community_centre", lon=6.7, lat=51.2,
            origin="manual",
        )  # fmt: skip
        place_id = place.id
    with SmtpStandin() as smtp:
        _, rejected = decide_and_notify(
            engine,
            lambda s, outbox: reject_suggestions(s, actor=MANAGER, ids=[sid_ar], reason=REASON, outbox=outbox),
            settings=settings_for(smtp.port),
        )
        _, merged = decide_and_notify(
            engine,
            lambda s, outbox: merge_suggestion(s, actor=MANAGER, suggestion_id=sid_uk, place_id=place_id, outbox=outbox),
            settings=settings_for(smtp.port),
        )
    assert (rejected.sent, merged.sent) == (1, 1)
    ar, uk = smtp.received
    assert code_ar in ar.message["Subject"] and "السبب" in ar.body and REASON in ar.body
    assert HOSTILE in ar.body
    assert code_uk in uk.message["Subject"] and "«Bürgerhaus»" in uk.body and "Кав'ярня «Зустріч»" in uk.body
    assert contacts(engine) == []


def test_a_failed_send_is_logged_and_the_decision_stands(engine, area_id, caplog) -> None:
    code, sid = submit(engine, area_id, "form-mail-down", lang="de")
    caplog.set_level(logging.INFO, logger="begegnungsatlas.mail")
    # Nothing listens on this port: the connection is refused.
    _, report = decide_and_notify(
        engine,
        lambda s, outbox: approve_suggestions(s, actor=MANAGER, ids=[sid], outbox=outbox),
        settings=settings_for(free_port()),
    )
    assert (report.sent, report.failed) == (0, 1)
    assert status_of(engine, sid) == "approved"
    assert contacts(engine) == []
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert code in logged and "resident@example.org" not in logged


def test_a_refused_recipient_is_logged_and_the_decision_stands(engine, area_id, caplog) -> None:
    code, sid = submit(engine, area_id, "form-mail-550", lang="en")
    caplog.set_level(logging.INFO, logger="begegnungsatlas.mail")
    with SmtpStandin(refuse_rcpt=True) as smtp:
        _, report = decide_and_notify(
            engine,
            lambda s, outbox: reject_suggestions(s, actor=MANAGER, ids=[sid], reason="zu weit", outbox=outbox),
            settings=settings_for(smtp.port),
        )
    assert (report.sent, report.failed) == (0, 1) and smtp.received == []
    assert status_of(engine, sid) == "rejected" and contacts(engine) == []
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert code in logged and "550" in logged and "resident@example.org" not in logged


def test_a_decision_that_fails_sends_nothing(engine, area_id) -> None:
    _, sid = submit(engine, area_id, "form-mail-twice", lang="de")
    with session_scope(engine) as session:
        reject_suggestions(session, actor=MANAGER, ids=[sid], reason="doppelt")
    with SmtpStandin() as smtp, pytest.raises(Exception, match="decided|entschieden"):
        decide_and_notify(
            engine,
            lambda s, outbox: approve_suggestions(s, actor=MANAGER, ids=[sid], outbox=outbox),
            settings=settings_for(smtp.port),
        )
    assert smtp.received == []


def test_without_smtp_settings_nothing_is_sent_and_the_address_is_deleted(engine, area_id) -> None:
    _, sid = submit(engine, area_id, "form-mail-off", lang="de")
    _, report = decide_and_notify(
        engine,
        lambda s, outbox: approve_suggestions(s, actor=MANAGER, ids=[sid], outbox=outbox),
        settings=dataclasses.replace(load_settings(), smtp_host="", smtp_from=""),
    )
    assert (report.sent, report.not_configured) == (0, 1)
    assert contacts(engine) == []


# ---------------------------------------------------------------- the pages (AppTest)


@pytest.fixture
def app_db(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    for name in ("ATLAS_SMTP_HOST", "ATLAS_SMTP_FROM", "ATLAS_SMTP_PORT", "ATLAS_SMTP_USER", "ATLAS_SMTP_STARTTLS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.setenv("ATLAS_TILES", "none")
    engine = open_database(sqlite_url)
    with session_scope(engine) as session:
        session.add(Area(name="Quartier", west=6.6, south=51.1, east=6.8, north=51.3, source="test"))
        create_user(session, actor=CONSOLE, name="manager", role="manager", password="ein langes passwort")
    engine.dispose()
    return sqlite_url


def suggest(lang: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.sidebar.radio(key="lang").set_value(lang).run()
    at.switch_page("app_pages/suggest.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def email_inputs(at: AppTest) -> list:
    return [w for w in at.text_input if (w.key or "").startswith("suggest_email_")]


def test_without_smtp_the_suggest_page_asks_for_no_address(app_db: str) -> None:
    assert email_inputs(suggest("de")) == []


def test_with_smtp_a_suggestion_from_the_page_gets_its_reply_from_the_moderation_page(
    app_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with SmtpStandin() as smtp:
        monkeypatch.setenv("ATLAS_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("ATLAS_SMTP_PORT", str(smtp.port))
        monkeypatch.setenv("ATLAS_SMTP_FROM", SENDER)
        at = suggest("uk")
        [email_box] = email_inputs(at)
        fid = email_box.key.removeprefix("suggest_email_")
        at.text_input(key=f"suggest_name_{fid}").input(HOSTILE)
        at.number_input(key=f"suggest_lat_{fid}").set_value(51.25)
        at.number_input(key=f"suggest_lon_{fid}").set_value(6.75)
        email_box.input("mieszkaniec@example.org")
        at.button(key=f"FormSubmitter:suggest_form_{fid}-Далі").click().run()
        assert not at.exception, [e.value for e in at.exception]
        engine = open_database(app_db)
        with session_scope(engine, read_only=True) as session:
            code, sid = session.execute(select(Suggestion.ref_code, Suggestion.id)).one()
            assert session.scalar(select(SuggestionContact.lang)) == "uk"
        engine.dispose()

        staff = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        sign_in(staff, 1, app_db)
        staff.run().switch_page("app_pages/moderation.py").run()
        staff.multiselect(key="moderation_pick").set_value([sid]).run()
        staff.button(key="moderation_approve").click().run()
        assert not staff.exception, [e.value for e in staff.exception]
        assert any("1 Antwort per E-Mail verschickt." in s.value.replace("\\", "") for s in staff.success)
    [mail] = smtp.received
    assert mail.rcpt_tos == ["mieszkaniec@example.org"]
    assert mail.message["Subject"] == f"Ваша пропозиція {code} в Begegnungsatlas"
    assert "прийнято" in mail.body and HOSTILE in mail.body
