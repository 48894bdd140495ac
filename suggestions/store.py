"""Residents' suggestions: submit without an account, look up by reference code, moderate.

Suggested names and descriptions are untrusted: they are validated (length, no control
characters) and stored verbatim; showing them as text and neutralising exports is the job of
the output. No IP address is stored: the hourly limit counts per browser, by the hash of a random
client key the page keeps in a cookie (so a reload does not reset it), and per area over all
browsers (``ATLAS_SUGGESTIONS_PER_AREA_HOUR``, for someone who drops the cookie each time). Both
are counted under one row lock together with the insert, so parallel requests cannot exceed them.
The optional reply e-mail lives apart (with the page language) and is deleted once the
suggestion is decided; the decision functions hand it to an ``outbox`` and ``suggestions.notify``
sends the reply after the decision has committed.

A double click or a resent form stores one suggestion: the form's ``idempotency_key`` is unique
in the database, and a second insert with the same key returns the first receipt.
"""

from __future__ import annotations

import difflib
import math
import re
import secrets
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from accounts.auth import Actor, client_hash, require_role, validate_email
from audits.tasks import create_task, list_tasks
from audits.vocabulary import GROUP_IDS, LIMITED, NOT_OPEN, OPEN
from base.errors import AtlasError, InvalidInput, PlaceNotFound
from base.geo import box_around, distance_m
from base.i18n import DEFAULT_LANGUAGE, LANGUAGES, N_
from base.settings import load_settings
from base.text import clean_text
from catalogue.store import (
    AreaInfo,
    PlaceInfo,
    add_local_place_row,
    get_area_by_id,
    get_place,
    load_places,
    validate_category,
    validate_location,
    validate_place_name,
)
from storage.locks import hold_lock
from storage.models_catalogue import Place
from storage.models_suggestions import Suggestion, SuggestionContact

DESCRIPTION_MAX = 2000
REASON_MAX = 1000
SIMILAR_RADIUS_M = 50.0
SIMILAR_RATIO = 0.6
RATE_LIMIT_PER_HOUR = 10
RATE_WINDOW = timedelta(hours=1)
# Unambiguous when read aloud or handwritten: no 0/O, 1/I/L, U/V.
REF_ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"
REF_LENGTH = 8
IDEMPOTENCY_KEY_RE = re.compile(r"[A-Za-z0-9_-]{8,64}")
MODERATORS = ("manager", "admin")
# One lock row for all suggestions: their check-and-insert takes milliseconds and is rare.
LOCK_SCOPE, LOCK_KEY = "suggestions", "all"


class RateLimited(AtlasError):
    """This browser (``public.error.rate_limited``) or, all browsers together, this area
    (``public.error.area_busy``) sent too many suggestions in the last hour."""

    def __init__(self, retry_after_s: int, *, per_area: bool = False, limit: int = RATE_LIMIT_PER_HOUR) -> None:
        self.retry_after_s = retry_after_s
        minutes = max(1, math.ceil(retry_after_s / 60))
        if per_area:
            message = N_(
                "This area has received {limit} suggestions in the last hour, which is all we take for now. "
                "Please try again in {minutes} minute(s)."
            )
        else:
            message = N_(
                "Thank you – you have sent {limit} suggestions within an hour, which is our limit. "
                "Please try again in {minutes} minute(s)."
            )
        super().__init__(message, limit=limit, minutes=minutes)


class SuggestionNotFound(AtlasError):
    """No suggestion with that reference code (or id)."""


@dataclass(frozen=True)
class CleanSuggestion:
    name: str
    category: str
    lon: float
    lat: float
    description: str
    groups: tuple[str, ...]
    email: str | None


@dataclass(frozen=True)
class SuggestionReceipt:
    ref_code: str
    status: str
    created: bool


@dataclass(frozen=True)
class SuggestionStatus:
    """What a resident sees for their reference code."""

    ref_code: str
    name: str
    status: str
    reason: str | None
    place_id: int | None
    created_at: datetime
    decided_at: datetime | None


@dataclass(frozen=True)
class SuggestionInfo:
    """A suggestion as moderators see it (``contact_email`` only while it is pending)."""

    id: int
    area_id: int
    ref_code: str
    name: str
    category: str
    lon: float
    lat: float
    description: str
    groups: tuple[str, ...]
    status: str
    decision_reason: str | None
    decided_by: str | None
    decided_at: datetime | None
    place_id: int | None
    created_at: datetime
    contact_email: str | None = None


