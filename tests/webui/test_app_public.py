"""The resident pages under AppTest: suggest a place, track it, places open to me, five languages."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from accounts.auth import CONSOLE
from audits.store import verdicts_for_area
from catalogue.importer import import_file
from catalogue.store import list_areas, load_places
from storage.db import open_database, session_scope
from storage.models_suggestions import Suggestion
from suggestions.store import approve_suggestions, pending_suggestions, public_places, reject_suggestions

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
TIMEOUT = 60
SUGGEST = "app_pages/suggest.py"
STATUS = "app_pages/suggestion_status.py"
MAP = "app_pages/public_map.py"
# Inside the Borsigwalde extract, away from named places.
LAT, LON = 52.5850, 13.3100


@pytest.fixture
def berlin_db(sqlite_url: str, monkeypatch: pytest.MonkeyPatch, extract_path) -> str:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.setenv("ATLAS_TILES", "none")
    engine = open_database(sqlite_url)
    import_file(engine, path=extract_path("berlin"), area_name="Borsigwalde", actor=CONSOLE)
    engine.dispose()
    return sqlite_url


def in_db(url: str, fn):
    engine = open_database(url)
    try:
        with session_scope(engine) as session:
            return fn(session)
    finally:
        engine.dispose()


def stored(url: str) -> int:
    return in_db(url, lambda s: s.scalar(select(func.count()).select_from(Suggestion)))


def open_page(page: str, lang: str = "de") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    if lang != "de":
        at.sidebar.radio(key="lang").set_value(lang).run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def fill(at: AppTest, *, name: str, lat: float | None = LAT, lon: float | None = LON, **extra) -> AppTest:
    fid = at.session_state["suggest_form_id"]
    at.text_input(key=f"suggest_name_{fid}").input(name)
    at.selectbox(key=f"suggest_category_{fid}_de").set_value(extra.get("category", "community_centre"))
    if lat is not None:
        at.number_input(key=f"suggest_lat_{fid}").set_value(lat)
    if lon is not None:
        at.number_input(key=f"suggest_lon_{fid}").set_value(lon)
    if "description" in extra:
        at.text_area(key=f"suggest_description_{fid}").input(extra["description"])
    if "groups" in extra:
        at.multiselect(key=f"suggest_groups_{fid}_de").set_value(extra["groups"])
    if "email" in extra:
        at.text_input(key=f"suggest_email_{fid}").input(extra["email"])
    submit = next(b for b in at.button if b.key and b.key.startswith(f"FormSubmitter:suggest_form_{fid}"))
    submit.click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def shown_code(at: AppTest) -> str:
    return at.header[0].value


def errors(at: AppTest) -> list[str]:
    return [e.value.replace("\\", "") for e in at.error]


@pytest.mark.parametrize(
    ("lat", "lon", "message"),
    [
        (13.31, 52.585, "vertauscht"),
        (48.14, 11.57, "außerhalb des Gebiets"),
        (95.0, 13.31, "WGS84"),
        (None, None, "Bitte auf die Karte tippen oder Breite und Länge eingeben."),
    ],
)
def test_suggest_with_bad_coordinates_shows_an_error_and_stores_nothing(
    berlin_db: str, lat: float | None, lon: float | None, message: str
) -> None:
    at = fill(open_page(SUGGEST), name="Nachbarschaftstreff", lat=lat, lon=lon)
    assert any(message in e for e in errors(at)), errors(at)
    assert stored(berlin_db) == 0


def test_suggest_stores_one_suggestion_and_shows_the_reference_code(
    berlin_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The page asks for a reply address only when replies can be sent (tests/suggestions/test_notify.py).
    monkeypatch.setenv("ATLAS_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("ATLAS_SMTP_FROM", "atlas@example.org")
    at = open_page(SUGGEST)
    fill(at, name="Çay Ocağı & Treff", description="Jeden Freitag\nTee", groups=["seniors"], email="a@b.de")
    code = shown_code(at)
    assert len(code) == 9 and code[4] == "-"
    assert at.success[0].value == "Danke! Ihr Vorschlag ist angekommen."
    [pending] = in_db(berlin_db, lambda s: pending_suggestions(s, actor=CONSOLE))
    assert (pending.ref_code, pending.name, pending.groups) == (code, "Çay Ocağı & Treff", ("seniors",))
    assert pending.contact_email == "a@b.de"
    # The status page opens with the code filled in.
    at.switch_page(STATUS).run()
    assert at.text_input(key="status_code").value == code
    assert at.info[0].value == "Wird noch geprüft. Bitte schauen Sie später wieder vorbei."


def test_the_same_form_sent_twice_stores_one_suggestion(berlin_db: str) -> None:
    at = open_page(SUGGEST)
    first_form = at.session_state["suggest_form_id"]
    fill(at, name="Treff am Wasserturm")
    code = shown_code(at)
    # A resent form carries its old key: the app answers with the first receipt.
    at.session_state["suggest_form_id"] = first_form
    del at.session_state["suggest_receipt"]
    at.run()
    fill(at, name="Treff am Wasserturm")
    # Its own first copy counts as "already suggested nearby"; confirming returns the first receipt.
    assert any("schon vorgeschlagen" in m.value for m in at.markdown)
    at.button(key=f"suggest_confirm_{first_form}").click().run()
    assert shown_code(at) == code
    assert stored(berlin_db) == 1
    # "Suggest another" starts a new form instance: a second place is a second suggestion.
    at.button(key="suggest_another").click().run()
    assert at.session_state["suggest_form_id"] != first_form
    fill(at, name="Bücherzelle am Markt")
    assert shown_code(at) != code
    assert stored(berlin_db) == 2


def test_a_similar_place_nearby_is_shown_before_sending(berlin_db: str) -> None:
    place = next(p for p in in_db(berlin_db, lambda s: load_places(s, area_id=list_areas(s)[0].id)) if p.name)
    at = fill(open_page(SUGGEST), name=place.name, lat=place.lat, lon=place.lon, category=place.category)
    assert [s.value for s in at.subheader] == ["Ist es einer dieser Orte?"]
    assert any(place.name in m.value.replace("\\", "") for m in at.markdown)
    assert stored(berlin_db) == 0
    at.button(key=f"suggest_confirm_{at.session_state['suggest_form_id']}").click().run()
    assert not at.exception
    assert stored(berlin_db) == 1
    assert len(shown_code(at)) == 9


def test_it_is_one_of_these_sends_nothing(berlin_db: str) -> None:
    place = next(p for p in in_db(berlin_db, lambda s: load_places(s, area_id=list_areas(s)[0].id)) if p.name)
    at = fill(open_page(SUGGEST), name=place.name, lat=place.lat, lon=place.lon, category=place.category)
    at.button(key=f"suggest_cancel_{at.session_state['suggest_form_id']}").click().run()
    assert "Der Ort ist schon im Atlas" in at.success[0].value
    assert stored(berlin_db) == 0


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("hallo", "Das ist kein gültiger Code. Er hat 8 Zeichen, z. B. K7M2-Q9XP."),
        ("K7M2-Q9XP", "Zu diesem Code gibt es keinen Vorschlag. Bitte den Code prüfen."),
    ],
)
def test_status_lookup_of_a_bad_or_unknown_code(berlin_db: str, code: str, message: str) -> None:
    at = open_page(STATUS)
    at.text_input(key="status_code").input(code)
    at.button(key="FormSubmitter:status_form-Status ansehen").click().run()
    assert errors(at) == [message]


def test_status_shows_the_outcome_and_the_reason(berlin_db: str) -> None:
    at = open_page(SUGGEST)
    fill(at, name="Treff <b>fett</b>")
    rejected = shown_code(at)
    at.button(key="suggest_another").click().run()
    fill(at, name="Gemeinschaftsgarten Nord")
    approved = shown_code(at)
    ids = {s.ref_code: s.id for s in in_db(berlin_db, lambda s: pending_suggestions(s, actor=CONSOLE))}
    in_db(berlin_db, lambda s: approve_suggestions(s, actor=CONSOLE, ids=[ids[approved]]))
    in_db(
        berlin_db,
        lambda s: reject_suggestions(s, actor=CONSOLE, ids=[ids[rejected]], reason="Privat *nur* Mitglieder"),
    )

    at.switch_page(STATUS).run()
    at.text_input(key="status_code").input(approved.lower().replace("-", " "))
    at.button(key="FormSubmitter:status_form-Status ansehen").click().run()
    assert at.success[0].value == "Angenommen: Der Ort ist jetzt im Atlas. Danke!"
    at.text_input(key="status_code").input(rejected)
    at.button(key="FormSubmitter:status_form-Status ansehen").click().run()
    assert at.warning[0].value == "Nicht angenommen."
    # Names and reasons are shown literally (Markdown escaped).
    assert "Begründung: Privat *nur* Mitglieder" in [m.value.replace("\\", "") for m in at.markdown]
    assert "Treff <b>fett</b>" in at.subheader[0].value.replace("\\", "")


def test_public_map_splits_places_by_the_chosen_groups(berlin_db: str) -> None:
    at = open_page(MAP)
    assert at.info[0].value == "Bitte mindestens eine Gruppe wählen."
    at.multiselect(key="public_groups_de").set_value(["wheelchair", "seniors"]).run()
    assert not at.exception

    def expected(s):
        area = list_areas(s)[0]
        verdicts = {
            pid: {g: v.status for g, v in by.items()}
            for pid, by in verdicts_for_area(s, area_id=area.id).items()
        }
        return public_places(s, area_id=area.id, groups=["wheelchair", "seniors"], verdicts_by_place=verdicts)

    split = in_db(berlin_db, expected)
    labels = [tab.label for tab in at.tabs]
    assert labels == [
        f"offen ({len(split.open)})",
        f"eingeschränkt offen ({len(split.limited)})",
        f"noch nicht geprüft ({len(split.unknown)})",
    ]
    assert sum(len(df.value) for df in at.dataframe) == len(split.open) + len(split.limited) + len(
        split.unknown
    )


@pytest.mark.parametrize(
    ("lang", "titles"),
    [
        ("tr", ["Bana açık yerler", "Yer öner", "Önerimi takip et"]),
        ("ar", ["أماكن مفتوحة لي", "اقترح مكانًا", "تتبّع اقتراحك"]),
        ("uk", ["Місця, відкриті для мене", "Запропонувати місце", "Відстежити пропозицію"]),
    ],
)
def test_resident_pages_render_in_turkish_arabic_and_ukrainian(
    berlin_db: str, lang: str, titles: list[str]
) -> None:
    for page, title in zip([MAP, SUGGEST, STATUS], titles, strict=True):
        at = open_page(page, lang)
        assert at.title[0].value == title
    at = open_page(MAP, lang)
    at.multiselect(key=f"public_groups_{lang}").set_value(["children"]).run()
    assert not at.exception
    # Back to German: the chosen group stays chosen, now with its German label.
    at.sidebar.radio(key="lang").set_value("de").run()
    assert at.multiselect(key="public_groups_de").value == ["children"]


def cookie_scripts(at: AppTest) -> list[str]:
    return [h.proto.body for h in at.get("html") if "document.cookie" in h.proto.body]


def test_a_reload_keeps_the_browsers_limit(berlin_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from suggestions.store import RATE_LIMIT_PER_HOUR, submit_suggestion
    from webui import ui

    # A first visit without the cookie: the page writes a new random key into one.
    first = open_page(SUGGEST)
    [script] = cookie_scripts(first)
    key = first.session_state[ui.CLIENT_KEY]
    assert f"{ui.CLIENT_COOKIE}={key};" in script and "SameSite=Strict" in script
    area_id = in_db(berlin_db, lambda s: list_areas(s)[0].id)
    for i in range(RATE_LIMIT_PER_HOUR):
        in_db(
            berlin_db,
            lambda s, i=i: submit_suggestion(
                s, area_id=area_id, idempotency_key=f"earlier-form-{i}", client_key=key,
                name=f"Treff {i}", category="cafe", lon=LON, lat=LAT,
            ),
        )  # fmt: skip

    # A reload is a new Streamlit session; the browser sends the cookie with it.
    monkeypatch.setattr(ui, "read_cookie", lambda name: key if name == ui.CLIENT_COOKIE else None)
    again = fill(open_page(SUGGEST), name="Noch ein Treff")
    assert any("Vorschläge geschickt" in e for e in errors(again)), errors(again)
    assert cookie_scripts(again) == []  # the key came from the cookie: nothing new is written
    assert stored(berlin_db) == RATE_LIMIT_PER_HOUR

    # Another browser (another key) is not affected.
    monkeypatch.setattr(ui, "read_cookie", lambda name: "another-browser-key-0123456789abcdefXYZ")
    other = fill(open_page(SUGGEST), name="Noch ein Treff")
    assert errors(other) == [] and len(shown_code(other)) == 9
    assert stored(berlin_db) == RATE_LIMIT_PER_HOUR + 1


def rtl_styles(at: AppTest) -> list[str]:
    return [h.proto.body for h in at.get("html") if "direction: rtl" in h.proto.body]


def test_arabic_switches_the_layout_to_right_to_left(berlin_db: str) -> None:
    assert rtl_styles(open_page(SUGGEST, "de")) == []
    at = open_page(SUGGEST, "ar")
    assert len(rtl_styles(at)) == 1
    # The top-of-page language picker switches back (on a phone the sidebar is folded away).
    at.selectbox(key="lang_top").set_value("de").run()
    assert at.title[0].value == "Ort vorschlagen"
    assert rtl_styles(at) == []
