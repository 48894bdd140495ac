"""Daten importieren: an uploaded extract file, a live Overpass fetch, or the bundled sample.

Imports run as jobs in a worker thread (``catalogue.import_jobs``); a fragment polls the job and
shows its phase and how many objects were read, with a button to cancel.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import streamlit as st

from base.errors import AtlasError
from base.i18n import N_
from catalogue.import_jobs import ImportJob, JobStatus, start_file_import, start_overpass_import
from catalogue.osm_file import sample_extract_path
from catalogue.store import validate_area_name
from catalogue.uploads import check_upload_size, new_upload_folder
from webui import ui

# What the import is doing now (``import_jobs`` phases), for the progress line.
PHASES: dict[str, str] = {
    "queued": N_("Waiting for another import"),
    "reading": N_("Reading the file"),
    "read": N_("Reading the file"),
    "fetching": N_("Fetching from OpenStreetMap"),
    "saving": N_("Saving"),
    "decompress": N_("Decompressing the file (MB)"),
    "relations": N_("Reading relations"),
    "duplicates": N_("Removing duplicate objects"),
    "build": N_("Building places and the walking network"),
}
MODES: dict[str, str] = {"place": N_("Place name"), "bbox": N_("Bounding box (coordinates)")}

UPLOAD_TYPES = ["osm", "pbf", "bz2", "gz"]
JOB_KEY = "import_job"
RESULT_KEY = "import_result"
POLL_S = 0.5
# How far along each phase is, for the progress bar (the number of objects is not known ahead).
PHASE_FRACTION = {
    "queued": 0.02,
    "fetching": 0.2,
    "reading": 0.1,
    "decompress": 0.1,
    "relations": 0.15,
    "read": 0.3,
    "duplicates": 0.5,
    "build": 0.7,
    "saving": 0.85,
}


def _nan_if_none(value: float | None) -> float:
    return float("nan") if value is None else float(value)


def _safe_name(name: str) -> str:
    # Kept only so error messages name the user's file; never used as a path by itself.
    return re.sub(r"[^A-Za-z0-9._-]", "_", Path(name).name)[:100] or "upload.osm"


def _start(job: ImportJob) -> None:
    st.session_state[JOB_KEY] = job


def _busy() -> bool:
    job = st.session_state.get(JOB_KEY)
    if isinstance(job, ImportJob) and not job.status().finished:
        st.warning(ui.t("An import is already running; wait for it to finish or cancel it."))
        return True
    return False


def _phase_text(status: JobStatus) -> str:
    # Every phase (ours and the reader's) has a text; an unforeseen one is shown as it is.
    phase = ui.t(PHASES[status.phase]) if status.phase in PHASES else status.phase
    objects = f"{status.objects:,}".replace(",", "." if ui.get_lang() == "de" else ",")
    return ui.t("{phase}: {objects} objects read ({seconds} s)", phase=phase, objects=objects, seconds=f"{status.seconds:.0f}")


@st.fragment(run_every=POLL_S)
def _job_panel() -> None:
    job = st.session_state.get(JOB_KEY)
    if not isinstance(job, ImportJob):
        return
    status = job.status()
    if status.finished:
        st.session_state[RESULT_KEY] = status
        st.session_state.pop(JOB_KEY, None)
        st.rerun()
    st.progress(PHASE_FRACTION.get(status.phase, 0.5), text=ui.md(_phase_text(status)))
    if st.button(ui.t("Cancel import"), key="import_cancel", icon=":material/cancel:"):
        job.cancel()
        st.caption(ui.t("Cancelling …"))


def _show_result(status: JobStatus) -> None:
    # The same closed status box as a synchronous import (ui.run_import), then one message.
    if status.state == "done":
        st.status(ui.t("Import finished"), state="complete", expanded=False)
    elif status.state == "cancelled":
        st.status(ui.t("Import cancelled"), state="error", expanded=False)
    else:
        st.status(ui.t("Import failed"), state="error", expanded=False)
    if status.summary is not None:
        ui.show_import_summary(status.summary)
        # The catalogue opens on the area just imported.
        st.session_state[ui.AREA_KEY] = status.summary.area
        st.page_link("app_pages/catalogue.py", label=ui.t("Go to the catalogue"), icon=":material/map:")
    elif status.state == "cancelled":
        st.info(ui.t("Import cancelled; nothing was written."))
    elif status.error is not None:
        ui.show_error(status.error)


st.title(ui.t("Import data"))
st.write(ui.t("An import reads the places of encounter and the walking network of a neighbourhood. Importing the same area again updates it; places that vanished are flagged, not deleted."))
settings = ui.get_settings()
engine = ui.get_engine()
actor = ui.current_actor()

area_name = st.text_input(ui.t("Area name"), help=ui.t("For example “Borsigwalde”. If the area exists, it is updated."), key="import_area")
tab_file, tab_online, tab_sample = st.tabs(
    [ui.t("Upload a file"), ui.t("Live from OpenStreetMap"), ui.t("Sample data")]
)

with tab_file:
    upload = st.file_uploader(
        ui.t("OSM file (.osm, .pbf, .bz2, .gz)"),
        type=UPLOAD_TYPES,
        help=ui.t("At most {mb} MB.", mb=settings.max_upload_mb),
        max_upload_size=settings.max_upload_mb,
        key="import_file",
    )
    if st.button(ui.t("Import file"), type="primary", key="import_file_go") and not _busy():
        if upload is None:
            st.warning(ui.t("Please choose a file first."))
        elif not area_name.strip():
            st.warning(ui.t("Please enter a name for the area."))
        else:
            folder: Path | None = None
            try:
                name = validate_area_name(area_name)
                # Refused before a byte is written (the server refuses larger uploads as well).
                check_upload_size(
                    size_bytes=upload.size, max_mb=settings.max_upload_mb, name=_safe_name(upload.name)
                )
                folder = new_upload_folder(settings.upload_dir)
                target = folder / _safe_name(upload.name)
                with target.open("wb") as fh:
                    shutil.copyfileobj(upload, fh, length=1 << 20)
                # The importer checks the content (not the file name) and says what is wrong.
                _start(start_file_import(engine, actor=actor, path=target, area_name=name, cleanup=folder))
                folder = None  # the job removes it when it ends
            except AtlasError as err:
                ui.show_error(err)
            finally:
                if folder is not None:
                    shutil.rmtree(folder, ignore_errors=True)

with tab_online:
    st.caption(ui.t("Queries Nominatim and the Overpass API – needs internet and may take a minute."))
    mode = st.radio(
        ui.t("Give the area by"),
        options=["place", "bbox"],
        format_func={m: ui.t(label) for m, label in MODES.items()}.__getitem__,
        horizontal=True,
        key="import_mode",
    )
    with st.form("import_online"):
        place_name = ""
        bbox: tuple[float, float, float, float] | None = None
        if mode == "place":
            place_name = st.text_input(ui.t("Place name"), help=ui.t("For example “Borsigwalde, Berlin”."))
        else:
            c1, c2, c3, c4 = st.columns(4)
            west = c1.number_input(ui.t("West (longitude)"), value=None, format="%.5f")
            south = c2.number_input(ui.t("South (latitude)"), value=None, format="%.5f")
            east = c3.number_input(ui.t("East (longitude)"), value=None, format="%.5f")
            north = c4.number_input(ui.t("North (latitude)"), value=None, format="%.5f")
        fetch = st.form_submit_button(ui.t("Fetch from OpenStreetMap"), type="primary")
    if fetch and not _busy():
        if not area_name.strip():
            st.warning(ui.t("Please enter a name for the area."))
        elif mode == "place" and not place_name.strip():
            st.warning(ui.t("Please enter a place name."))
        elif mode == "place":
            _start(
                start_overpass_import(
                    engine, actor=actor, area_name=area_name, place=place_name.strip(), settings=settings
                )
            )
        else:
            # Missing numbers go through as NaN: the reader says which box is acceptable.
            box = _nan_if_none(west), _nan_if_none(south), _nan_if_none(east), _nan_if_none(north)
            _start(start_overpass_import(engine, actor=actor, area_name=area_name, bbox=box, settings=settings))

with tab_sample:
    st.write(ui.t("The sample data is a small extract of Helsinki shipped with the software. Good for trying things out without internet."))
    if st.button(ui.t("Load the sample data (Helsinki, works offline)"), key="import_sample_go") and not _busy():
        name = area_name.strip() or ui.t("Helsinki (sample data)")
        try:
            sample = sample_extract_path()
        except AtlasError as err:
            ui.show_error(err)
        else:
            # The sample is for trying the app out: residents do not see it until it is published.
            _start(start_file_import(engine, actor=actor, path=sample, area_name=name, published=False))

if RESULT_KEY in st.session_state:
    _show_result(st.session_state.pop(RESULT_KEY))
if isinstance(st.session_state.get(JOB_KEY), ImportJob):
    # Polls only while a job runs; when it ends, the full rerun shows its result.
    _job_panel()