@dataclass(frozen=True)
class DecisionNotice:
    """A reply owed to a resident, taken from the database with the decision (``outbox``) and
    sent after the decision's transaction has committed (``suggestions.notify``)."""

    email: str
    lang: str
    ref_code: str
    status: str
    name: str
    reason: str | None = None
    place_name: str | None = None


@dataclass(frozen=True)
class PublicPlaces:
    """Places split by their verdict for the chosen groups ("places open to me")."""

    open: list[PlaceInfo] = field(default_factory=list)
    limited: list[PlaceInfo] = field(default_factory=list)
    unknown: list[PlaceInfo] = field(default_factory=list)


# ---------------------------------------------------------------- validation (pure)


def validate_description(description: object) -> str:
    """Free text up to 2000 characters; line breaks allowed, other control characters not."""
    if description is None:
        return ""
    if not isinstance(description, str):
        raise InvalidInput(N_("The description must be text."))
    text = description.replace("\r\n", "\n").replace("\r", "\n").strip()
    if len(text) > DESCRIPTION_MAX:
        raise InvalidInput(N_("The description has {n} characters; use at most {max}."), n=len(text), max=DESCRIPTION_MAX)
    return clean_text(text, keep_newlines=True)


def validate_groups(groups: Iterable[object] | None) -> tuple[str, ...]:
    """Known group ids, without repeats, in the order of the group table."""
    chosen = set()
    for g in groups or ():
        if g not in GROUP_IDS:
            raise InvalidInput(
                N_("Unknown group {g!r}; choose from: {choices}."), g=g, choices=', '.join(GROUP_IDS),
            )
        chosen.add(g)
    return tuple(g for g in GROUP_IDS if g in chosen)


def validate_suggestion(
    *,
    name: object,
    category: object,
    lon: object,
    lat: object,
    bbox: tuple[float, float, float, float],
    description: object = "",
    groups: Iterable[object] | None = (),
    email: object = None,
) -> CleanSuggestion:
    """The cleaned form values, or InvalidInput naming the first problem."""
    clean_name = validate_place_name(name)
    clean_category = validate_category(category)
    x, y = validate_location(lon, lat, bbox=bbox)
    clean_email = None
    if email is not None and not (isinstance(email, str) and not email.strip()):
        clean_text(str(email))
        clean_email = validate_email(email)
    return CleanSuggestion(
        name=clean_name,
        category=clean_category,
        lon=x,
        lat=y,
        description=validate_description(description),
        groups=validate_groups(groups),
        email=clean_email,
    )


def normalise_ref_code(code: object) -> str:
    """``"k7m2 q9xp"`` → ``"K7M2-Q9XP"``; InvalidInput when it cannot be a reference code."""
    raw = re.sub(r"[\s\-_.]", "", code).upper() if isinstance(code, str) else ""
    if len(raw) != REF_LENGTH or any(ch not in REF_ALPHABET for ch in raw):
        raise InvalidInput(N_("{code} is not a reference code: it has 8 letters and digits, like K7M2-Q9XP."), code=repr(str(code)[:40]))
    return f"{raw[:4]}-{raw[4:]}"


def new_ref_code() -> str:
    raw = "".join(secrets.choice(REF_ALPHABET) for _ in range(REF_LENGTH))
    return f"{raw[:4]}-{raw[4:]}"


def _validate_token(value: object, what: str) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > 200:
        raise InvalidInput(
            N_("The form is missing its {what}; reload the page and send it again."), what=what,
        )
    return value


def normalise_name_for_matching(name: str) -> str:
    """Case, accents and punctuation removed: ``"Spielplatz am Stadtgarten!"`` → ``"spielplatz am stadtgarten"``."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    letters = "".join(ch if ch.isalnum() else " " for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(letters.split())


def names_similar(a: str | None, b: str | None) -> bool:
    """Similar when one contains the other or difflib's ratio is at least 0.6."""
    if not a or not b:
        return False
    x, y = normalise_name_for_matching(a), normalise_name_for_matching(b)
    if not x or not y:
        return False
    if x == y or (min(len(x), len(y)) >= 4 and (x in y or y in x)):
        return True
    return difflib.SequenceMatcher(None, x, y).ratio() >= SIMILAR_RATIO


