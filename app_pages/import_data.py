"""Daten importieren: an uploaded extract file, a live Overpass fetch, or the bundled sample."""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

import streamlit as st

from app_pages import ui
from catalogue.errors import AtlasError
from catalogue.importer import import_file, import_overpass
from catalogue.osm_file import sample_extract_path
from catalogue.settings import DATA_DIR
from catalogue.store import ImportSummary

UPLOAD_DIR = DATA_DIR / "uploads"
UPLOAD_TYPES = ["osm", "pbf", "bz2", "gz"]


def _safe_name(name: str) -> str:
    # Kept only so error messages name the user's file; never used as a path by itself.
    return re.sub(r"[^A-Za-z0-9._-]", "_", Path(name).name)[:100] or "upload.osm"


st.title(ui.t("import.title"))
st.write(ui.t("import.intro"))
settings = ui.get_settings()
engine = ui.get_engine()
actor = ui.current_actor()

imported: ImportSummary | None = None
area_name = st.text_input(ui.t("import.area_name"), help=ui.t("import.area_name_help"), key="import_area")
tab_file, tab_online, tab_sample = st.tabs(
    [ui.t("import.tab_file"), ui.t("import.tab_online"), ui.t("import.tab_sample")]
)

with tab_file:
    upload = st.file_uploader(
        ui.t("import.file"),
        type=UPLOAD_TYPES,
        help=ui.t("import.file_help", mb=settings.max_upload_mb),
        max_upload_size=settings.max_upload_mb,
        key="import_file",
    )
    if st.button(ui.t("import.file_submit"), type="primary", key="import_file_go"):
        if upload is None:
            st.warning(ui.t("import.need_file"))
        elif not area_name.strip():
            st.warning(ui.t("import.need_area"))
        else:
            UPLOAD_DIR.mkdir(parents=True, exist_ok=True)
            folder = Path(tempfile.mkdtemp(dir=UPLOAD_DIR))
            try:
                target = folder / _safe_name(upload.name)
                with target.open("wb") as fh:
                    shutil.copyfileobj(upload, fh, length=1 << 20)
                # The importer checks the content (not the file name) and says what is wrong.
                imported = ui.run_import(
                    lambda: import_file(engine, actor=actor, path=target, area_name=area_name)
                )
            finally:
                shutil.rmtree(folder, ignore_errors=True)

with tab_online:
    st.caption(ui.t("import.online_help"))
    mode = st.radio(
        ui.t("import.mode"),
        options=["place", "bbox"],
        format_func={m: ui.t(f"import.mode_{m}") for m in ("place", "bbox")}.__getitem__,
        horizontal=True,
        key="import_mode",
    )
    with st.form("import_online"):
        place_name = ""
        bbox: tuple[float, float, float, float] | None = None
        if mode == "place":
            place_name = st.text_input(ui.t("import.place"), help=ui.t("import.place_help"))
        else:
            c1, c2, c3, c4 = st.columns(4)
            west = c1.number_input(ui.t("import.west"), value=None, format="%.5f")
            south = c2.number_input(ui.t("import.south"), value=None, format="%.5f")
            east = c3.number_input(ui.t("import.east"), value=None, format="%.5f")
            north = c4.number_input(ui.t("import.north"), value=None, format="%.5f")
        fetch = st.form_submit_button(ui.t("import.online_submit"), type="primary")
    if fetch:
        if not area_name.strip():
            st.warning(ui.t("import.need_area"))
        elif mode == "place" and not place_name.strip():
            st.warning(ui.t("import.need_place"))
        elif mode == "place":
            imported = ui.run_import(
                lambda: import_overpass(
                    engine, actor=actor, area_name=area_name, place=place_name.strip(), settings=settings
                )
            )
        else:
            # Missing numbers go through as NaN: the reader says which box is acceptable.
            box = tuple(float("nan") if v is None else float(v) for v in (west, south, east, north))
            imported = ui.run_import(
                lambda: import_overpass(engine, actor=actor, area_name=area_name, bbox=box, settings=settings)
            )

with tab_sample:
    st.write(ui.t("import.sample_text"))
    if st.button(ui.t("onboarding.sample"), key="import_sample_go"):
        name = area_name.strip() or ui.t("onboarding.sample_area")
        try:
            sample = sample_extract_path()
        except AtlasError as err:
            ui.show_error(err)
        else:
            imported = ui.run_import(lambda: import_file(engine, actor=actor, path=sample, area_name=name))

if imported is not None:
    st.page_link("app_pages/catalogue.py", label=ui.t("import.to_catalogue"), icon=":material/map:")
