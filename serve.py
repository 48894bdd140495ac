"""Begegnungsatlas server entry: ``streamlit run serve.py`` (``make run`` does this).

Serves ``app.py`` behind one extra ASGI middleware (``webui.upload_gate.UploadGate``): only
sessions of signed-in staff who may import can upload files, and none larger than
``ATLAS_MAX_UPLOAD_MB`` – which is also set here as Streamlit's ``server.maxUploadSize``, so the
setting is the single source. ``streamlit run app.py`` still works for development, but without
the gate (``.streamlit/config.toml`` then keeps uploads to 1 MB).
"""

from __future__ import annotations

import os

import streamlit as st
from starlette.middleware import Middleware
from streamlit import config

from base.settings import load_settings
from webui.upload_gate import UploadGate

MAX_UPLOAD_MB = load_settings().max_upload_mb
# Read per request by Streamlit's upload handler; the variable covers a later config reload.
os.environ["STREAMLIT_SERVER_MAX_UPLOAD_SIZE"] = str(MAX_UPLOAD_MB)
config.set_option("server.maxUploadSize", MAX_UPLOAD_MB, "ATLAS_MAX_UPLOAD_MB")

app = st.App("app.py", middleware=[Middleware(UploadGate, max_mb=MAX_UPLOAD_MB)])