def split_by_verdict(
    places: Iterable[PlaceInfo], *, groups: Sequence[str], verdicts_by_place: Mapping[int, Mapping[str, str]]
) -> PublicPlaces:
    """Open when open for every chosen group, limited when each is at least limited, unknown
    otherwise; a place not open for any chosen group is left out."""
    chosen = validate_groups(groups)
    if not chosen:
        raise InvalidInput(N_("Choose at least one group."))
    result = PublicPlaces()
    for place in places:
        verdicts = verdicts_by_place.get(place.id, {})
        values = [verdicts.get(g, "unknown") for g in chosen]
        if NOT_OPEN in values:
            continue
        if all(v == OPEN for v in values):
            result.open.append(place)
        elif all(v in (OPEN, LIMITED) for v in values):
            result.limited.append(place)
        else:
            result.unknown.append(place)
    for bucket in (result.open, result.limited, result.unknown):
        # Named places by name, then the unnamed ones by category and street ("Spielplatz, Goethestraße").
        bucket.sort(key=lambda p: (p.name is None, (p.name or p.category).casefold(), (p.locator or "").casefold(), p.id))
    return result


# ---------------------------------------------------------------- conversions


def _status(row: Suggestion) -> SuggestionStatus:
    return SuggestionStatus(
        ref_code=row.ref_code,
        name=row.name,
        status=row.status,
        reason=row.decision_reason,
        place_id=row.place_id,
        created_at=row.created_at,
        decided_at=row.decided_at,
    )


def _info(row: Suggestion, email: str | None = None) -> SuggestionInfo:
    return SuggestionInfo(
        id=row.id,
        area_id=row.area_id,
        ref_code=row.ref_code,
        name=row.name,
        category=row.category,
        lon=row.lon,
        lat=row.lat,
        description=row.description,
        groups=tuple(row.groups or ()),
        status=row.status,
        decision_reason=row.decision_reason,
        decided_by=row.decided_by,
        decided_at=row.decided_at,
        place_id=row.place_id,
        created_at=row.created_at,
        contact_email=email,
    )


# ---------------------------------------------------------------- public: similar, submit, status


_Near = TypeVar("_Near", Place, Suggestion)


def _rows_near(
    session: Session,
    model: type[_Near],
    *,
    area_id: int,
    status: str,
    lon: float,
    lat: float,
    radius_m: float,
) -> Sequence[_Near]:
    """Rows of ``model`` in the area with that status, in the box ``radius_m`` around the point."""
    west, south, east, north = box_around(lon, lat, radius_m)
    return session.scalars(
        select(model).where(
            model.area_id == area_id,
            model.status == status,
            model.lon.between(west, east),
            model.lat.between(south, north),
        )
    ).all()


def find_similar_places(
    session: Session,
    *,
    area_id: int,
    name: str,
    lon: float,
    lat: float,
    radius_m: float = SIMILAR_RADIUS_M,
    category: str | None = None,
) -> list[PlaceInfo]:
    """Active places within ``radius_m`` with a similar name ("is it one of these?"), nearest first.

    With ``category``, unnamed places of that category nearby count as similar too.
    """
    rows = _rows_near(session, Place, area_id=area_id, status="active", lon=lon, lat=lat, radius_m=radius_m)
    found: list[tuple[float, int]] = []
    for p in rows:
        d = distance_m(lon, lat, p.lon, p.lat)
        similar = names_similar(name, p.name) or (
            category is not None and not p.name and p.category == category
        )
        if d <= radius_m and similar:
            found.append((d, p.id))
    return [get_place(session, place_id=pid) for _, pid in sorted(found)]


def find_similar_suggestions(
    session: Session, *, area_id: int, name: str, lon: float, lat: float, radius_m: float = SIMILAR_RADIUS_M
) -> list[SuggestionStatus]:
    """Pending suggestions within ``radius_m`` with a similar name (someone was quicker)."""
    rows = _rows_near(session, Suggestion, area_id=area_id, status="pending", lon=lon, lat=lat, radius_m=radius_m)
    hits = [(distance_m(lon, lat, s.lon, s.lat), s) for s in rows]
    return [
        _status(s)
        for d, s in sorted(hits, key=lambda h: h[0])
        if d <= radius_m and names_similar(name, s.name)
    ]


