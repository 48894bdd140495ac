"""Every text the app shows, in German (default) and English: one table, looked up with ``t()``.

Category labels live in ``catalogue.categories``; error texts in the error classes.
Placeholders use ``str.format`` names: ``t("import.done", "en", places=12)``.
"""

from __future__ import annotations

LANGUAGES: dict[str, str] = {"de": "Deutsch", "en": "English"}
DEFAULT_LANGUAGE = "de"

STRINGS: dict[str, dict[str, str]] = {
    # app frame
    "app.title": {"de": "Begegnungsatlas", "en": "Begegnungsatlas"},
    "app.language": {"de": "Sprache / Language", "en": "Language / Sprache"},
    "app.caption": {
        "de": "Orte der Begegnung im Quartier – Daten © OpenStreetMap-Mitwirkende (ODbL)",
        "en": "Places of encounter in the neighbourhood – data © OpenStreetMap contributors (ODbL)",
    },
    "page.catalogue": {"de": "Katalog", "en": "Catalogue"},
    "page.import": {"de": "Daten importieren", "en": "Import data"},
    # onboarding (empty database)
    "onboarding.title": {"de": "Noch keine Daten", "en": "No data yet"},
    "onboarding.text": {
        "de": "Die Datenbank ist leer. So kommen Orte der Begegnung in den Katalog:",
        "en": "The database is empty. This is how places of encounter get into the catalogue:",
    },
    "onboarding.file": {
        "de": "Eine OSM-Datei (.osm, .pbf, .bz2, .gz) eines Quartiers importieren",
        "en": "Import an OSM extract file (.osm, .pbf, .bz2, .gz) of a neighbourhood",
    },
    "onboarding.online": {
        "de": "Einen Ort live von OpenStreetMap abrufen (braucht Internet)",
        "en": "Fetch a place live from OpenStreetMap (needs internet)",
    },
    "onboarding.sample": {
        "de": "Beispieldaten laden (Helsinki, ohne Internet)",
        "en": "Load the sample data (Helsinki, works offline)",
    },
    "onboarding.sample_area": {"de": "Helsinki (Beispieldaten)", "en": "Helsinki (sample data)"},
    # catalogue page
    "catalogue.title": {"de": "Katalog der Orte der Begegnung", "en": "Catalogue of places of encounter"},
    "catalogue.area": {"de": "Gebiet", "en": "Area"},
    "catalogue.area_option": {"de": "{name} ({count} Orte)", "en": "{name} ({count} places)"},
    "catalogue.area_summary": {
        "de": "{name}: {count} Orte, Quelle {source}, importiert {imported}",
        "en": "{name}: {count} places, source {source}, imported {imported}",
    },
    "catalogue.filter_categories": {"de": "Kategorien", "en": "Categories"},
    "catalogue.filter_none": {"de": "Kategorien wählen", "en": "Choose categories"},
    "catalogue.search": {"de": "Nach Namen suchen", "en": "Search by name"},
    "catalogue.shown": {"de": "{shown} von {total} Orten angezeigt", "en": "{shown} of {total} places shown"},
    "catalogue.map_help": {
        "de": "Auf einen Punkt klicken zeigt den Ort; auf die freie Karte klicken setzt die Lage "
        "für einen neuen Ort. Die Tabelle darunter enthält dieselben Orte.",
        "en": "Click a marker to show the place; click the empty map to set the location of a new "
        "place. The table below lists the same places.",
    },
    "catalogue.table": {"de": "Orte (Tabelle)", "en": "Places (table)"},
    "catalogue.none_match": {
        "de": "Kein Ort passt zu Filter und Suche.",
        "en": "No place matches the filter and search.",
    },
    "col.name": {"de": "Name", "en": "Name"},
    "col.category": {"de": "Kategorie", "en": "Category"},
    "col.status": {"de": "Status", "en": "Status"},
    "col.origin": {"de": "Herkunft", "en": "Origin"},
    "col.address": {"de": "Adresse", "en": "Address"},
    "col.opening_hours": {"de": "Öffnungszeiten", "en": "Opening hours"},
    "col.osm": {"de": "OSM-Objekt", "en": "OSM object"},
    "col.key": {"de": "Schlüssel", "en": "Key"},
    "col.value": {"de": "Wert", "en": "Value"},
    "status.active": {"de": "aktiv", "en": "active"},
    "status.closed": {"de": "geschlossen", "en": "closed"},
    "status.missing": {"de": "fehlt in OSM seit {date}", "en": "missing from OSM since {date}"},
    "origin.osm": {"de": "OpenStreetMap", "en": "OpenStreetMap"},
    "origin.manual": {"de": "manuell ergänzt", "en": "added manually"},
    "origin.suggestion": {"de": "Vorschlag", "en": "suggestion"},
    "map.legend": {"de": "Legende", "en": "Legend"},
    "map.inactive": {"de": "geschlossen oder nicht mehr in OSM", "en": "closed or gone from OSM"},
    "unnamed": {"de": "(ohne Namen)", "en": "(no name)"},
    # place detail
    "place.select": {"de": "Ort auswählen", "en": "Select a place"},
    "place.select_none": {"de": "– keiner –", "en": "– none –"},
    "place.address": {"de": "Adresse", "en": "Address"},
    "place.opening_hours": {"de": "Öffnungszeiten (wie in OSM)", "en": "Opening hours (as in OSM)"},
    "place.no_value": {"de": "nicht angegeben", "en": "not given"},
    "place.tags": {"de": "OSM-Tags", "en": "OSM tags"},
    "place.no_tags": {"de": "Keine OSM-Tags.", "en": "No OSM tags."},
    "place.osm_link": {"de": "In OpenStreetMap ansehen", "en": "View in OpenStreetMap"},
    "place.merged": {
        "de": "Zusammengeführt mit (dasselbe Objekt in OSM): {refs}",
        "en": "Merged with (the same place in OSM): {refs}",
    },
    "place.last_seen": {"de": "Zuletzt in OSM gesehen: {date}", "en": "Last seen in OSM: {date}"},
    "place.close": {"de": "Als geschlossen markieren", "en": "Mark as closed"},
    "place.reopen": {"de": "Wieder öffnen", "en": "Reopen"},
    "place.closed_done": {"de": "„{name}“ ist als geschlossen markiert.", "en": "“{name}” is marked closed."},
    "place.reopened_done": {"de": "„{name}“ ist wieder geöffnet.", "en": "“{name}” is open again."},
    "place.edit": {"de": "Manuellen Ort bearbeiten", "en": "Edit manual place"},
    "place.save": {"de": "Änderungen speichern", "en": "Save changes"},
    "place.saved": {"de": "Gespeichert.", "en": "Saved."},
    # add place
    "add.title": {"de": "Ort ergänzen, der in OSM fehlt", "en": "Add a place OpenStreetMap lacks"},
    "add.help": {
        "de": "Lage: auf die Karte klicken oder Koordinaten eingeben (WGS84, Dezimalgrad).",
        "en": "Location: click the map or enter coordinates (WGS84, decimal degrees).",
    },
    "add.name": {"de": "Name", "en": "Name"},
    "add.category": {"de": "Kategorie", "en": "Category"},
    "add.lat": {"de": "Breite (lat)", "en": "Latitude (lat)"},
    "add.lon": {"de": "Länge (lon)", "en": "Longitude (lon)"},
    "add.submit": {"de": "Ort hinzufügen", "en": "Add place"},
    "add.done": {"de": "„{name}“ wurde hinzugefügt.", "en": "“{name}” was added."},
    "add.need_coords": {
        "de": "Bitte Breite und Länge eingeben oder auf die Karte klicken.",
        "en": "Please enter latitude and longitude or click the map.",
    },
    "add.clicked": {"de": "Gewählte Lage: {lat:.6f}, {lon:.6f}", "en": "Chosen location: {lat:.6f}, {lon:.6f}"},
    # downloads
    "download.title": {"de": "Angezeigte Orte herunterladen", "en": "Download the places shown"},
    "download.geojson": {"de": "GeoJSON", "en": "GeoJSON"},
    "download.gpkg": {"de": "GeoPackage (QGIS)", "en": "GeoPackage (QGIS)"},
    "download.csv": {"de": "CSV (Excel)", "en": "CSV (Excel)"},
    # import page
    "import.title": {"de": "Daten importieren", "en": "Import data"},
    "import.intro": {
        "de": "Ein Import liest die Orte der Begegnung und das Fußwegenetz eines Quartiers. "
        "Ein erneuter Import desselben Gebiets aktualisiert es; verschwundene Orte werden markiert, "
        "nicht gelöscht.",
        "en": "An import reads the places of encounter and the walking network of a neighbourhood. "
        "Importing the same area again updates it; places that vanished are flagged, not deleted.",
    },
    "import.area_name": {"de": "Name des Gebiets", "en": "Area name"},
    "import.area_name_help": {
        "de": "Zum Beispiel „Borsigwalde“. Gibt es das Gebiet schon, wird es aktualisiert.",
        "en": "For example “Borsigwalde”. If the area exists, it is updated.",
    },
    "import.tab_file": {"de": "Datei hochladen", "en": "Upload a file"},
    "import.tab_online": {"de": "Live von OpenStreetMap", "en": "Live from OpenStreetMap"},
    "import.tab_sample": {"de": "Beispieldaten", "en": "Sample data"},
    "import.file": {"de": "OSM-Datei (.osm, .pbf, .bz2, .gz)", "en": "OSM file (.osm, .pbf, .bz2, .gz)"},
    "import.file_help": {"de": "Höchstens {mb} MB.", "en": "At most {mb} MB."},
    "import.file_submit": {"de": "Datei importieren", "en": "Import file"},
    "import.need_file": {"de": "Bitte zuerst eine Datei wählen.", "en": "Please choose a file first."},
    "import.need_area": {"de": "Bitte einen Namen für das Gebiet eingeben.", "en": "Please enter a name for the area."},
    "import.online_help": {
        "de": "Fragt Nominatim und die Overpass API ab – das braucht Internet und kann eine Minute dauern.",
        "en": "Queries Nominatim and the Overpass API – needs internet and may take a minute.",
    },
    "import.mode": {"de": "Gebiet angeben durch", "en": "Give the area by"},
    "import.mode_place": {"de": "Ortsname", "en": "Place name"},
    "import.mode_bbox": {"de": "Rechteck (Koordinaten)", "en": "Bounding box (coordinates)"},
    "import.place": {"de": "Ortsname", "en": "Place name"},
    "import.place_help": {
        "de": "Zum Beispiel „Borsigwalde, Berlin“.",
        "en": "For example “Borsigwalde, Berlin”.",
    },
    "import.west": {"de": "West (Länge)", "en": "West (longitude)"},
    "import.south": {"de": "Süd (Breite)", "en": "South (latitude)"},
    "import.east": {"de": "Ost (Länge)", "en": "East (longitude)"},
    "import.north": {"de": "Nord (Breite)", "en": "North (latitude)"},
    "import.need_place": {"de": "Bitte einen Ortsnamen eingeben.", "en": "Please enter a place name."},
    "import.online_submit": {"de": "Von OpenStreetMap abrufen", "en": "Fetch from OpenStreetMap"},
    "import.sample_text": {
        "de": "Die Beispieldaten sind ein kleiner Ausschnitt von Helsinki, der mit der Software "
        "mitgeliefert wird. Gut zum Ausprobieren ohne Internet.",
        "en": "The sample data is a small extract of Helsinki shipped with the software. Good for "
        "trying things out without internet.",
    },
    "import.running": {"de": "Import läuft …", "en": "Import running …"},
    "import.finished": {"de": "Import abgeschlossen", "en": "Import finished"},
    "import.failed": {"de": "Import fehlgeschlagen", "en": "Import failed"},
    "import.summary": {
        "de": "„{area}“: {places} Orte in {seconds:.1f} s importiert ({new} neu, {updated} aktualisiert, "
        "{missing} fehlen jetzt in OSM).",
        "en": "“{area}”: {places} places imported in {seconds:.1f} s ({new} new, {updated} updated, "
        "{missing} now missing from OSM).",
    },
    "import.anchors": {
        "de": "Schulen: {schools} · Kitas: {kitas} · Fußwegenetz: {nodes} Knoten, {edges} Kanten",
        "en": "Schools: {schools} · Kitas: {kitas} · walking network: {nodes} nodes, {edges} edges",
    },
    "import.per_category": {"de": "Orte je Kategorie", "en": "Places per category"},
    "import.count": {"de": "Anzahl", "en": "Count"},
    "import.to_catalogue": {"de": "Zum Katalog", "en": "Go to the catalogue"},
}


def t(key: str, lang: str, **params: object) -> str:
    """The text for ``key`` in ``lang`` (German when the language is unknown), with ``params`` filled in."""
    entry = STRINGS[key]
    text = entry.get(lang) or entry[DEFAULT_LANGUAGE]
    return text.format(**params) if params else text
