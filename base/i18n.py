"""Every text the app shows, in German (default) and English: one table, looked up with ``t()``.

Category labels live in ``catalogue.categories``; error texts in the error classes.
Placeholders use ``str.format`` names: ``t("import.done", "en", places=12)``.
"""

from __future__ import annotations

# Staff pages are German and English; the resident pages (keys starting with RESIDENT_PREFIXES)
# also Turkish, Arabic and Ukrainian. A key missing in a language falls back to German.
LANGUAGES: dict[str, str] = {
    "de": "Deutsch",
    "en": "English",
    "tr": "Türkçe",
    "ar": "العربية",
    "uk": "Українська",
}
STAFF_LANGUAGES: tuple[str, ...] = ("de", "en")
RTL_LANGUAGES: tuple[str, ...] = ("ar",)
RESIDENT_PREFIXES: tuple[str, ...] = ("public.", "suggest.", "status.")
DEFAULT_LANGUAGE = "de"

STRINGS: dict[str, dict[str, str]] = {
    # app frame
    "app.title": {"de": "Begegnungsatlas", "en": "Begegnungsatlas"},
    "app.language": {"de": "Sprache / Language", "en": "Language / Sprache"},
    "app.caption": {
        "de": "Orte der Begegnung im Quartier – Daten © OpenStreetMap-Mitwirkende (ODbL)",
        "en": "Places of encounter in the neighbourhood – data © OpenStreetMap contributors (ODbL)",
    },
    # errors residents can meet (AtlasError.from_key), in every resident language
    "public.error.database_gone": {
        "de": "Nichts wurde gespeichert: Die Datenbank ist gerade nicht verfügbar. Bitte später erneut versuchen; das Team ist informiert.",
        "en": "Nothing was saved: the database is not available right now. Please try again later; the team has been told.",
        "tr": "Hiçbir şey kaydedilmedi: veritabanı şu anda kullanılamıyor. Lütfen daha sonra tekrar deneyin; ekip bilgilendirildi.",
        "ar": "لم يُحفظ أي شيء: قاعدة البيانات غير متاحة حاليًا. يرجى المحاولة لاحقًا؛ تم إبلاغ الفريق.",
        "uk": "Нічого не збережено: база даних зараз недоступна. Спробуйте пізніше; команду повідомлено.",
    },
    "public.error.text_hidden_chars": {
        "de": "Der Text enthält Steuerzeichen oder unsichtbare Zeichen ({chars}: z. B. Tabulator, Zeilenumbruch, Schreibrichtungs- oder Nullbreiten-Zeichen); bitte entfernen.",
        "en": "The text contains control characters or invisible characters ({chars}: e.g. tab, line break, direction or zero-width marks); remove them.",
        "tr": "Metin kontrol karakterleri veya görünmez karakterler içeriyor ({chars}: ör. sekme, satır sonu, yön veya sıfır genişlikli işaretler); lütfen bunları kaldırın.",
        "ar": "يحتوي النص على أحرف تحكم أو أحرف غير مرئية ({chars}: مثل الجدولة أو فاصل الأسطر أو علامات الاتجاه أو العرض الصفري)؛ يرجى إزالتها.",
        "uk": "Текст містить керівні або невидимі символи ({chars}: напр. табуляцію, розрив рядка, знаки напрямку чи нульової ширини); будь ласка, видаліть їх.",
    },
    "public.error.text_invisible": {
        "de": "Der Text besteht nur aus unsichtbaren Zeichen; bitte mit sichtbaren Buchstaben schreiben.",
        "en": "The text consists only of invisible characters; write it with visible letters.",
        "tr": "Metin yalnızca görünmez karakterlerden oluşuyor; lütfen görünür harflerle yazın.",
        "ar": "يتكون النص من أحرف غير مرئية فقط؛ يرجى كتابته بأحرف مرئية.",
        "uk": "Текст складається лише з невидимих символів; напишіть його видимими літерами.",
    },
    "public.error.name_missing": {
        "de": "Bitte einen Namen für den Ort angeben.",
        "en": "Give the place a name.",
        "tr": "Lütfen yer için bir ad girin.",
        "ar": "يرجى إدخال اسم للمكان.",
        "uk": "Будь ласка, вкажіть назву місця.",
    },
    "public.error.name_too_long": {
        "de": "Der Name hat {n} Zeichen; erlaubt sind höchstens {max}.",
        "en": "The name is {n} characters long; use at most {max}.",
        "tr": "Ad {n} karakter uzunluğunda; en fazla {max} karakter kullanın.",
        "ar": "يتكون الاسم من {n} حرفًا؛ الحد الأقصى {max}.",
        "uk": "Назва має {n} символів; дозволено щонайбільше {max}.",
    },
    "public.error.coords_not_numbers": {
        "de": "Längen- und Breitengrad müssen Zahlen in Grad sein (z. B. 6,78 und 51,21).",
        "en": "Longitude and latitude must be numbers in degrees (e.g. 6.78, 51.21).",
        "tr": "Boylam ve enlem derece cinsinden sayı olmalıdır (ör. 6.78 ve 51.21).",
        "ar": "يجب أن يكون خط الطول وخط العرض أرقامًا بالدرجات (مثل 6.78 و 51.21).",
        "uk": "Довгота й широта мають бути числами в градусах (наприклад, 6.78 і 51.21).",
    },
    "public.error.coords_not_degrees": {
        "de": "{x}, {y} sind keine WGS84-Grad; projizierte Koordinaten (Meter, z. B. UTM) werden nicht "
        "angenommen – bitte Längen- und Breitengrad in Grad angeben.",
        "en": "{x}, {y} are not WGS84 degrees; projected coordinates (metres, e.g. UTM) are not accepted – "
        "give longitude and latitude in degrees.",
        "tr": "{x}, {y} WGS84 derecesi değil; projeksiyonlu koordinatlar (metre, ör. UTM) kabul edilmez – "
        "boylam ve enlemi derece cinsinden girin.",
        "ar": "{x}، {y} ليست درجات WGS84؛ لا تُقبل الإحداثيات المسقطة (بالأمتار، مثل UTM) – "
        "أدخل خط الطول وخط العرض بالدرجات.",
        "uk": "{x}, {y} — це не градуси WGS84; проєктовані координати (метри, наприклад UTM) не "
        "приймаються — вкажіть довготу й широту в градусах.",
    },
    "public.error.coords_swapped": {
        "de": "{x}, {y} liegt außerhalb des Gebiets, {y}, {x} aber darin: offenbar sind Breiten- und "
        "Längengrad vertauscht (der Längengrad kommt zuerst).",
        "en": "{x}, {y} lies outside the area, but {y}, {x} lies inside: it looks like latitude and "
        "longitude are swapped (longitude comes first).",
        "tr": "{x}, {y} bölgenin dışında, ama {y}, {x} içinde: enlem ve boylam yer değiştirmiş görünüyor "
        "(önce boylam gelir).",
        "ar": "النقطة {x}، {y} خارج المنطقة، لكن {y}، {x} داخلها: يبدو أن خط العرض وخط الطول مُبدَّلان "
        "(خط الطول أولًا).",
        "uk": "{x}, {y} лежить поза районом, а {y}, {x} — усередині: схоже, широту й довготу переплутано "
        "(спочатку довгота).",
    },
    "public.error.coords_outside": {
        "de": "{x}, {y} liegt außerhalb des Gebiets (mehr als {km} km vom Rand). Bitte die Koordinaten "
        "prüfen oder ein anderes Gebiet wählen.",
        "en": "{x}, {y} lies outside the area (more than {km} km from its edge). Check the coordinates "
        "or choose another area.",
        "tr": "{x}, {y} bölgenin dışında (kenarından {km} km'den fazla uzakta). Koordinatları kontrol edin "
        "veya başka bir bölge seçin.",
        "ar": "النقطة {x}، {y} خارج المنطقة (أبعد من {km} كم عن حدودها). تحقق من الإحداثيات أو اختر "
        "منطقة أخرى.",
        "uk": "{x}, {y} лежить поза районом (понад {km} км від межі). Перевірте координати або виберіть "
        "інший район.",
    },
    "public.error.description_too_long": {
        "de": "Die Beschreibung hat {n} Zeichen; erlaubt sind höchstens {max}.",
        "en": "The description has {n} characters; use at most {max}.",
        "tr": "Açıklama {n} karakter; en fazla {max} karakter kullanın.",
        "ar": "يتكون الوصف من {n} حرفًا؛ الحد الأقصى {max}.",
        "uk": "Опис має {n} символів; дозволено щонайбільше {max}.",
    },
    "public.error.email": {
        "de": "{email} sieht nicht wie eine E-Mail-Adresse aus (name@beispiel.de, höchstens {max} Zeichen).",
        "en": "{email} does not look like an e-mail address (name@example.org, at most {max} characters).",
        "tr": "{email} bir e-posta adresine benzemiyor (isim@ornek.com, en fazla {max} karakter).",
        "ar": "{email} لا يبدو عنوان بريد إلكتروني (name@example.org، بحد أقصى {max} حرفًا).",
        "uk": "{email} не схоже на адресу електронної пошти (name@example.org, щонайбільше {max} символів).",
    },
    "public.error.rate_limited": {
        "de": "Danke – Sie haben innerhalb einer Stunde {limit} Vorschläge geschickt, mehr geht nicht. "
        "Bitte in {minutes} Minute(n) erneut versuchen.",
        "en": "Thank you – you have sent {limit} suggestions within an hour, which is our limit. Please "
        "try again in {minutes} minute(s).",
        "tr": "Teşekkürler – bir saat içinde {limit} öneri gönderdiniz; sınır bu. Lütfen {minutes} dakika "
        "sonra tekrar deneyin.",
        "ar": "شكرًا لك – لقد أرسلت {limit} اقتراحات خلال ساعة، وهذا هو الحد الأقصى. يرجى المحاولة مرة "
        "أخرى بعد {minutes} دقيقة.",
        "uk": "Дякуємо — ви надіслали {limit} пропозицій протягом години, це наш ліміт. Спробуйте ще раз "
        "через {minutes} хв.",
    },
    "public.error.area_busy": {
        "de": "In der letzten Stunde sind für dieses Gebiet schon {limit} Vorschläge eingegangen, mehr "
        "nehmen wir gerade nicht an. Bitte in {minutes} Minute(n) erneut versuchen.",
        "en": "This area has received {limit} suggestions in the last hour, which is all we take for now. "
        "Please try again in {minutes} minute(s).",
        "tr": "Bu bölge için son bir saatte {limit} öneri geldi; şu an daha fazlasını alamıyoruz. Lütfen "
        "{minutes} dakika sonra tekrar deneyin.",
        "ar": "وصل إلى هذه المنطقة {limit} اقتراحًا خلال الساعة الماضية، ولا نستقبل المزيد حاليًا. يرجى "
        "المحاولة مرة أخرى بعد {minutes} دقيقة.",
        "uk": "Для цього району за останню годину вже надійшло {limit} пропозицій, більше ми зараз не "
        "приймаємо. Спробуйте ще раз через {minutes} хв.",
    },
    "public.error.code_malformed": {
        "de": "{code} ist kein Vorgangscode: er hat 8 Buchstaben und Ziffern, z. B. K7M2-Q9XP.",
        "en": "{code} is not a reference code: it has 8 letters and digits, like K7M2-Q9XP.",
        "tr": "{code} bir takip kodu değil: kod 8 harf ve rakamdan oluşur, ör. K7M2-Q9XP.",
        "ar": "{code} ليس رمز متابعة: يتكون الرمز من 8 حروف وأرقام، مثل K7M2-Q9XP.",
        "uk": "{code} — це не код пропозиції: він має 8 літер і цифр, наприклад K7M2-Q9XP.",
    },
    "public.error.code_unknown": {
        "de": "Es gibt keinen Vorschlag mit dem Code {code}. Bitte den nach dem Senden angezeigten Code prüfen.",
        "en": "There is no suggestion with the code {code}. Check the code as shown after sending.",
        "tr": "{code} koduyla bir öneri yok. Lütfen gönderdikten sonra gösterilen kodu kontrol edin.",
        "ar": "لا يوجد اقتراح بالرمز {code}. يرجى التحقق من الرمز الذي ظهر بعد الإرسال.",
        "uk": "Пропозиції з кодом {code} немає. Перевірте код, показаний після надсилання.",
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
    "status.active": {"de": "aktiv", "en": "active", "tr": "etkin", "ar": "نشط", "uk": "активне"},
    "status.closed": {"de": "geschlossen", "en": "closed", "tr": "kapalı", "ar": "مغلق", "uk": "закрите"},
    "status.missing": {
        "de": "fehlt in OSM seit {date}", "en": "missing from OSM since {date}",
        "tr": "{date} tarihinden beri OSM'de yok", "ar": "غير موجود في OSM منذ {date}",
        "uk": "відсутнє в OSM з {date}",
    },
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
    "download.xlsx": {"de": "Excel-Tabelle (XLSX)", "en": "Excel workbook (XLSX)"},
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
    "import.busy": {
        "de": "Ein Import läuft schon; bitte warten, bis er fertig ist, oder ihn abbrechen.",
        "en": "An import is already running; wait for it to finish or cancel it.",
    },
    "import.progress": {
        "de": "{phase}: {objects} Objekte gelesen ({seconds} s)",
        "en": "{phase}: {objects} objects read ({seconds} s)",
    },
    "import.phase.queued": {"de": "Wartet auf einen anderen Import", "en": "Waiting for another import"},
    "import.phase.reading": {"de": "Datei wird gelesen", "en": "Reading the file"},
    "import.phase.fetching": {"de": "Daten werden von OpenStreetMap geladen", "en": "Fetching from OpenStreetMap"},
    "import.phase.saving": {"de": "Wird gespeichert", "en": "Saving"},
    # The reader's own phases (catalogue.osm_file): decompressing, relations, the main pass, …
    "import.phase.decompress": {"de": "Datei wird entpackt (MB)", "en": "Decompressing the file (MB)"},
    "import.phase.relations": {"de": "Relationen werden gelesen", "en": "Reading relations"},
    "import.phase.read": {"de": "Datei wird gelesen", "en": "Reading the file"},
    "import.phase.duplicates": {"de": "Doppelte Objekte werden bereinigt", "en": "Removing duplicate objects"},
    "import.phase.build": {"de": "Orte und Wegenetz werden gebaut", "en": "Building places and the walking network"},
    "import.cancel": {"de": "Import abbrechen", "en": "Cancel import"},
    "import.cancelled_short": {"de": "Import abgebrochen", "en": "Import cancelled"},
    "import.cancelling": {"de": "Wird abgebrochen …", "en": "Cancelling …"},
    "import.cancelled": {
        "de": "Import abgebrochen; es wurde nichts gespeichert.",
        "en": "Import cancelled; nothing was written.",
    },
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
    "import.cut": {
        "de": "Der Auszug ist an seinem Rand abgeschnitten: {ways} Wege und {relations} Relationen "
        "reichen darüber hinaus und wurden mit den Knoten darin übernommen; {skipped} blieben weg "
        "(zu wenig davon im Auszug).",
        "en": "The extract is cut at its edge: {ways} ways and {relations} relations reach past it and "
        "were kept with the nodes inside; {skipped} were left out (too little of them inside).",
    },
    "import.duplicates": {
        "de": "{n} ältere Kopien von Objekten, die doppelt in der Datei stehen, wurden verworfen "
        "(die neueste Version zählt).",
        "en": "{n} older copies of objects that occur twice in the file were dropped (the newest "
        "version counts).",
    },
    "import.count": {"de": "Anzahl", "en": "Count"},
    "import.to_catalogue": {"de": "Zum Katalog", "en": "Go to the catalogue"},
    # ---- issue 3: audit form, verdicts per group, audit history (de, en) ----
    "page.audit": {"de": "Ort prüfen", "en": "Audit a place"},
    "audit.title": {"de": "Ort prüfen", "en": "Audit a place"},
    "audit.no_areas": {
        "de": "Noch keine Orte: bitte zuerst ein Gebiet importieren.",
        "en": "No places yet: import an area first.",
    },
    "audit.group": {"de": "Worauf kommt es an für:", "en": "What matters for:"},
    "audit.all_facts": {"de": "alle Merkmale", "en": "all facts"},
    "audit.map": {"de": "Ort auf der Karte wählen", "en": "Pick the place on the map"},
    "audit.place": {"de": "Ort (Namen tippen zum Suchen)", "en": "Place (type a name to search)"},
    "audit.pick_first": {
        "de": "Bitte einen Ort auf der Karte oder in der Liste wählen.",
        "en": "Pick a place on the map or in the list.",
    },
    "audit.tab_form": {"de": "Merkmale erfassen", "en": "Record facts"},
    "audit.tab_verdicts": {"de": "Urteile und Verlauf", "en": "Verdicts and history"},
    "audit.tab_review": {"de": "Freigabe", "en": "Review"},
    "audit.opened": {
        "de": "Geöffnet mit Prüfungsversion {version}. Eingaben lösen kein Neuladen aus; beim Wechsel der "
        "Gruppe bleiben sie erhalten.",
        "en": "Opened at audit version {version}. Typing does not reload the page; entries are kept when "
        "you switch the group.",
    },
    "audit.number_empty": {"de": "leer = unbekannt", "en": "empty = unknown"},
    "audit.hours_unparsed": {
        "de": "„{raw}“ ist keine gültige OSM-Öffnungszeit; sie wird unverändert gespeichert und markiert.",
        "en": "“{raw}” is not valid OSM opening_hours; it is stored as typed and flagged.",
    },
    "audit.source_none": {"de": "Bisher: nicht erfasst", "en": "So far: not recorded"},
    "audit.source_osm": {"de": "OSM", "en": "OSM"},
    "audit.source_audit": {"de": "Prüfung", "en": "audit"},
    "audit.source_suggestion": {"de": "Vorschlag", "en": "suggestion"},
    "audit.no_date": {"de": "ohne Datum", "en": "no date"},
    "audit.current": {"de": "Bisher: {value} · {source}", "en": "So far: {value} · {source}"},
    "audit.osm_raw": {"de": "OSM-Wert „{raw}“", "en": "OSM value “{raw}”"},
    "audit.meta": {"de": "Angaben zur Prüfung", "en": "About this audit"},
    "audit.auditor": {"de": "Prüfer:in", "en": "Auditor"},
    "audit.visit_date": {"de": "Besuchsdatum", "en": "Visit date"},
    "audit.method": {"de": "Methode", "en": "Method"},
    "audit.participation": {
        "de": "Menschen aus diesen Gruppen haben mitgeprüft",
        "en": "People from these groups took part",
    },
    "audit.notes": {"de": "Notizen", "en": "Notes"},
    "audit.what_is_saved": {
        "de": "Gespeichert werden die angezeigten Merkmale mit bekanntem Wert und jedes geänderte Merkmal, "
        "als neue Version; frühere Versionen bleiben erhalten.",
        "en": "Saved are the facts shown with a known value and every fact you changed, as a new version; "
        "earlier versions stay.",
    },
    "audit.save": {"de": "Prüfung speichern", "en": "Save audit"},
    "audit.saved": {
        "de": "Prüfung als Version {version} gespeichert ({facts} Merkmale).",
        "en": "Audit saved as version {version} ({facts} facts).",
    },
    "audit.conflict": {
        "de": "Nicht gespeichert: Dieser Ort wurde inzwischen geprüft (geöffnet mit Version {opened}, jetzt "
        "Version {current}). Was sich geändert hat:",
        "en": "Not saved: this place was audited meanwhile (opened at version {opened}, now version "
        "{current}). What changed:",
    },
    "audit.conflict_change": {
        "de": "Version {version} von {auditor}, gespeichert {saved} UTC (Besuch {visit}): {facts}",
        "en": "Version {version} by {auditor}, saved {saved} UTC (visit {visit}): {facts}",
    },
    "audit.conflict_next": {
        "de": "Ihre Eingaben stehen noch im Formular. Laden Sie die aktuellen Werte, vergleichen Sie und "
        "speichern Sie Ihre Angaben erneut.",
        "en": "Your entries are still in the form. Reload the current values, compare, and save your "
        "findings again.",
    },
    "audit.reload": {"de": "Aktuelle Werte laden", "en": "Reload current values"},
    "audit.reviewer": {"de": "Name der Freigebenden", "en": "Reviewer's name"},
    "audit.review_line": {
        "de": "Version {version} · {auditor} · Besuch {visit} · Status: {state}",
        "en": "Version {version} · {auditor} · visit {visit} · state: {state}",
    },
    "audit.review_note": {"de": "Anmerkung zur Entscheidung", "en": "Note on the decision"},
    "audit.review_to_approved": {"de": "Freigeben", "en": "Approve"},
    "audit.review_to_has_issues": {"de": "Mängel vermerken", "en": "Mark as having issues"},
    "audit.review_to_rejected": {"de": "Ablehnen", "en": "Reject"},
    "audit.reviewed": {
        "de": "Version {version} ist jetzt: {state}.",
        "en": "Version {version} is now: {state}.",
    },
    "verdict.title": {"de": "Offen für wen?", "en": "Open to whom?"},
    "verdict.not_audited": {"de": "Noch nicht geprüft.", "en": "Not audited yet."},
    "verdict.last_checked": {"de": "Zuletzt geprüft am {date}", "en": "Last checked on {date}"},
    "verdict.reaudit_due": {
        "de": "Nachprüfung fällig (älter als 24 Monate)",
        "en": "Re-audit due (older than 24 months)",
    },
    "verdict.missing": {"de": "Es fehlt: {facts}", "en": "Missing: {facts}"},
    "verdict.all_groups": {"de": "Urteile für alle Gruppen", "en": "Verdicts for all groups"},
    "verdict.col_group": {"de": "Gruppe", "en": "Group"},
    "verdict.col_verdict": {"de": "Urteil", "en": "Verdict"},
    "verdict.col_reasons": {"de": "Gründe", "en": "Reasons"},
    "verdict.col_missing": {"de": "Fehlt", "en": "Missing"},
    "verdict.group": {"de": "Für Gruppe", "en": "For group"},
    "verdict.group_none": {"de": "– keine (Farbe nach Kategorie) –", "en": "– none (colour by category) –"},
    "verdict.filter": {"de": "Urteil", "en": "Verdict"},
    "verdict.filter_all": {"de": "alle ({count})", "en": "all ({count})"},
    "verdict.filter_open": {"de": "offen ({count})", "en": "open ({count})"},
    "verdict.filter_open_limited": {
        "de": "offen oder eingeschränkt ({count})",
        "en": "open or partly open ({count})",
    },
    "verdict.filter_limited": {"de": "eingeschränkt ({count})", "en": "partly open ({count})"},
    "verdict.filter_not_open": {"de": "nicht offen ({count})", "en": "not open ({count})"},
    "verdict.filter_unknown": {"de": "unbekannt ({count})", "en": "unknown ({count})"},
    "verdict.column": {"de": "Urteil: {group}", "en": "Verdict: {group}"},
    "history.title": {"de": "Verlauf ({count} Versionen)", "en": "History ({count} versions)"},
    "history.empty": {"de": "Noch keine Prüfung gespeichert.", "en": "No audit saved yet."},
    "history.no_change": {"de": "keine Änderung", "en": "no change"},
    "history.col_version": {"de": "Version", "en": "Version"},
    "history.col_auditor": {"de": "Wer", "en": "Who"},
    "history.col_visit": {"de": "Besuch", "en": "Visit"},
    "history.col_saved": {"de": "Gespeichert (UTC)", "en": "Saved (UTC)"},
    "history.col_method": {"de": "Methode", "en": "Method"},
    "history.col_review": {"de": "Freigabe", "en": "Review"},
    "history.col_changed": {"de": "Geänderte Merkmale", "en": "Facts changed"},
    # ---- issue 4: resident pages (de, en, tr, ar, uk), login and moderation (de, en) ----
    "public.page.map": {
        "de": "Orte für mich", "en": "Places for me", "tr": "Bana uygun yerler",
        "ar": "أماكن مناسبة لي", "uk": "Місця для мене",
    },
    "public.page.suggest": {
        "de": "Ort vorschlagen", "en": "Suggest a place", "tr": "Yer öner",
        "ar": "اقترح مكانًا", "uk": "Запропонувати місце",
    },
    "public.page.status": {
        "de": "Vorschlag verfolgen", "en": "Track a suggestion", "tr": "Önerimi takip et",
        "ar": "تتبّع اقتراحك", "uk": "Відстежити пропозицію",
    },
    "public.page.login": {
        "de": "Anmelden (Team)", "en": "Sign in (staff)", "tr": "Giriş (ekip)",
        "ar": "تسجيل الدخول (الفريق)", "uk": "Вхід (команда)",
    },
    "public.language": {
        "de": "Sprache", "en": "Language", "tr": "Dil", "ar": "اللغة", "uk": "Мова",
    },
    "public.area": {"de": "Gebiet", "en": "Area", "tr": "Bölge", "ar": "المنطقة", "uk": "Район"},
    "public.no_area": {
        "de": "Im Atlas sind noch keine Orte. Bitte später wieder vorbeischauen.",
        "en": "There are no places in the atlas yet. Please come back later.",
        "tr": "Atlasta henüz yer yok. Lütfen daha sonra tekrar bakın.",
        "ar": "لا توجد أماكن في الأطلس بعد. يرجى العودة لاحقًا.",
        "uk": "В атласі ще немає місць. Будь ласка, загляньте пізніше.",
    },
    "public.title": {
        "de": "Orte, die für mich offen sind", "en": "Places open to me", "tr": "Bana açık yerler",
        "ar": "أماكن مفتوحة لي", "uk": "Місця, відкриті для мене",
    },
    "public.intro": {
        "de": "Wählen Sie eine oder mehrere Gruppen. Sie sehen dann, welche Orte für alle gewählten "
        "Gruppen offen sind.",
        "en": "Choose one or more groups. You then see which places are open to all of them.",
        "tr": "Bir veya birkaç grup seçin. Sonra hangi yerlerin bu grupların hepsine açık olduğunu görürsünüz.",
        "ar": "اختر فئة واحدة أو أكثر. سترى بعدها الأماكن المفتوحة لكل الفئات التي اخترتها.",
        "uk": "Виберіть одну або кілька груп. Ви побачите, які місця відкриті для всіх вибраних груп.",
    },
    "public.groups": {
        "de": "Für wen soll der Ort offen sein?", "en": "Who should the place be open to?",
        "tr": "Yer kimlere açık olmalı?", "ar": "لمن يجب أن يكون المكان مفتوحًا؟",
        "uk": "Для кого місце має бути відкритим?",
    },
    "public.groups_placeholder": {
        "de": "Gruppen wählen", "en": "Choose groups", "tr": "Grup seçin", "ar": "اختر الفئات",
        "uk": "Виберіть групи",
    },
    "public.choose_group": {
        "de": "Bitte mindestens eine Gruppe wählen.", "en": "Please choose at least one group.",
        "tr": "Lütfen en az bir grup seçin.", "ar": "يرجى اختيار فئة واحدة على الأقل.",
        "uk": "Будь ласка, виберіть хоча б одну групу.",
    },
    "public.open": {"de": "offen", "en": "open", "tr": "açık", "ar": "مفتوح", "uk": "відкрито"},
    "public.limited": {
        "de": "eingeschränkt offen", "en": "partly open", "tr": "kısmen açık", "ar": "مفتوح جزئيًا",
        "uk": "частково відкрито",
    },
    "public.unknown": {
        "de": "noch nicht geprüft", "en": "not checked yet", "tr": "henüz kontrol edilmedi",
        "ar": "لم يُفحص بعد", "uk": "ще не перевірено",
    },
    "public.tab": {"de": "{label} ({n})", "en": "{label} ({n})", "tr": "{label} ({n})",
                   "ar": "{label} ({n})", "uk": "{label} ({n})"},
    "public.open_help": {
        "de": "Offen für alle gewählten Gruppen.", "en": "Open to all the groups you chose.",
        "tr": "Seçtiğiniz tüm gruplara açık.", "ar": "مفتوح لكل الفئات التي اخترتها.",
        "uk": "Відкрито для всіх вибраних груп.",
    },
    "public.limited_help": {
        "de": "Für mindestens eine gewählte Gruppe nur eingeschränkt offen.",
        "en": "Only partly open to at least one of the groups you chose.",
        "tr": "Seçtiğiniz gruplardan en az birine yalnızca kısmen açık.",
        "ar": "مفتوح جزئيًا فقط لفئة واحدة على الأقل مما اخترت.",
        "uk": "Лише частково відкрито для принаймні однієї з вибраних груп.",
    },
    "public.unknown_help": {
        "de": "Hier wissen wir es noch nicht – das heißt nicht, dass der Ort nicht offen ist.",
        "en": "We do not know yet – this does not mean the place is not open.",
        "tr": "Bunu henüz bilmiyoruz – bu, yerin açık olmadığı anlamına gelmez.",
        "ar": "لا نعرف ذلك بعد – وهذا لا يعني أن المكان غير مفتوح.",
        "uk": "Ми ще не знаємо – це не означає, що місце закрите.",
    },
    "public.not_shown": {
        "de": "Orte, die für eine gewählte Gruppe nicht offen sind, werden nicht gezeigt.",
        "en": "Places that are not open to one of the chosen groups are not shown.",
        "tr": "Seçilen gruplardan birine açık olmayan yerler gösterilmez.",
        "ar": "لا تُعرض الأماكن غير المفتوحة لإحدى الفئات المختارة.",
        "uk": "Місця, не відкриті для однієї з вибраних груп, не показано.",
    },
    "public.none": {
        "de": "Keine Orte in dieser Liste.", "en": "No places in this list.", "tr": "Bu listede yer yok.",
        "ar": "لا توجد أماكن في هذه القائمة.", "uk": "У цьому списку немає місць.",
    },
    "public.legend": {"de": "Legende", "en": "Legend", "tr": "Açıklama", "ar": "دليل الألوان", "uk": "Легенда"},
    "public.col_name": {"de": "Name", "en": "Name", "tr": "Ad", "ar": "الاسم", "uk": "Назва"},
    "public.col_category": {"de": "Art", "en": "Type", "tr": "Tür", "ar": "النوع", "uk": "Тип"},
    "public.unnamed": {
        "de": "(ohne Namen)", "en": "(no name)", "tr": "(adsız)", "ar": "(بلا اسم)", "uk": "(без назви)",
    },
    "public.group.wheelchair": {
        "de": "Rollstuhlnutzende", "en": "Wheelchair users", "tr": "Tekerlekli sandalye kullananlar",
        "ar": "مستخدمو الكراسي المتحركة", "uk": "Люди на візках",
    },
    "public.group.walking": {
        "de": "Gehbehinderte Menschen, Rollator", "en": "People who walk with difficulty, rollator users",
        "tr": "Yürümekte zorlananlar, yürüteç kullananlar", "ar": "من يمشون بصعوبة ومستخدمو المشّاية",
        "uk": "Люди з труднощами при ходьбі, з ходунками",
    },
    "public.group.blind": {
        "de": "Blinde Menschen", "en": "Blind people", "tr": "Görme engelliler", "ar": "المكفوفون",
        "uk": "Незрячі люди",
    },
    "public.group.low_vision": {
        "de": "Sehbehinderte Menschen", "en": "People with low vision", "tr": "Az görenler",
        "ar": "ضعاف البصر", "uk": "Люди з вадами зору",
    },
    "public.group.deaf": {
        "de": "Gehörlose Menschen", "en": "Deaf people", "tr": "İşitme engelliler", "ar": "الصمّ",
        "uk": "Глухі люди",
    },
    "public.group.hard_of_hearing": {
        "de": "Schwerhörige Menschen", "en": "Hard of hearing people", "tr": "Az işitenler",
        "ar": "ضعاف السمع", "uk": "Люди з порушеннями слуху",
    },
    "public.group.cognitive": {
        "de": "Menschen mit Lernschwierigkeiten", "en": "People with learning difficulties",
        "tr": "Öğrenme güçlüğü olanlar", "ar": "ذوو صعوبات التعلّم", "uk": "Люди з труднощами в навчанні",
    },
    "public.group.prams": {
        "de": "Familien mit Kinderwagen", "en": "Families with prams", "tr": "Bebek arabalı aileler",
        "ar": "العائلات مع عربات الأطفال", "uk": "Сім'ї з дитячими візками",
    },
    "public.group.seniors": {
        "de": "Seniorinnen und Senioren", "en": "Older people", "tr": "Yaşlılar", "ar": "كبار السن",
        "uk": "Люди похилого віку",
    },
    "public.group.children": {"de": "Kinder", "en": "Children", "tr": "Çocuklar", "ar": "الأطفال", "uk": "Діти"},
    "public.group.youth": {
        "de": "Jugendliche", "en": "Young people", "tr": "Gençler", "ar": "الشباب", "uk": "Молодь",
    },
    "public.group.newcomers": {
        "de": "Neu Zugewanderte und Geflüchtete", "en": "Newcomers and refugees",
        "tr": "Yeni gelenler ve mülteciler", "ar": "القادمون الجدد واللاجئون",
        "uk": "Новоприбулі та біженці",
    },
    "public.group.women": {
        "de": "Frauen und Mädchen", "en": "Women and girls", "tr": "Kadınlar ve kız çocukları",
        "ar": "النساء والفتيات", "uk": "Жінки та дівчата",
    },
    "public.group.low_income": {
        "de": "Menschen mit wenig Geld", "en": "People with little money", "tr": "Az parası olanlar",
        "ar": "ذوو الدخل المحدود", "uk": "Люди з невеликими статками",
    },
    "public.category.community_centre": {
        "de": "Nachbarschafts- und Stadtteilzentrum", "en": "Community centre", "tr": "Mahalle merkezi",
        "ar": "مركز الحي", "uk": "Громадський центр",
    },
    "public.category.social_facility": {
        "de": "Soziale Einrichtung", "en": "Social facility", "tr": "Sosyal kurum", "ar": "مؤسسة اجتماعية",
        "uk": "Соціальний заклад",
    },
    "public.category.library_culture": {
        "de": "Bibliothek und Kultur", "en": "Library and culture", "tr": "Kütüphane ve kültür",
        "ar": "مكتبة وثقافة", "uk": "Бібліотека і культура",
    },
    "public.category.place_of_worship": {
        "de": "Religiöser Ort", "en": "Place of worship", "tr": "İbadet yeri", "ar": "دار عبادة",
        "uk": "Місце богослужіння",
    },
    "public.category.playground": {
        "de": "Spielplatz", "en": "Playground", "tr": "Oyun parkı", "ar": "ملعب أطفال",
        "uk": "Дитячий майданчик",
    },
    "public.category.park_garden": {
        "de": "Park und Garten", "en": "Park and garden", "tr": "Park ve bahçe", "ar": "حديقة ومنتزه",
        "uk": "Парк і сад",
    },
    "public.category.sport": {"de": "Sport", "en": "Sport", "tr": "Spor", "ar": "رياضة", "uk": "Спорт"},
    "public.category.square_market": {
        "de": "Platz und Markt", "en": "Square and market", "tr": "Meydan ve pazar", "ar": "ساحة وسوق",
        "uk": "Площа і ринок",
    },
    "public.category.cafe": {"de": "Café", "en": "Café", "tr": "Kafe", "ar": "مقهى", "uk": "Кав'ярня"},
    "public.category.school": {"de": "Schule", "en": "School", "tr": "Okul", "ar": "مدرسة", "uk": "Школа"},
    "public.category.kita": {
        "de": "Kita", "en": "Daycare centre", "tr": "Kreş", "ar": "حضانة أطفال", "uk": "Дитячий садок",
    },
    "suggest.title": {
        "de": "Ort vorschlagen", "en": "Suggest a place", "tr": "Yer öner", "ar": "اقترح مكانًا",
        "uk": "Запропонувати місце",
    },
    "suggest.intro": {
        "de": "Kennen Sie einen Ort, an dem sich Menschen begegnen, und er fehlt hier? Schlagen Sie ihn "
        "vor. Sie brauchen kein Konto.",
        "en": "Do you know a place where people meet that is missing here? Suggest it. You do not need "
        "an account.",
        "tr": "İnsanların buluştuğu ve burada olmayan bir yer biliyor musunuz? Önerin. Hesaba gerek yok.",
        "ar": "هل تعرف مكانًا يلتقي فيه الناس وغير موجود هنا؟ اقترحه. لا تحتاج إلى حساب.",
        "uk": "Знаєте місце, де зустрічаються люди, якого тут немає? Запропонуйте його. Обліковий запис "
        "не потрібен.",
    },
    "suggest.map_help": {
        "de": "Tippen Sie auf die Karte, um die Lage zu setzen. Oder geben Sie unten die Koordinaten ein.",
        "en": "Tap the map to set the location. Or enter the coordinates below.",
        "tr": "Konumu belirlemek için haritaya dokunun. Ya da koordinatları aşağıya yazın.",
        "ar": "انقر على الخريطة لتحديد الموقع، أو أدخل الإحداثيات في الأسفل.",
        "uk": "Торкніться карти, щоб позначити місце. Або введіть координати нижче.",
    },
    "suggest.chosen": {
        "de": "Gewählte Lage: {lat:.5f}, {lon:.5f}", "en": "Chosen location: {lat:.5f}, {lon:.5f}",
        "tr": "Seçilen konum: {lat:.5f}, {lon:.5f}", "ar": "الموقع المختار: {lat:.5f}, {lon:.5f}",
        "uk": "Вибране місце: {lat:.5f}, {lon:.5f}",
    },
    "suggest.here": {
        "de": "Ihr Vorschlag", "en": "Your suggestion", "tr": "Öneriniz", "ar": "اقتراحك",
        "uk": "Ваша пропозиція",
    },
    "suggest.name": {
        "de": "Name des Ortes", "en": "Name of the place", "tr": "Yerin adı", "ar": "اسم المكان",
        "uk": "Назва місця",
    },
    "suggest.category": {
        "de": "Art des Ortes", "en": "Type of place", "tr": "Yerin türü", "ar": "نوع المكان",
        "uk": "Тип місця",
    },
    "suggest.lat": {
        "de": "Breite (z. B. 52.58500)", "en": "Latitude (e.g. 52.58500)", "tr": "Enlem (ör. 52.58500)",
        "ar": "خط العرض (مثلًا 52.58500)", "uk": "Широта (напр. 52.58500)",
    },
    "suggest.lon": {
        "de": "Länge (z. B. 13.31000)", "en": "Longitude (e.g. 13.31000)", "tr": "Boylam (ör. 13.31000)",
        "ar": "خط الطول (مثلًا 13.31000)", "uk": "Довгота (напр. 13.31000)",
    },
    "suggest.description": {
        "de": "Beschreibung (freiwillig)", "en": "Description (optional)", "tr": "Açıklama (isteğe bağlı)",
        "ar": "وصف (اختياري)", "uk": "Опис (необов'язково)",
    },
    "suggest.groups": {
        "de": "Für wen ist der Ort gut? (freiwillig)", "en": "Who is the place good for? (optional)",
        "tr": "Bu yer kimler için uygun? (isteğe bağlı)", "ar": "لمن يناسب هذا المكان؟ (اختياري)",
        "uk": "Для кого це місце добре? (необов'язково)",
    },
    "suggest.email": {
        "de": "E-Mail für eine Antwort (freiwillig)", "en": "E-mail for a reply (optional)",
        "tr": "Yanıt için e-posta (isteğe bağlı)", "ar": "بريد إلكتروني للرد (اختياري)",
        "uk": "E-mail для відповіді (необов'язково)",
    },
    "suggest.email_help": {
        "de": "Nur für die Antwort; sie wird gelöscht, sobald entschieden ist.",
        "en": "Only for the reply; it is deleted once a decision is made.",
        "tr": "Yalnızca yanıt için; karar verilince silinir.",
        "ar": "للرد فقط؛ ويُحذف بعد اتخاذ القرار.",
        "uk": "Лише для відповіді; його видалять після рішення.",
    },
    "suggest.submit": {"de": "Weiter", "en": "Continue", "tr": "Devam", "ar": "متابعة", "uk": "Далі"},
    "suggest.need_coords": {
        "de": "Bitte auf die Karte tippen oder Breite und Länge eingeben.",
        "en": "Please tap the map or enter latitude and longitude.",
        "tr": "Lütfen haritaya dokunun ya da enlem ve boylamı girin.",
        "ar": "يرجى النقر على الخريطة أو إدخال خط العرض وخط الطول.",
        "uk": "Будь ласка, торкніться карти або введіть широту й довготу.",
    },
    "suggest.check_input": {
        "de": "Bitte prüfen Sie Ihre Angaben:", "en": "Please check what you entered:",
        "tr": "Lütfen girdiklerinizi kontrol edin:", "ar": "يرجى التحقق مما أدخلته:",
        "uk": "Будь ласка, перевірте введені дані:",
    },
    "suggest.similar_title": {
        "de": "Ist es einer dieser Orte?", "en": "Is it one of these?", "tr": "Bunlardan biri mi?",
        "ar": "هل هو أحد هذه الأماكن؟", "uk": "Це одне з цих місць?",
    },
    "suggest.similar_text": {
        "de": "Ganz in der Nähe (bis 50 m) gibt es schon Orte mit ähnlichem Namen.",
        "en": "Very close by (up to 50 m) there are already places with a similar name.",
        "tr": "Çok yakında (50 m'ye kadar) benzer adlı yerler zaten var.",
        "ar": "توجد بالقرب (حتى 50 م) أماكن بأسماء مشابهة.",
        "uk": "Зовсім поруч (до 50 м) вже є місця зі схожою назвою.",
    },
    "suggest.similar_place": {
        "de": "{name} – {category}, {distance} m entfernt", "en": "{name} – {category}, {distance} m away",
        "tr": "{name} – {category}, {distance} m uzakta", "ar": "{name} – {category}، على بعد {distance} م",
        "uk": "{name} – {category}, за {distance} м",
    },
    "suggest.similar_pending": {
        "de": "{name} – schon vorgeschlagen, wird geprüft",
        "en": "{name} – already suggested, being checked",
        "tr": "{name} – zaten önerildi, inceleniyor", "ar": "{name} – مقترح مسبقًا وقيد المراجعة",
        "uk": "{name} – вже запропоновано, перевіряється",
    },
    "suggest.none_of_these": {
        "de": "Keiner davon – Vorschlag senden", "en": "None of these – send my suggestion",
        "tr": "Hiçbiri – önerimi gönder", "ar": "ليس أيًّا منها – أرسل اقتراحي",
        "uk": "Жодне з них – надіслати пропозицію",
    },
    "suggest.is_one": {
        "de": "Ja, er ist dabei – nicht senden", "en": "Yes, it is one of them – do not send",
        "tr": "Evet, aralarında – gönderme", "ar": "نعم، هو منها – لا ترسل",
        "uk": "Так, воно серед них – не надсилати",
    },
    "suggest.cancelled": {
        "de": "Danke! Der Ort ist schon im Atlas; es wurde nichts gesendet.",
        "en": "Thank you! The place is already in the atlas; nothing was sent.",
        "tr": "Teşekkürler! Yer zaten atlasta; hiçbir şey gönderilmedi.",
        "ar": "شكرًا! المكان موجود في الأطلس؛ لم يُرسل شيء.",
        "uk": "Дякуємо! Місце вже є в атласі; нічого не надіслано.",
    },
    "suggest.sent": {
        "de": "Danke! Ihr Vorschlag ist angekommen.", "en": "Thank you! Your suggestion has arrived.",
        "tr": "Teşekkürler! Öneriniz ulaştı.", "ar": "شكرًا! وصل اقتراحك.",
        "uk": "Дякуємо! Вашу пропозицію отримано.",
    },
    "suggest.code_label": {
        "de": "Ihr Code:", "en": "Your code:", "tr": "Kodunuz:", "ar": "رمزك:", "uk": "Ваш код:",
    },
    "suggest.code_help": {
        "de": "Schreiben Sie den Code auf. Damit sehen Sie später unter „Vorschlag verfolgen“, was aus "
        "Ihrem Vorschlag geworden ist.",
        "en": "Write the code down. With it you can see later, under “Track a suggestion”, what became "
        "of your suggestion.",
        "tr": "Kodu not edin. Daha sonra „Önerimi takip et“ bölümünde önerinize ne olduğunu görebilirsiniz.",
        "ar": "اكتب الرمز. ستتمكن به لاحقًا من معرفة ما حدث لاقتراحك في صفحة «تتبّع اقتراحك».",
        "uk": "Запишіть код. З ним ви пізніше побачите в розділі «Відстежити пропозицію», що сталося з "
        "вашою пропозицією.",
    },
    "suggest.another": {
        "de": "Noch einen Ort vorschlagen", "en": "Suggest another place", "tr": "Başka bir yer öner",
        "ar": "اقترح مكانًا آخر", "uk": "Запропонувати ще одне місце",
    },
    "status.title": {
        "de": "Vorschlag verfolgen", "en": "Track a suggestion", "tr": "Önerimi takip et",
        "ar": "تتبّع اقتراحك", "uk": "Відстежити пропозицію",
    },
    "status.intro": {
        "de": "Geben Sie den Code ein, den Sie nach dem Senden bekommen haben.",
        "en": "Enter the code you got after sending.",
        "tr": "Gönderdikten sonra aldığınız kodu girin.",
        "ar": "أدخل الرمز الذي حصلت عليه بعد الإرسال.",
        "uk": "Введіть код, який ви отримали після надсилання.",
    },
    "status.code": {
        "de": "Code (z. B. K7M2-Q9XP)", "en": "Code (e.g. K7M2-Q9XP)", "tr": "Kod (ör. K7M2-Q9XP)",
        "ar": "الرمز (مثلًا K7M2-Q9XP)", "uk": "Код (напр. K7M2-Q9XP)",
    },
    "status.submit": {
        "de": "Status ansehen", "en": "Show status", "tr": "Durumu göster", "ar": "اعرض الحالة",
        "uk": "Показати статус",
    },
    "status.bad_code": {
        "de": "Das ist kein gültiger Code. Er hat 8 Zeichen, z. B. K7M2-Q9XP.",
        "en": "This is not a valid code. It has 8 characters, e.g. K7M2-Q9XP.",
        "tr": "Bu geçerli bir kod değil. 8 karakterden oluşur, ör. K7M2-Q9XP.",
        "ar": "هذا ليس رمزًا صالحًا. يتكوّن من 8 رموز، مثل K7M2-Q9XP.",
        "uk": "Це недійсний код. Він має 8 символів, напр. K7M2-Q9XP.",
    },
    "status.not_found": {
        "de": "Zu diesem Code gibt es keinen Vorschlag. Bitte den Code prüfen.",
        "en": "There is no suggestion with this code. Please check the code.",
        "tr": "Bu koda ait bir öneri yok. Lütfen kodu kontrol edin.",
        "ar": "لا يوجد اقتراح بهذا الرمز. يرجى التحقق من الرمز.",
        "uk": "Пропозиції з таким кодом немає. Будь ласка, перевірте код.",
    },
    "status.suggestion": {
        "de": "Vorschlag „{name}“, gesendet am {date}", "en": "Suggestion “{name}”, sent on {date}",
        "tr": "„{name}“ önerisi, {date} tarihinde gönderildi", "ar": "الاقتراح «{name}»، أُرسل في {date}",
        "uk": "Пропозиція «{name}», надіслана {date}",
    },
    "status.pending": {
        "de": "Wird noch geprüft. Bitte schauen Sie später wieder vorbei.",
        "en": "Still being checked. Please look again later.",
        "tr": "Hâlâ inceleniyor. Lütfen daha sonra tekrar bakın.",
        "ar": "ما زال قيد المراجعة. يرجى المراجعة لاحقًا.",
        "uk": "Ще перевіряється. Будь ласка, загляньте пізніше.",
    },
    "status.approved": {
        "de": "Angenommen: Der Ort ist jetzt im Atlas. Danke!",
        "en": "Accepted: the place is now in the atlas. Thank you!",
        "tr": "Kabul edildi: yer artık atlasta. Teşekkürler!",
        "ar": "تم القبول: المكان الآن في الأطلس. شكرًا!",
        "uk": "Прийнято: місце тепер в атласі. Дякуємо!",
    },
    "status.merged": {
        "de": "Der Ort war schon im Atlas, als „{place}“. Ihr Vorschlag wurde diesem Ort zugeordnet. Danke!",
        "en": "The place was already in the atlas, as “{place}”. Your suggestion was added to it. Thank you!",
        "tr": "Yer atlasta zaten „{place}“ olarak vardı. Öneriniz bu yere eklendi. Teşekkürler!",
        "ar": "كان المكان موجودًا في الأطلس باسم «{place}». أُضيف اقتراحك إليه. شكرًا!",
        "uk": "Місце вже було в атласі як «{place}». Вашу пропозицію додано до нього. Дякуємо!",
    },
    "status.rejected": {
        "de": "Nicht angenommen.", "en": "Not accepted.", "tr": "Kabul edilmedi.", "ar": "لم يُقبل.",
        "uk": "Не прийнято.",
    },
    "status.reason": {
        "de": "Begründung: {reason}", "en": "Reason: {reason}", "tr": "Gerekçe: {reason}",
        "ar": "السبب: {reason}", "uk": "Причина: {reason}",
    },
    "status.decided": {
        "de": "Entschieden am {date}", "en": "Decided on {date}", "tr": "Karar tarihi: {date}",
        "ar": "تاريخ القرار: {date}", "uk": "Рішення ухвалено {date}",
    },
    "login.title": {"de": "Anmelden", "en": "Sign in"},
    "login.intro": {
        "de": "Für das Team: Quartiersmanagement, Planung und Administration. Zum Vorschlagen eines Ortes "
        "braucht niemand ein Konto.",
        "en": "For the team: neighbourhood management, planning and administration. Nobody needs an "
        "account to suggest a place.",
    },
    "login.name": {"de": "Anmeldename", "en": "Login name"},
    "login.password": {"de": "Passwort", "en": "Password"},
    "login.submit": {"de": "Anmelden", "en": "Sign in"},
    "login.need_both": {"de": "Bitte Name und Passwort eingeben.", "en": "Please enter name and password."},
    "login.sso": {"de": "Mit Single Sign-on anmelden", "en": "Sign in with single sign-on"},
    "login.or_password": {"de": "Oder mit Name und Passwort:", "en": "Or with name and password:"},
    "login.signed_in_as": {"de": "Angemeldet: {name} ({role})", "en": "Signed in: {name} ({role})"},
    "login.logout": {"de": "Abmelden", "en": "Sign out"},
    "login.unknown_email": {
        "de": "Die Adresse {email} gehört zu keinem aktiven Konto. Sie sehen die öffentlichen Seiten; "
        "bitte an die Administration wenden.",
        "en": "The address {email} belongs to no active account. You see the public pages; please ask "
        "an administrator.",
    },
    "login.empty_ask_manager": {
        "de": "Die Datenbank ist noch leer. Daten importieren das Quartiersmanagement oder die Administration.",
        "en": "The database is still empty. Neighbourhood managers or administrators import data.",
    },
    "login.ended": {
        "de": "Sie wurden abgemeldet: zu lange nicht benutzt, anderswo abgemeldet, oder Ihr Konto "
        "wurde geändert oder deaktiviert. Bitte melden Sie sich erneut an.",
        "en": "You have been signed out: unused for too long, signed out elsewhere, or your account "
        "was changed or deactivated. Please sign in again.",
    },
    "login.sso_broken": {
        "de": "Die App startet nicht, weil die Anmeldung (Single Sign-on) unsicher eingerichtet ist.",
        "en": "The app does not start because single sign-on is set up unsafely.",
    },
    "moderation.page": {"de": "Vorschläge moderieren", "en": "Moderate suggestions"},
    "moderation.area": {"de": "Gebiet", "en": "Area"},
    "moderation.all_areas": {"de": "Alle Gebiete", "en": "All areas"},
    "moderation.empty": {"de": "Keine offenen Vorschläge.", "en": "No pending suggestions."},
    "moderation.count": {"de": "{n} offene Vorschläge", "en": "{n} pending suggestions"},
    "moderation.col_code": {"de": "Code", "en": "Code"},
    "moderation.col_name": {"de": "Name", "en": "Name"},
    "moderation.col_category": {"de": "Kategorie", "en": "Category"},
    "moderation.col_groups": {"de": "Gut für", "en": "Good for"},
    "moderation.col_description": {"de": "Beschreibung", "en": "Description"},
    "moderation.col_received": {"de": "Eingang", "en": "Received"},
    "moderation.col_email": {"de": "E-Mail", "en": "E-mail"},
    "moderation.col_area": {"de": "Gebiet", "en": "Area"},
    "moderation.map": {"de": "Offene Vorschläge auf der Karte", "en": "Pending suggestions on the map"},
    "moderation.legend_pending": {"de": "offener Vorschlag", "en": "pending suggestion"},
    "moderation.select": {"de": "Vorschläge auswählen", "en": "Select suggestions"},
    "moderation.select_all": {"de": "Alle auswählen", "en": "Select all"},
    "moderation.approve": {"de": "In den Katalog aufnehmen ({n})", "en": "Add to the catalogue ({n})"},
    "moderation.approved": {
        "de": "{n} Vorschläge aufgenommen; für jeden ist eine Prüfung vor Ort vorgemerkt.",
        "en": "{n} suggestions added; an on-site audit is scheduled for each.",
    },
    "moderation.reason": {
        "de": "Grund der Ablehnung (erscheint auf der Statusseite)",
        "en": "Reason for rejecting (shown on the status page)",
    },
    "moderation.reject": {"de": "Ablehnen ({n})", "en": "Reject ({n})"},
    "moderation.rejected": {"de": "{n} Vorschläge abgelehnt.", "en": "{n} suggestions rejected."},
    "moderation.merge_title": {
        "de": "Mit einem bestehenden Ort zusammenführen", "en": "Merge into an existing place",
    },
    "moderation.merge_one": {
        "de": "Dafür genau einen Vorschlag auswählen.", "en": "Select exactly one suggestion for this.",
    },
    "moderation.merge_place": {"de": "Ort in der Nähe (bis {m} m)", "en": "Place nearby (up to {m} m)"},
    "moderation.merge_option": {"de": "{name} – {category}, {distance} m", "en": "{name} – {category}, {distance} m"},
    "moderation.merge_none": {"de": "Kein Ort im Umkreis von {m} m.", "en": "No place within {m} m."},
    "moderation.merge": {"de": "Zusammenführen", "en": "Merge"},
    "moderation.merged": {
        "de": "„{name}“ wurde dem Ort „{place}“ zugeordnet.", "en": "“{name}” was merged into “{place}”.",
    },
    # gap map page (app_pages/gaps.py, audits/gap_webmap.py)
    "page.gaps": {"de": "Versorgungslücken", "en": "Gap map"},
    "gaps.title": {"de": "Versorgungslücken um Schulen und Kitas", "en": "Gaps around schools and Kitas"},
    "gaps.intro": {
        "de": "Wie weit ist es zu Fuß von jedem Teil der Einzugsgebiete zum nächsten Ort, der für die "
        "gewählte Gruppe offen ist? Orte mit unbekanntem Urteil zählen nie als offen.",
        "en": "How far is it on foot from every part of the catchments to the nearest place open to the "
        "chosen group? Places with an unknown verdict never count as open.",
    },
    "gaps.no_area": {
        "de": "Noch kein Gebiet importiert. Ein Quartier wird unter „Daten importieren“ eingelesen "
        "(Rolle Quartiersmanagement oder Administration); danach erscheint hier die Karte.",
        "en": "No area imported yet. A neighbourhood is read in under “Import data” (manager or "
        "administrator role); the map appears here afterwards.",
    },
    "gaps.no_anchors": {
        "de": "„{area}“ hat keine Schulen und keine Kitas: ohne sie gibt es keine Einzugsgebiete und "
        "keine Versorgungslücken. Schulen und Kitas kommen aus OSM (amenity=school, kindergarten, "
        "childcare) oder lassen sich im Katalog ergänzen.",
        "en": "“{area}” has no schools and no Kitas: without them there are no catchments and no gaps. "
        "Schools and Kitas come from OSM (amenity=school, kindergarten, childcare) or can be added in "
        "the catalogue.",
    },
    "gaps.params": {"de": "Parameter der Karte", "en": "Map parameters"},
    "gaps.group": {"de": "Gruppe", "en": "Group"},
    "gaps.verdicts": {"de": "Es zählen Orte, die …", "en": "Places count that are …"},
    "gaps.verdicts_help": {
        "de": "Bei „alle Orte“ zählt jeder aktive Ort der gewählten Kategorien, ohne Prüfung.",
        "en": "With “all places” every active place of the chosen categories counts, audited or not.",
    },
    "gaps.categories": {"de": "Kategorien, die zählen", "en": "Categories that count"},
    "gaps.no_categories": {
        "de": "Bitte mindestens eine Kategorie wählen.",
        "en": "Please choose at least one category.",
    },
    "gaps.speed": {"de": "Gehgeschwindigkeit (km/h)", "en": "Walking speed (km/h)"},
    "gaps.speed_help": {
        "de": "Vorgabe je Gruppe (z. B. 3,6 km/h für Rollstuhlnutzende); eine eigene Eingabe bleibt "
        "beim Gruppenwechsel stehen.",
        "en": "Default per group (e.g. 3.6 km/h for wheelchair users); a speed you typed stays when the "
        "group changes.",
    },
    "gaps.minutes": {"de": "Zeitlimit (Minuten zu Fuß)", "en": "Time limit (minutes on foot)"},
    "gaps.catchment": {
        "de": "Einzugsgebiet (Meter entlang der Wege)",
        "en": "Catchment (metres along the paths)",
    },
    "gaps.resolution": {"de": "Hexagon-Größe (H3)", "en": "Hexagon size (H3)"},
    "gaps.resolution_9": {"de": "9 – groß (~350 m)", "en": "9 – large (~350 m)"},
    "gaps.resolution_10": {"de": "10 – mittel (~130 m)", "en": "10 – medium (~130 m)"},
    "gaps.resolution_11": {"de": "11 – fein (~50 m)", "en": "11 – fine (~50 m)"},
    "gaps.yes": {"de": "ja", "en": "yes"},
    "gaps.unreachable": {"de": "nicht erreichbar", "en": "not reachable"},
    "gaps.col_rank": {"de": "Rang", "en": "Rank"},
    "gaps.col_kind": {"de": "Art", "en": "Kind"},
    "gaps.col_school_form": {"de": "Schulform", "en": "School form"},
    "gaps.col_social_index": {"de": "Sozialindex", "en": "Social index"},
    "gaps.col_startchancen": {"de": "Startchancen", "en": "Startchancen"},
    "gaps.col_nearest": {"de": "Nächster Ort, der zählt", "en": "Nearest place that counts"},
    "gaps.col_minutes": {"de": "Minuten", "en": "Minutes"},
    "gaps.col_metres": {"de": "Meter", "en": "Metres"},
    "gaps.col_underserved": {"de": "Anteil unterversorgt", "en": "Share underserved"},
    "gaps.col_unknown": {"de": "Anteil zu wenig Daten", "en": "Share not enough data"},
    "gaps.count_units": {"de": "Hexagone", "en": "Hexagons"},
    "gaps.count_served": {"de": "versorgt", "en": "served"},
    "gaps.count_underserved": {"de": "unterversorgt", "en": "underserved"},
    "gaps.count_unknown": {"de": "zu wenig Daten", "en": "not enough data"},
    "gaps.places_summary": {
        "de": "Orte der gewählten Kategorien: {serving} zählen, {unknown} mit unbekanntem Urteil "
        "(gesondert, zählen nicht), {other} nicht offen oder geschlossen",
        "en": "Places of the chosen categories: {serving} count, {unknown} with an unknown verdict "
        "(apart, not counted), {other} not open or closed",
    },
    "gaps.timing": {"de": "berechnet in {ms} ms", "en": "computed in {ms} ms"},
    "gaps.map_help": {
        "de": "Gestrichelt rot und schraffiert: unterversorgt. Gepunktet grau: zu wenig Daten. "
        "S = Schule, K = Kita, mit Rang aus der Tabelle. Die Tabelle darunter enthält dieselben Anker.",
        "en": "Red dashes and hatching: underserved. Grey dots: not enough data. S = school, K = Kita, "
        "with the rank from the table. The table below lists the same anchors.",
    },
    "gaps.table": {
        "de": "Schulen und Kitas nach Bedarf (Sozialindex, dann Anteil unterversorgt)",
        "en": "Schools and Kitas by need (social index, then share underserved)",
    },
    "gaps.unknown_places": {
        "de": "{count} Orte mit unbekanntem Urteil (zählen nicht)",
        "en": "{count} places with an unknown verdict (not counted)",
    },
    "gaps.unknown_places_help": {
        "de": "Eine Prüfung vor Ort macht aus „zu wenig Daten“ ein klares Bild.",
        "en": "An on-site audit turns “not enough data” into a clear picture.",
    },
    "gaps.downloads": {"de": "Herunterladen", "en": "Download"},
    "gaps.downloads_help": {
        "de": "Genau diese Karte mit den Parametern oben; die Datei entsteht beim Klick.",
        "en": "Exactly this map with the parameters above; the file is made when you click.",
    },
    "gaps.crs": {"de": "Koordinatensystem (GeoPackage)", "en": "Coordinate system (GeoPackage)"},
    "gaps.crs_4326": {"de": "WGS84 (EPSG:4326)", "en": "WGS84 (EPSG:4326)"},
    "gaps.crs_25832": {"de": "ETRS89 / UTM 32N (EPSG:25832)", "en": "ETRS89 / UTM 32N (EPSG:25832)"},
    "gaps.data_as_of": {"de": "Datenstand", "en": "Data as of"},
    "gaps.download_gpkg": {"de": "GeoPackage (QGIS)", "en": "GeoPackage (QGIS)"},
    "gaps.download_geojson": {"de": "GeoJSON", "en": "GeoJSON"},
    "gaps.download_csv": {"de": "CSV (Excel)", "en": "CSV (Excel)"},
    "gaps.download_xlsx": {"de": "Excel-Tabelle (XLSX)", "en": "Excel workbook (XLSX)"},
    "gaps.download_pdf": {"de": "PDF (A4)", "en": "PDF (A4)"},
    "gaps.download_png": {"de": "PNG (A4)", "en": "PNG (A4)"},
    "gaps.legend_title": {"de": "Gehzeit zum nächsten Ort", "en": "Walk to the nearest place"},
    "gaps.legend_underserved": {"de": "> {limit} min – unterversorgt", "en": "> {limit} min – underserved"},
    "gaps.legend_unknown": {"de": "zu wenig Daten", "en": "not enough data"},
    "gaps.legend_serving": {"de": "Ort, der zählt", "en": "place that counts"},
    "gaps.legend_unknown_place": {
        "de": "Ort mit unbekanntem Urteil (zählt nicht)",
        "en": "place with unknown verdict (not counted)",
    },
    "gaps.legend_school": {"de": "Schule (mit Rang)", "en": "school (with rank)"},
    "gaps.legend_kita": {"de": "Kita (mit Rang)", "en": "Kita (with rank)"},
    "gaps.letter_school": {"de": "S", "en": "S"},
    "gaps.letter_kita": {"de": "K", "en": "K"},
    "gaps.tip_served": {
        "de": "versorgt: {minutes} min ({metres} m) bis {place}",
        "en": "served: {minutes} min ({metres} m) to {place}",
    },
    "gaps.tip_underserved": {
        "de": "unterversorgt: {minutes} min ({metres} m) bis {place}",
        "en": "underserved: {minutes} min ({metres} m) to {place}",
    },
    "gaps.tip_unreachable": {
        "de": "unterversorgt: kein Ort erreichbar, der zählt",
        "en": "underserved: no place that counts can be reached",
    },
    "gaps.tip_unknown": {
        "de": "zu wenig Daten: in {limit} min nur Orte mit unbekanntem Urteil",
        "en": "not enough data: within {limit} min only places with an unknown verdict",
    },
    "gaps.tip_anchor_nearest": {"de": "{minutes} min bis {place}", "en": "{minutes} min to {place}"},
    "gaps.place_serving": {"de": "zählt", "en": "counts"},
    "gaps.place_unknown": {"de": "Urteil unbekannt, zählt nicht", "en": "verdict unknown, not counted"},
    # published areas (staff side; residents never see an unpublished area)
    "area.unpublished_option": {"de": "{area} – nicht veröffentlicht", "en": "{area} – not published"},
    "area.is_unpublished": {
        "de": "Nicht veröffentlicht: Bewohner*innen sehen dieses Gebiet nicht.",
        "en": "Not published: residents do not see this area.",
    },
    "area.is_published": {
        "de": "Veröffentlicht: auf den Seiten für Bewohner*innen zu sehen.",
        "en": "Published: shown on the residents' pages.",
    },
    "area.publish": {"de": "Für Bewohner*innen veröffentlichen", "en": "Publish for residents"},
    "area.unpublish": {"de": "Veröffentlichung zurücknehmen", "en": "Unpublish"},
    "area.published_done": {
        "de": "„{name}“ ist veröffentlicht.", "en": "“{name}” is published.",
    },
    "area.unpublished_done": {
        "de": "„{name}“ ist nicht mehr veröffentlicht.", "en": "“{name}” is no longer published.",
    },
    "public.error.area_unpublished": {
        "de": "Dieses Gebiet ist nicht freigegeben. Bitte ein anderes Gebiet wählen.",
        "en": "This area is not published. Choose another area.",
        "tr": "Bu bölge yayımlanmamış. Lütfen başka bir bölge seçin.",
        "ar": "هذه المنطقة غير منشورة. يرجى اختيار منطقة أخرى.",
        "uk": "Цей район не опубліковано. Будь ласка, виберіть інший район.",
    },
    # the e-mail to a resident when their suggestion is decided (audits/notify.py)
    "public.mail.subject": {
        "de": "Ihr Vorschlag {code} im Begegnungsatlas",
        "en": "Your suggestion {code} in the Begegnungsatlas",
        "tr": "Begegnungsatlas'taki {code} numaralı öneriniz",
        "ar": "اقتراحك {code} في Begegnungsatlas",
        "uk": "Ваша пропозиція {code} в Begegnungsatlas",
    },
    "public.mail.greeting": {"de": "Guten Tag,", "en": "Hello,", "tr": "Merhaba,", "ar": "مرحبًا،", "uk": "Добрий день,"},
    "public.mail.approved": {
        "de": "Ihr Vorschlag „{name}“ (Code {code}) wurde angenommen: Der Ort steht jetzt im Katalog der "
        "Orte der Begegnung. Wir prüfen ihn bald vor Ort.",
        "en": "Your suggestion “{name}” (code {code}) has been accepted: the place is now in the catalogue of "
        "places of encounter. We will check it on site soon.",
        "tr": "„{name}“ öneriniz (kod {code}) kabul edildi: Yer artık buluşma yerleri kataloğunda. "
        "Yakında yerinde kontrol edeceğiz.",
        "ar": "تم قبول اقتراحك „{name}“ (الرمز {code}): أصبح المكان الآن في دليل أماكن اللقاء. سنتحقق منه في الموقع قريبًا.",
        "uk": "Вашу пропозицію «{name}» (код {code}) прийнято: місце тепер є в каталозі місць зустрічей. "
        "Незабаром ми перевіримо його на місці.",
    },
    "public.mail.merged": {
        "de": "Ihr Vorschlag „{name}“ (Code {code}) ist schon im Katalog: Er wurde dem Ort „{place}“ "
        "zugeordnet. Danke für den Hinweis!",
        "en": "Your suggestion “{name}” (code {code}) is already in the catalogue: it has been matched to the "
        "place “{place}”. Thank you for the hint!",
        "tr": "„{name}“ öneriniz (kod {code}) zaten katalogda: „{place}“ yeriyle eşleştirildi. "
        "Bildiriminiz için teşekkürler!",
        "ar": "اقتراحك „{name}“ (الرمز {code}) موجود بالفعل في الدليل: تم ربطه بالمكان „{place}“. شكرًا على التنبيه!",
        "uk": "Ваша пропозиція «{name}» (код {code}) уже є в каталозі: її пов'язано з місцем «{place}». "
        "Дякуємо за підказку!",
    },
    "public.mail.rejected": {
        "de": "Ihr Vorschlag „{name}“ (Code {code}) wurde nicht in den Katalog aufgenommen. Begründung:\n\n{reason}",
        "en": "Your suggestion “{name}” (code {code}) has not been added to the catalogue. Reason:\n\n{reason}",
        "tr": "„{name}“ öneriniz (kod {code}) kataloğa eklenmedi. Gerekçe:\n\n{reason}",
        "ar": "لم تتم إضافة اقتراحك „{name}“ (الرمز {code}) إلى الدليل. السبب:\n\n{reason}",
        "uk": "Вашу пропозицію «{name}» (код {code}) не додано до каталогу. Причина:\n\n{reason}",
    },
    "public.mail.footer": {
        "de": "Den Stand können Sie jederzeit mit dem Code auf der Seite „{page}“ nachlesen. Ihre "
        "E-Mail-Adresse ist mit dieser Nachricht gelöscht. Diese Nachricht wurde automatisch verschickt; "
        "bitte nicht darauf antworten.",
        "en": "You can look up the status with the code on the page “{page}” at any time. Your e-mail address "
        "has been deleted with this message. This message was sent automatically; please do not reply.",
        "tr": "Durumu istediğiniz zaman „{page}“ sayfasında kodla görebilirsiniz. E-posta adresiniz bu "
        "mesajla birlikte silindi. Bu mesaj otomatik olarak gönderildi; lütfen yanıtlamayın.",
        "ar": "يمكنك الاطلاع على الحالة في أي وقت باستخدام الرمز في صفحة „{page}“. تم حذف عنوان بريدك الإلكتروني "
        "مع هذه الرسالة. أُرسلت هذه الرسالة تلقائيًا؛ يرجى عدم الرد عليها.",
        "uk": "Стан можна будь-коли переглянути за кодом на сторінці «{page}». Вашу адресу e-mail видалено "
        "разом із цим повідомленням. Це повідомлення надіслано автоматично; будь ласка, не відповідайте на нього.",
    },
    "moderation.mail_sent": {"de": "{n} Antworten per E-Mail verschickt.", "en": "{n} replies sent by e-mail."},
    "moderation.mail_failed": {
        "de": "{n} Antworten per E-Mail konnten nicht verschickt werden (Details im Server-Protokoll); "
        "die Entscheidung gilt trotzdem.",
        "en": "{n} e-mail replies could not be sent (details in the server log); the decision stands.",
    },
    "moderation.mail_off": {
        "de": "{n} Antworten nicht verschickt: Es ist kein Mailserver eingestellt (ATLAS_SMTP_HOST).",
        "en": "{n} replies not sent: no mail server is set (ATLAS_SMTP_HOST).",
    },
}


def t(key: str, lang: str, **params: object) -> str:
    """The text for ``key`` in ``lang`` (German when the language is unknown), with ``params`` filled in."""
    entry = STRINGS[key]
    text = entry.get(lang) or entry[DEFAULT_LANGUAGE]
    return text.format(**params) if params else text