def _receipt_for_key(session: Session, key: str) -> SuggestionReceipt | None:
    row = session.execute(
        select(Suggestion.ref_code, Suggestion.status).where(Suggestion.idempotency_key == key)
    ).first()
    return None if row is None else SuggestionReceipt(ref_code=row[0], status=row[1], created=False)


def published_area(session: Session, *, area_id: int) -> AreaInfo:
    """The area, if residents may see it; an unpublished one (the sample) is refused."""
    area = get_area_by_id(session, area_id=area_id)
    if not area.published:
        raise InvalidInput(N_("This area is not published. Choose another area."))
    return area


def submit_suggestion(
    session: Session,
    *,
    area_id: int,
    idempotency_key: str,
    client_key: str,
    name: str,
    category: str,
    lon: float,
    lat: float,
    description: str = "",
    groups: Sequence[str] = (),
    email: str | None = None,
    lang: str = DEFAULT_LANGUAGE,
    now: datetime | None = None,
    area_limit_per_hour: int | None = None,
) -> SuggestionReceipt:
    """Store a resident's suggestion once; the same ``idempotency_key`` returns the first receipt.

    ``client_key`` identifies the browser (a random key kept in a cookie); only its hash is
    stored, to allow at most ``RATE_LIMIT_PER_HOUR`` suggestions per browser and hour, and
    ``area_limit_per_hour`` (default: the setting ``ATLAS_SUGGESTIONS_PER_AREA_HOUR``) per area
    from all browsers together. Counting and inserting happen under one row lock.
    ``lang`` (the page language) is kept with the e-mail: the reply is written in it.
    """
    now = now or datetime.now(UTC)
    key = _validate_token(idempotency_key, "idempotency key")
    if not IDEMPOTENCY_KEY_RE.fullmatch(key):
        raise InvalidInput(
            N_("The form key must be 8–64 letters, digits, '-' or '_'; reload the page and send again."),
        )
    session_hash = client_hash(_validate_token(client_key, "client key"))
    area_limit = load_settings().suggestions_per_area_hour if area_limit_per_hour is None else area_limit_per_hour
    existing = _receipt_for_key(session, key)
    if existing is not None:
        return existing
    area = published_area(session, area_id=area_id)
    clean = validate_suggestion(
        name=name,
        category=category,
        lon=lon,
        lat=lat,
        bbox=area.bbox,
        description=description,
        groups=groups,
        email=email,
    )
    # From here to the insert, other submissions wait: the counts below include every
    # suggestion committed before, so 30 parallel requests cannot all pass them.
    hold_lock(session, scope=LOCK_SCOPE, key=LOCK_KEY)
    existing = _receipt_for_key(session, key)
    if existing is not None:
        return existing  # the same form, sent again while this one waited
    since = now - RATE_WINDOW
    for condition, limit, per_area in (
        (Suggestion.session_hash == session_hash, RATE_LIMIT_PER_HOUR, False),
        (Suggestion.area_id == area.id, area_limit, True),
    ):
        count, oldest = session.execute(
            select(func.count(), func.min(Suggestion.created_at)).where(condition, Suggestion.created_at > since)
        ).one()
        if count >= limit:
            wait = (oldest + RATE_WINDOW - now).total_seconds() if oldest is not None else RATE_WINDOW.seconds
            raise RateLimited(max(1, math.ceil(wait)), per_area=per_area, limit=limit)

    for _attempt in range(5):
        row = Suggestion(
            area_id=area.id,
            ref_code=new_ref_code(),
            idempotency_key=key,
            session_hash=session_hash,
            name=clean.name,
            category=clean.category,
            lon=clean.lon,
            lat=clean.lat,
            description=clean.description,
            groups=list(clean.groups),
            status="pending",
            created_at=now,
        )
        try:
            # A SAVEPOINT, so a lost race on the unique key leaves the caller's transaction usable.
            with session.begin_nested():
                session.add(row)
                session.flush()
                if clean.email is not None:
                    reply_lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
                    session.add(
                        SuggestionContact(suggestion_id=row.id, email=clean.email, lang=reply_lang, created_at=now)
                    )
                    session.flush()
        except IntegrityError:
            existing = _receipt_for_key(session, key)
            if existing is not None:
                return existing  # the same form was sent twice at once: the other one won
            continue  # a reference code collided (rare): draw another
        return SuggestionReceipt(ref_code=row.ref_code, status=row.status, created=True)
    raise AtlasError(
        N_("The suggestion could not be stored; please send it again."),
    )


