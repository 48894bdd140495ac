"""Residents' suggestions and their moderation, on real SQLite and PostgreSQL with the Neuss extract."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, inspect, select

from accounts.auth import CONSOLE, PUBLIC, Actor
from audits.vocabulary import GROUP_IDS
from base.errors import InvalidInput, PermissionDenied
from catalogue.importer import import_file
from catalogue.store import add_manual_place, get_area, load_places
from storage.db import open_database, read_all_rows, session_scope
from storage.models_audits import AuditTask
from storage.models_suggestions import Suggestion, SuggestionContact
from suggestions.store import (
    RATE_LIMIT_PER_HOUR,
    RateLimited,
    SuggestionNotFound,
    SuggestionReceipt,
    approve_suggestions,
    find_similar_places,
    find_similar_suggestions,
    merge_suggestion,
    names_similar,
    normalise_ref_code,
    pending_suggestions,
    public_places,
    purge_contacts,
    reject_suggestions,
    submit_suggestion,
    suggestion_status,
    validate_suggestion,
)

MANAGER = Actor(1, "manager", "manager")
ADMIN = Actor(2, "admin", "admin")
PLANNER = Actor(3, "planner", "planner")
ACTORS = {"public": PUBLIC, "planner": PLANNER, "manager": MANAGER, "admin": ADMIN}
# An open spot in Neuss Innenstadt-Süd; 30 m is about 0.00027° of latitude.
LON, LAT = 6.6860, 51.2000
DLAT_PER_M = 1 / 111_320
NAMES = ["<img src=x onerror=alert(1)>", "${x}", "Çay Ocağı", "مقهى الحي", "Grün & Co \"q\" 'q' `b`"]


@pytest.fixture
def engine(db_url):
    engine = open_database(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def area_id(engine, extract_path) -> int:
    import_file(engine, path=extract_path("neuss"), area_name="Neuss", actor=CONSOLE)
    with session_scope(engine, read_only=True) as session:
        return get_area(session, name="Neuss").id


def _submit(engine, area_id: int, key: str, **kw) -> SuggestionReceipt:
    values = {
        "client_key": "session-1",
        "name": "Nachbarschaftsgarten Süd",
        "category": "park_garden",
        "lon": LON,
        "lat": LAT,
        "description": "Jeden Samstag offen.\nBitte klingeln.",
        "groups": ["seniors", "children"],
    }
    values.update(kw)
    with session_scope(engine) as session:
        return submit_suggestion(session, area_id=area_id, idempotency_key=key, **values)


def _id(engine, ref_code: str) -> int:
    with session_scope(engine, read_only=True) as session:
        return session.scalar(select(Suggestion.id).where(Suggestion.ref_code == ref_code))


def _count(engine, model) -> int:
    with session_scope(engine, read_only=True) as session:
        return session.scalar(select(func.count()).select_from(model))


# ---------------------------------------------------------------- submit and look up


def test_submit_gives_a_reference_code_to_look_up_the_status(engine, area_id):
    receipt = _submit(engine, area_id, "form-0001", email="Resident@Example.org")
    assert receipt.created and receipt.status == "pending"
    assert len(receipt.ref_code) == 9 and receipt.ref_code[4] == "-"
    with session_scope(engine, read_only=True) as session:
        messy = "  " + receipt.ref_code.lower().replace("-", " ") + " "
        status = suggestion_status(session, ref_code=messy)
        row = session.execute(
            select(Suggestion.id, Suggestion.groups, Suggestion.description, Suggestion.session_hash)
        ).one()
        contact = session.execute(select(SuggestionContact.suggestion_id, SuggestionContact.email)).one()
    assert (status.ref_code, status.status, status.name) == (
        receipt.ref_code,
        "pending",
        "Nachbarschaftsgarten Süd",
    )
    assert status.decided_at is None and status.reason is None
    assert row.groups == [g for g in GROUP_IDS if g in ("children", "seniors")]  # table order
    assert row.description == "Jeden Samstag offen.\nBitte klingeln."
    # the e-mail is stored apart, and only a salted hash of the session
    assert contact.email == "resident@example.org" and contact.suggestion_id == row.id
    assert row.session_hash != "session-1" and len(row.session_hash) == 64


def test_no_ip_address_column_anywhere(engine):
    inspector = inspect(engine)
    for table in inspector.get_table_names():
        for column in inspector.get_columns(table):
            assert "ip" not in column["name"].split("_"), (table, column["name"])


def test_unknown_or_malformed_reference_codes_say_so(engine, area_id):
    with session_scope(engine, read_only=True) as session:
        with pytest.raises(SuggestionNotFound, match="K7M2-Q9XP"):
            suggestion_status(session, ref_code="k7m2q9xp")
        with pytest.raises(InvalidInput, match="8 letters and digits"):
            suggestion_status(session, ref_code="hello")
    assert normalise_ref_code(" k7m2-q9xp ") == "K7M2-Q9XP"


def test_a_resent_form_stores_one_suggestion(engine, area_id):
    first = _submit(engine, area_id, "form-resent")
    again = _submit(engine, area_id, "form-resent", name="changed in between")
    assert first.created and not again.created
    assert again.ref_code == first.ref_code
    assert _count(engine, Suggestion) == 1


@pytest.mark.parametrize("name", NAMES)
def test_untrusted_names_are_stored_verbatim(engine, area_id, name):
    receipt = _submit(engine, area_id, "form-name-0", name=name, description=name)
    with session_scope(engine) as session:
        status = suggestion_status(session, ref_code=receipt.ref_code)
        [place] = approve_suggestions(session, actor=MANAGER, ids=[_id(engine, receipt.ref_code)])
    assert status.name == name
    assert place.name == name and place.tags["description"] == name


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"name": "  "}, "name"),
        ({"name": "a\tb"}, "control characters"),
        ({"category": "casino"}, "Unknown category"),
        ({"lon": LAT, "lat": LON}, "swapped"),
        ({"lon": 13.4, "lat": 52.5}, "outside the area"),
        ({"description": "x" * 2001}, "at most 2000"),
        ({"description": "tab\there"}, "control characters"),
        ({"groups": ["wheelchair", "aliens"]}, "Unknown group"),
        ({"email": "not an address"}, "e-mail"),
        ({"email": "a@" + "b" * 250 + ".de"}, "e-mail"),
    ],
)
def test_invalid_suggestions_are_refused_with_a_clear_message(change, message):
    values = {"name": "Treff", "category": "cafe", "lon": LON, "lat": LAT, "description": "", "groups": ()}
    values.update(change)
    with pytest.raises(InvalidInput, match=message):
        validate_suggestion(bbox=(6.669, 51.181, 6.703, 51.222), **values)


def test_empty_email_means_no_email():
    clean = validate_suggestion(
        name="Treff", category="cafe", lon=LON, lat=LAT, bbox=(6.6, 51.1, 6.8, 51.3), email=" "
    )
    assert clean.email is None


# ---------------------------------------------------------------- at the same time


def _run_at_once(n: int, work) -> list:
    barrier = threading.Barrier(n)
    results: list = [None] * n
    errors: list[BaseException] = []

    def worker(i: int) -> None:
        try:
            barrier.wait()
            results[i] = work(i)
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    return results


def test_twenty_different_suggestions_at_once_are_all_stored_once(engine, area_id):
    receipts = _run_at_once(
        20,
        lambda i: _submit(
            engine, area_id, f"form-many-{i:02d}", client_key=f"resident-{i}", name=f"Ort {i}"
        ),
    )
    assert all(r.created for r in receipts)
    assert len({r.ref_code for r in receipts}) == 20
    with session_scope(engine, read_only=True) as session:
        names = sorted(session.scalars(select(Suggestion.name)))
    assert names == sorted(f"Ort {i}" for i in range(20))


def test_twenty_resends_of_the_same_form_at_once_store_one(engine, area_id):
    receipts = _run_at_once(
        20,
        lambda i: _submit(
            engine, area_id, "form-double-click", client_key=f"tab-{i}", email="a@example.org"
        ),
    )
    assert sum(r.created for r in receipts) == 1
    assert len({r.ref_code for r in receipts}) == 1
    assert _count(engine, Suggestion) == 1
    assert _count(engine, SuggestionContact) == 1


# ---------------------------------------------------------------- rate limit


def test_a_browser_sending_too_many_is_slowed_down(engine, area_id):
    now = datetime(2025, 11, 25, 10, 0, tzinfo=UTC)
    for i in range(RATE_LIMIT_PER_HOUR):
        _submit(engine, area_id, f"form-rate-{i:02d}", now=now + timedelta(minutes=i))
    with pytest.raises(RateLimited) as err:
        _submit(engine, area_id, "form-rate-xx", now=now + timedelta(minutes=30))
    assert err.value.retry_after_s == 30 * 60
    assert "30 minute" in err.value.en and "30 Minute" in err.value.de
    # a resend of a stored form still gets its receipt; another browser is not affected
    assert not _submit(engine, area_id, "form-rate-03", now=now + timedelta(minutes=31)).created
    assert _submit(engine, area_id, "form-rate-other", client_key="session-2", now=now).created
    # an hour after the first one, the browser may send again
    assert _submit(engine, area_id, "form-rate-late", now=now + timedelta(minutes=61)).created
    assert _count(engine, Suggestion) == RATE_LIMIT_PER_HOUR + 2


def _submit_or_limited(engine, area_id: int, key: str, **kw) -> str:
    try:
        return "stored" if _submit(engine, area_id, key, **kw).created else "resent"
    except RateLimited as err:
        return "area_busy" if "This area" in err.msgid else "rate_limited"


def test_thirty_at_once_from_one_browser_store_exactly_the_limit(db_url, area_id):
    engine = open_database(db_url, pool_size=35, max_overflow=0)
    outcomes = _run_at_once(30, lambda i: _submit_or_limited(engine, area_id, f"form-burst-{i:02d}"))
    engine.dispose()
    assert outcomes.count("stored") == RATE_LIMIT_PER_HOUR
    assert outcomes.count("rate_limited") == 30 - RATE_LIMIT_PER_HOUR


def test_the_hourly_cap_of_an_area_holds_across_browsers_and_at_once(db_url, area_id):
    engine = open_database(db_url, pool_size=20, max_overflow=0)
    outcomes = _run_at_once(
        16,
        lambda i: _submit_or_limited(
            engine, area_id, f"form-area-{i:02d}", client_key=f"browser-{i:02d}", area_limit_per_hour=6
        ),
    )
    assert outcomes.count("stored") == 6
    assert outcomes.count("area_busy") == 10
    # A browser that comes later is refused as well.
    with pytest.raises(RateLimited) as err:
        _submit(engine, area_id, "form-area-xx", client_key="browser-new", area_limit_per_hour=6)
    assert err.value.msgid.startswith("This area has received")
    assert "6" in err.value.message("tr") and err.value.message("uk") != err.value.en
    engine.dispose()


def test_the_area_cap_is_a_setting(engine, area_id, monkeypatch):
    monkeypatch.setenv("ATLAS_SUGGESTIONS_PER_AREA_HOUR", "2")
    for i in range(2):
        _submit(engine, area_id, f"form-setting-{i}", client_key=f"browser-{i}")
    with pytest.raises(RateLimited, match="2"):
        _submit(engine, area_id, "form-setting-x", client_key="browser-x")


# ---------------------------------------------------------------- "is it one of these?"


def test_similar_places_nearby_are_found(engine, area_id):
    with session_scope(engine) as session:
        playground = add_manual_place(
            session,
            area_id=area_id,
            name="Spielplatz Am Stadtgarten",
            category="playground",
            lon=LON,
            lat=LAT,
            actor=CONSOLE,
        )
    near, far = LAT + 30 * DLAT_PER_M, LAT + 200 * DLAT_PER_M
    with session_scope(engine, read_only=True) as session:
        found = find_similar_places(
            session, area_id=area_id, name="Spielplatz am Stadtgarten!", lon=LON, lat=near
        )
        assert [p.id for p in found] == [playground.id]
        assert (
            find_similar_places(session, area_id=area_id, name="Spielplatz am Stadtgarten", lon=LON, lat=far)
            == []
        )
        assert find_similar_places(session, area_id=area_id, name="Stadtbibliothek", lon=LON, lat=near) == []

    receipt = _submit(engine, area_id, "form-similar", name="Spielplatz Stadtgarten", category="playground")
    with session_scope(engine, read_only=True) as session:
        pending = find_similar_suggestions(
            session, area_id=area_id, name="spielplatz am stadtgarten", lon=LON, lat=near
        )
    assert [s.ref_code for s in pending] == [receipt.ref_code]


def test_name_similarity():
    assert names_similar("Café Müller", "cafe muller")
    assert names_similar("Jugendzentrum", "Jugendzentrum Süd")
    assert not names_similar("Stadtbibliothek", "Spielplatz")
    assert not names_similar("", "Spielplatz")


# ---------------------------------------------------------------- moderation


def test_approve_creates_a_place_with_an_open_audit_task_and_forgets_the_email(engine, area_id):
    receipt = _submit(engine, area_id, "form-approve", email="resident@example.org")
    with session_scope(engine, read_only=True) as session:
        [queued] = pending_suggestions(session, actor=MANAGER, area_id=area_id)
    assert queued.contact_email == "resident@example.org"
    with session_scope(engine) as session:
        [place] = approve_suggestions(session, actor=MANAGER, ids=[queued.id])
    assert (place.origin, place.name, place.category, place.status) == (
        "suggestion",
        "Nachbarschaftsgarten Süd",
        "park_garden",
        "active",
    )
    with session_scope(engine, read_only=True) as session:
        task = session.execute(select(AuditTask.place_id, AuditTask.reason, AuditTask.status)).one()
        status = suggestion_status(session, ref_code=receipt.ref_code)
        assert pending_suggestions(session, actor=MANAGER) == []
        assert place.id in {p.id for p in load_places(session, area_id=area_id)}
    assert tuple(task) == (place.id, "suggestion", "open")
    assert (status.status, status.place_id) == ("approved", place.id)
    assert status.decided_at is not None
    assert _count(engine, SuggestionContact) == 0


def test_merge_into_an_existing_place(engine, area_id):
    with session_scope(engine) as session:
        existing = add_manual_place(
            session, area_id=area_id, name="Gemeinschaftsgarten", category="park_garden", lon=LON, lat=LAT, actor=CONSOLE
        )
    receipt = _submit(engine, area_id, "form-merge", email="resident@example.org")
    with session_scope(engine) as session:
        merged = merge_suggestion(
            session, actor=MANAGER, suggestion_id=_id(engine, receipt.ref_code), place_id=existing.id
        )
    assert (merged.status, merged.place_id) == ("merged", existing.id)
    assert _count(engine, SuggestionContact) == 0
    assert _count(engine, AuditTask) == 0
    with pytest.raises(InvalidInput, match="Already decided"), session_scope(engine) as session:
        merge_suggestion(
            session, actor=MANAGER, suggestion_id=_id(engine, receipt.ref_code), place_id=existing.id
        )


def test_reject_needs_a_reason_the_resident_sees(engine, area_id):
    receipts = [_submit(engine, area_id, f"form-reject-{i}") for i in range(2)]
    ids = [_id(engine, r.ref_code) for r in receipts]
    with pytest.raises(InvalidInput, match="reason"), session_scope(engine) as session:
        reject_suggestions(session, actor=MANAGER, ids=ids, reason="   ")
    with session_scope(engine) as session:
        reject_suggestions(
            session, actor=ADMIN, ids=ids, reason="Privatgelände, nicht öffentlich zugänglich."
        )
    with session_scope(engine, read_only=True) as session:
        for receipt in receipts:
            status = suggestion_status(session, ref_code=receipt.ref_code)
            assert (status.status, status.reason) == (
                "rejected",
                "Privatgelände, nicht öffentlich zugänglich.",
            )


def test_bulk_approve_is_all_or_nothing(engine, area_id):
    receipts = [_submit(engine, area_id, f"form-bulk-{i}", name=f"Ort {i}") for i in range(3)]
    ids = [_id(engine, r.ref_code) for r in receipts]
    with session_scope(engine) as session:
        reject_suggestions(session, actor=MANAGER, ids=[ids[1]], reason="doppelt")
    before = read_all_rows(engine)
    with pytest.raises(InvalidInput, match=receipts[1].ref_code), session_scope(engine) as session:
        approve_suggestions(session, actor=MANAGER, ids=ids)
    assert read_all_rows(engine) == before
    with pytest.raises(SuggestionNotFound), session_scope(engine) as session:
        approve_suggestions(session, actor=MANAGER, ids=[ids[0], 99999])
    assert read_all_rows(engine) == before
    with session_scope(engine) as session:
        approved = approve_suggestions(session, actor=MANAGER, ids=[ids[0], ids[2], ids[0]])
    assert [p.name for p in approved] == ["Ort 0", "Ort 2"]


def test_two_managers_approving_the_same_suggestion_create_one_place(engine, area_id):
    suggestion_id = _id(engine, _submit(engine, area_id, "form-race").ref_code)

    def approve(_i: int) -> str:
        try:
            with session_scope(engine) as session:
                approve_suggestions(session, actor=MANAGER, ids=[suggestion_id])
            return "approved"
        except InvalidInput:
            return "already decided"

    assert sorted(_run_at_once(4, approve)) == ["already decided"] * 3 + ["approved"]
    assert _count(engine, AuditTask) == 1


def test_purge_contacts_deletes_old_emails(engine, area_id):
    now = datetime.now(UTC)
    _submit(engine, area_id, "form-old", email="old@example.org", now=now - timedelta(days=40))
    _submit(engine, area_id, "form-new", email="new@example.org", now=now)
    with session_scope(engine) as session:
        assert purge_contacts(session, actor=MANAGER, older_than_days=30, now=now) == 1
    with session_scope(engine, read_only=True) as session:
        assert list(session.scalars(select(SuggestionContact.email))) == ["new@example.org"]


# ---------------------------------------------------------------- moderation checks the role itself


def _setup_pending(engine, area_id) -> int:
    return _id(engine, _submit(engine, area_id, "form-role").ref_code)


MODERATION = {
    "pending_suggestions": lambda s, actor, sid, pid: pending_suggestions(s, actor=actor),
    "approve_suggestions": lambda s, actor, sid, pid: approve_suggestions(s, actor=actor, ids=[sid]),
    "merge_suggestion": lambda s, actor, sid, pid: merge_suggestion(
        s, actor=actor, suggestion_id=sid, place_id=pid
    ),
    "reject_suggestions": lambda s, actor, sid, pid: reject_suggestions(
        s, actor=actor, ids=[sid], reason="nein"
    ),
    "purge_contacts": lambda s, actor, sid, pid: purge_contacts(s, actor=actor, older_than_days=0),
}
ALLOWED = {"public": False, "planner": False, "manager": True, "admin": True}


@pytest.mark.parametrize("role", list(ALLOWED))
@pytest.mark.parametrize("what", list(MODERATION))
def test_moderation_functions_check_the_role_themselves(sqlite_url, extract_path, what, role):
    engine = open_database(sqlite_url)
    import_file(engine, path=extract_path("neuss"), area_name="Neuss", actor=CONSOLE)
    with session_scope(engine, read_only=True) as session:
        area_id = get_area(session, name="Neuss").id
        place_id = load_places(session, area_id=area_id)[0].id
    suggestion_id = _setup_pending(engine, area_id)
    before = read_all_rows(engine)
    if ALLOWED[role]:
        with session_scope(engine) as session:
            MODERATION[what](session, ACTORS[role], suggestion_id, place_id)
    else:
        with pytest.raises(PermissionDenied), session_scope(engine) as session:
            MODERATION[what](session, ACTORS[role], suggestion_id, place_id)
        assert read_all_rows(engine) == before
    engine.dispose()


# ---------------------------------------------------------------- places open to me


def test_places_open_to_me_for_several_groups(engine, area_id):
    with session_scope(engine, read_only=True) as session:
        a, b, c, d, e = (p.id for p in load_places(session, area_id=area_id)[:5])
    verdicts = {
        a: {"wheelchair": "open", "seniors": "open"},
        b: {"wheelchair": "open", "seniors": "limited"},
        c: {"wheelchair": "open"},  # seniors unknown
        d: {"wheelchair": "not_open", "seniors": "open"},
        e: {"wheelchair": "limited", "seniors": "unknown"},
    }
    with session_scope(engine, read_only=True) as session:
        both = public_places(
            session, area_id=area_id, groups=["seniors", "wheelchair"], verdicts_by_place=verdicts
        )
        one = public_places(session, area_id=area_id, groups=["wheelchair"], verdicts_by_place=verdicts)
        with pytest.raises(InvalidInput):
            public_places(session, area_id=area_id, groups=[], verdicts_by_place=verdicts)
    assert [p.id for p in both.open] == [a]
    assert [p.id for p in both.limited] == [b]
    assert {c, e} <= {p.id for p in both.unknown} and d not in {p.id for p in both.unknown}
    assert {p.id for p in one.open} == {a, b, c}
    assert [p.id for p in one.limited] == [e]
    assert d not in {p.id for p in one.unknown}


@pytest.mark.parametrize("lang", ["tr", "ar", "uk"])
def test_errors_residents_meet_are_in_their_language(lang):
    """Bad input on the resident pages is explained in Turkish, Arabic and Ukrainian too."""
    bbox = (6.67, 51.18, 6.70, 51.22)
    cases = [
        dict(name="", lon=6.68, lat=51.2),
        dict(name="Treff", lon=51.2, lat=6.68),  # swapped
        dict(name="Treff", lon=6.68, lat=51.2, email="nicht-eine-adresse"),
    ]
    keys = []
    for kwargs in cases:
        with pytest.raises(InvalidInput) as err:
            validate_suggestion(category="cafe", bbox=bbox, description="", groups=(),
                                **{"email": None, **kwargs})  # fmt: skip
        keys.append(err.value.msgid)
        text = err.value.message(lang)
        assert text not in (err.value.en, err.value.de)
    assert keys == ['Give the place a name.', '{x}, {y} lies outside the area, but {y}, {x} lies inside: it looks like latitude and longitude are swapped (longitude comes first).', '{email} does not look like an e-mail address (name@example.org, at most {max} characters).']
    assert RateLimited(90).message(lang) != RateLimited(90).en