def suggestion_status(session: Session, *, ref_code: str) -> SuggestionStatus:
    """The status a resident sees for a reference code (case and spaces do not matter)."""
    code = normalise_ref_code(ref_code)
    row = session.scalar(select(Suggestion).where(Suggestion.ref_code == code))
    if row is None:
        raise SuggestionNotFound(N_("There is no suggestion with the code {code}. Check the code as shown after sending."), code=code)
    return _status(row)


def public_places(
    session: Session,
    *,
    area_id: int,
    groups: Sequence[str],
    verdicts_by_place: Mapping[int, Mapping[str, str]],
) -> PublicPlaces:
    """The area's active places "open to me" for ``groups``, split by verdict (see ``split_by_verdict``)."""
    published_area(session, area_id=area_id)
    places = load_places(session, area_id=area_id, include_closed=False)
    return split_by_verdict(places, groups=groups, verdicts_by_place=verdicts_by_place)


# ---------------------------------------------------------------- moderation (manager, admin)


def pending_suggestions(
    session: Session, *, actor: Actor, area_id: int | None = None
) -> list[SuggestionInfo]:
    """The moderation queue, oldest first, with the reply e-mail where one was given."""
    require_role(actor, *MODERATORS)
    query = select(Suggestion, SuggestionContact.email).outerjoin(
        SuggestionContact, SuggestionContact.suggestion_id == Suggestion.id
    )
    query = query.where(Suggestion.status == "pending")
    if area_id is not None:
        query = query.where(Suggestion.area_id == area_id)
    rows = session.execute(query.order_by(Suggestion.created_at, Suggestion.id))
    return [_info(s, email) for s, email in rows]


def _clean_ids(ids: Sequence[int]) -> list[int]:
    clean: list[int] = []
    for i in ids:
        if isinstance(i, bool) or not isinstance(i, int):
            raise InvalidInput(N_("{i!r} is not a suggestion id."), i=i)
        if i not in clean:
            clean.append(i)
    if not clean:
        raise InvalidInput(N_("Select at least one suggestion."))
    return clean


def _locked_rows(session: Session, ids: Sequence[int]) -> list[Suggestion]:
    """The suggestions, locked against a second moderator (PostgreSQL); all must exist."""
    rows = {
        s.id: s
        for s in session.scalars(
            select(Suggestion)
            .where(Suggestion.id.in_(list(ids)))
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    }
    missing = [i for i in ids if i not in rows]
    if missing:
        raise SuggestionNotFound(
            N_("No suggestion with id {ids}; reload the queue."), ids=', '.join(map(str, missing)),
        )
    return [rows[i] for i in ids]


def _require_pending(rows: Sequence[Suggestion]) -> None:
    decided = [s for s in rows if s.status != "pending"]
    if decided:
        listing = ", ".join(f"{s.ref_code} ({s.status})" for s in decided)
        raise InvalidInput(
            N_("Already decided: {listing}. Nothing was changed; reload the queue and choose again."), listing=listing,
        )


def _decide(
    session: Session,
    rows: Sequence[Suggestion],
    *,
    actor: Actor,
    status: str,
    now: datetime,
    outbox: list[DecisionNotice] | None,
) -> None:
    for s in rows:
        s.status = status
        s.decided_by = actor.name[:64]
        s.decided_at = now
    ids = [s.id for s in rows]
    if outbox is not None:
        contacts = session.execute(
            select(SuggestionContact.suggestion_id, SuggestionContact.email, SuggestionContact.lang).where(
                SuggestionContact.suggestion_id.in_(ids)
            )
        )
        by_id = {s.id: s for s in rows}
        for sid, email, lang in contacts:
            s = by_id[sid]
            # The resident reads the place's label (its name, or "Spielplatz, Goethestraße").
            place_name = get_place(session, place_id=s.place_id).label(lang) if s.place_id is not None else None
            outbox.append(
                DecisionNotice(
                    email=email, lang=lang, ref_code=s.ref_code, status=status, name=s.name,
                    reason=s.decision_reason, place_name=place_name,
                )
            )  # fmt: skip
    # The reply address is no longer needed once there is an outcome: the address leaves the
    # database with the decision, and only the outbox (in memory) holds it until the send attempt.
    session.execute(delete(SuggestionContact).where(SuggestionContact.suggestion_id.in_(ids)))


def approve_suggestions(
    session: Session,
    *,
    actor: Actor,
    ids: Sequence[int],
    now: datetime | None = None,
    outbox: list[DecisionNotice] | None = None,
) -> list[PlaceInfo]:
    """Turn pending suggestions into catalogue places (origin ``suggestion``), each with an open
    audit task. All or nothing: if one is already decided, none is approved. With ``outbox``,
    the replies owed to residents who left an e-mail are appended to it (see ``_decide``)."""
    require_role(actor, *MODERATORS)
    now = now or datetime.now(UTC)
    rows = _locked_rows(session, _clean_ids(ids))
    _require_pending(rows)
    places: list[Place] = []
    for s in rows:
        place = add_local_place_row(
            session,
            area_id=s.area_id,
            name=s.name,
            category=s.category,
            lon=s.lon,
            lat=s.lat,
            origin="suggestion",
            tags={"description": s.description} if s.description else None,
            now=now,
        )
        places.append(place)
        s.place_id = place.id
        create_task(session, actor=actor, place_id=place.id, reason="suggestion", now=now)
    _decide(session, rows, actor=actor, status="approved", now=now, outbox=outbox)
    session.flush()
    return [get_place(session, place_id=p.id) for p in places]


def merge_suggestion(
    session: Session,
    *,
    actor: Actor,
    suggestion_id: int,
    place_id: int,
    now: datetime | None = None,
    outbox: list[DecisionNotice] | None = None,
) -> SuggestionStatus:
    """Mark a pending suggestion as a duplicate of an existing place of the same area."""
    require_role(actor, *MODERATORS)
    now = now or datetime.now(UTC)
    row = _locked_rows(session, _clean_ids([suggestion_id]))[0]
    _require_pending([row])
    place = session.get(Place, place_id)
    if place is None or place.area_id != row.area_id:
        raise PlaceNotFound(
            N_("No place with id {place_id} in the suggestion's area; choose a place from the list."), place_id=place_id,
        )
    row.place_id = place.id
    _decide(session, [row], actor=actor, status="merged", now=now, outbox=outbox)
    session.flush()
    return _status(row)


def validate_reason(reason: object) -> str:
    text = reason.replace("\r\n", "\n").strip() if isinstance(reason, str) else ""
    if not text:
        raise InvalidInput(
            N_("Give a reason for the rejection; the resident sees it on the status page."),
        )
    if len(text) > REASON_MAX:
        raise InvalidInput(
            N_("The reason has {n} characters; use at most {max}."), n=len(text), max=REASON_MAX,
        )
    return clean_text(text, keep_newlines=True)


def reject_suggestions(
    session: Session,
    *,
    actor: Actor,
    ids: Sequence[int],
    reason: str,
    now: datetime | None = None,
    outbox: list[DecisionNotice] | None = None,
) -> list[SuggestionStatus]:
    """Reject pending suggestions with a reason the residents see. All or nothing."""
    require_role(actor, *MODERATORS)
    now = now or datetime.now(UTC)
    clean_reason = validate_reason(reason)
    rows = _locked_rows(session, _clean_ids(ids))
    _require_pending(rows)
    for s in rows:
        s.decision_reason = clean_reason
    _decide(session, rows, actor=actor, status="rejected", now=now, outbox=outbox)
    session.flush()
    return [_status(s) for s in rows]


def open_audit_tasks(
    session: Session, *, actor: Actor, area_id: int | None = None
) -> list[tuple[int, int, str]]:
    """``(task id, place id, reason)`` of open audit tasks (``audits.tasks.list_tasks`` has the rest)."""
    return [(t.id, t.place_id, t.reason) for t in list_tasks(session, actor=actor, area_id=area_id)]


def purge_contacts(
    session: Session, *, actor: Actor, older_than_days: int, now: datetime | None = None
) -> int:
    """Delete reply e-mails older than ``older_than_days`` (also of pending suggestions)."""
    require_role(actor, *MODERATORS)
    if isinstance(older_than_days, bool) or not isinstance(older_than_days, int) or older_than_days < 0:
        raise InvalidInput(
            N_("older_than_days must be a whole number of days, 0 or more."),
        )
    now = now or datetime.now(UTC)
    result = session.execute(
        delete(SuggestionContact).where(SuggestionContact.created_at < now - timedelta(days=older_than_days))
    )
    return int(getattr(result, "rowcount", 0) or 0)
