"""The web editor's configuration (Sveltia CMS, `/redaktion/`), generated from the project's own schema.

Every front-matter key the content model accepts (story.STORY_KEYS, IMAGE_KEYS, PEOPLE_KEYS, sources.SOURCE_KEYS,
town.TOWN_KEYS) gets a widget with a German label and hint; the selects are filled from towns/ and
taxonomy.yml; lengths, counts and patterns repeat what `make check` refuses, so the form refuses it first.
Nothing here is written by hand twice: `make cms-config` writes editor/config.yml from this module, and
a test fails when the committed file is stale.

Settings that belong to the institute, not to the schema (which GitHub repository, which OAuth helper),
live in editor/settings.yml.
"""

from __future__ import annotations

import os

import yaml

from .fields import SLUG, URL
from .practice import (CONTACT_KEYS, COST_KEYS, HOSPITATION_KEYS, PRACTICE_KEYS, SETTINGS, STEPS_MAX, SUITS_KEYS, SUMMARY_MAX,
                       TEXT_MAX)
from .sources import SOURCE_KEYS
from .story import DESCRIPTION_MAX, IMAGE_KEYS, PEOPLE_KEYS, STORY_KEYS
from .taxonomy import Taxonomy
from .town import AGS_STATE, SUBDIVISION_LABELS, TOWN_KEYS

SETTINGS_FILE = os.path.join("editor", "settings.yml")
CONFIG_FILE = os.path.join("editor", "config.yml")
# What the editor offers as status: `published` is for the institute's editors, set in the pull request
# (review rules and CODEOWNERS), so a young author cannot publish with the form.
EDITOR_STATUSES = (("draft", "Entwurf: Ich schreibe noch"), ("review", "Fertig: Bitte prüfen"))
DATE = {"widget": "datetime", "format": "YYYY-MM-DD", "time_format": False, "input_timezone": "local"}
HEADER = """\
# Die Einstellungen des Web-Editors unter /redaktion/ (Sveltia CMS).
# Erzeugt von `make cms-config` aus dem Inhaltsmodell (hooks/kleinstadt/editor_config.py), taxonomy.yml,
# towns/ und editor/settings.yml: nicht von Hand ändern. Ein Test schlägt fehl, wenn die Datei veraltet ist.
"""


def _select(name: str, label: str, hint: str, options: list[tuple[str, str]], *, multiple: bool = True,
            minimum: int = 0, maximum: int | None = None, required: bool = True, default=None) -> dict:
    field = {"name": name, "label": label, "widget": "select", "hint": hint,
             # Tag-like text in a name (`make check` warns about it) is shown as the slug: no markup in the file.
             "options": [{"label": value if "<" in text or ">" in text else text, "value": value}
                         for value, text in options]}
    if multiple:
        field["multiple"] = True
        if minimum:
            field["min"] = minimum
        if maximum:
            field["max"] = maximum
        field["dropdown_threshold"] = 0  # always a searchable list, however few the options
    if not required:
        field["required"] = False
    if default is not None:
        field["default"] = default
    return field


def _text(name: str, label: str, hint: str = "", *, required: bool = True, maxlength: int | None = None,
          pattern: tuple[str, str] | None = None, widget: str = "string") -> dict:
    field = {"name": name, "label": label, "widget": widget}
    if hint:
        field["hint"] = hint
    if not required:
        field["required"] = False
    if maxlength:
        field["maxlength"] = maxlength
    if pattern:
        field["pattern"] = [pattern[0], pattern[1]]
    return field


def _number(name: str, label: str, hint: str, *, integer: bool, minimum, maximum, required: bool = True) -> dict:
    field = {"name": name, "label": label, "widget": "number", "value_type": "int" if integer else "float",
             "min": minimum, "max": maximum, "hint": hint}
    if not required:
        field["required"] = False
    return field


def _boolean(name: str, label: str, hint: str) -> dict:
    return {"name": name, "label": label, "widget": "boolean", "default": False, "required": False, "hint": hint}


URL_PATTERN = (URL.pattern, "Eine Adresse beginnt mit https:// oder http:// und enthält keine Leerzeichen.")


def source_fields() -> list[dict]:
    fields = [
        _text("title", "Titel", "Bei einem Gespräch etwa: Gespräch mit der Leiterin des Jugendclubs. "
              "Aus der Studie: Resiliente Kleinstädte."),
        _text("publisher", "Herausgeber", "Wer die Quelle veröffentlicht hat, etwa: Thünen-Institut für "
              "Regionalentwicklung e. V.", required=False),
        _number("year", "Jahr", "Das Erscheinungsjahr, zum Beispiel 2025.", integer=True, minimum=800,
                maximum=2100, required=False),
        _text("page", "Seite", "Die Seitenzahl, zum Beispiel 17 oder 18-19.", required=False),
        _text("url", "Adresse im Netz", "Nur bei einer Webseite: die vollständige Adresse mit https://.",
              required=False, pattern=URL_PATTERN),
        dict(DATE, name="date", label="Abrufdatum", hint="Freiwillig: wann du die Webseite gelesen hast.",
             required=False),
    ]
    assert {field["name"] for field in fields} == SOURCE_KEYS, "sources.SOURCE_KEYS changed: add its widget"
    return fields


def sources_field(hint: str) -> dict:
    return {"name": "sources", "label": "Quellen", "label_singular": "Quelle", "widget": "list", "min": 1,
            "hint": hint, "summary": "{{fields.title}}", "collapsed": "auto", "fields": source_fields()}


def people_field() -> dict:
    """`image.people`, an optional group: the form shows its consent switches only after the author adds
    „Erkennbare Personen“, and an image without it stores no `people` key (kleinstadt/story.py). Sveltia CMS
    0.221.1 has no conditional fields; an optional object is how it shows fields only when they apply."""
    fields = [
        _boolean("consent", "Alle Erkennbaren haben zugestimmt",
                 "Nur einschalten, wenn jede Person, die man erkennt, der Veröffentlichung zugestimmt hat. "
                 "Sonst nimm ein anderes Bild."),
        _boolean("minors", "Kinder oder Jugendliche unter 18 sind zu erkennen",
                 "Dann brauchst du auch die schriftliche Einwilligung ihrer Eltern."),
        _boolean("parental_consent", "Die Eltern haben schriftlich zugestimmt",
                 "Die Schule bewahrt die Einwilligung auf; hier steht nur, dass es sie gibt."),
    ]
    assert {field["name"] for field in fields} == PEOPLE_KEYS, "story.PEOPLE_KEYS changed: add its widget"
    return {"name": "people", "label": "Erkennbare Personen", "widget": "object", "required": False,
            "hint": "Nur hinzufügen, wenn auf dem Bild Menschen zu erkennen sind: Dann brauchst du ihre "
                    "Einwilligung. Ist niemand zu erkennen, lass es weg.",
            "fields": fields}


def image_field() -> dict:
    fields = [
        {"name": "file", "label": "Bilddatei", "widget": "image", "choose_url": False,
         "accept": "image/jpeg,image/png,image/webp",
         "hint": "Ein Foto im Format JPEG, PNG oder WebP. Nur Bilder, die du selbst gemacht hast oder benutzen darfst!"},
        _text("alt", "Bildbeschreibung (Alternativtext)",
              "Was ist auf dem Bild zu sehen? Ein Satz, für Menschen, die das Bild nicht sehen können. "
              "Nicht der Dateiname."),
        _text("credit", "Foto von", "Wer hat das Foto gemacht? Vorname und Initial genügen, etwa Mia K."),
        _text("license", "Lizenz", "Zum Beispiel CC BY 4.0. Frag die Redaktion, wenn du unsicher bist."),
        people_field(),
    ]
    assert {field["name"] for field in fields} == IMAGE_KEYS, "story.IMAGE_KEYS changed: add its widget"
    return {"name": "image", "label": "Titelbild", "widget": "object", "required": False, "collapsed": "auto",
            "hint": "Freiwillig. Das Bild wird neben der Geschichte gespeichert.", "fields": fields}


def _range(name: str, label: str, hint: str, unit: str, maximum: int) -> dict:
    return {"name": name, "label": label, "widget": "object", "required": False, "hint": hint, "fields": [
        _number("min", f"von ({unit})", "Freiwillig: die untere Grenze.", integer=True, minimum=0, maximum=maximum,
                required=False),
        _number("max", f"bis ({unit})", "Freiwillig: die obere Grenze.", integer=True, minimum=0, maximum=maximum,
                required=False)]}


def cost_field() -> dict:
    """`practice.cost`: a span in euros or „unbekannt“, both as one group (kleinstadt/practice.py, COST_KEYS),
    so the form can say either. Once the group is added the switch stores `unknown: false` beside a span,
    which `make check` reads as the span."""
    field = _range("cost", "Kosten", "Freiwillig: die Spanne in Euro, oder „Kosten unbekannt“, wenn niemand sie "
                   "nennen kann.", "Euro", 1_000_000_000)
    field["fields"].insert(0, _boolean("unknown", "Kosten unbekannt",
                                       "Dann steht auf der Seite „Kosten: unbekannt“, und „von“ und „bis“ bleiben "
                                       "leer."))
    assert {sub["name"] for sub in field["fields"]} == COST_KEYS, "practice.COST_KEYS changed: add its widget"
    return field


def contact_field(hint: str) -> dict:
    fields = [
        _text("name", "Stelle", "Ein Amt, eine Verwaltung, ein Verein oder eine Schule, nie eine Privatperson: "
              "etwa Stadtverwaltung Beispielstadt."),
        _text("url", "Webseite der Stelle", "Die öffentliche Adresse mit https://. Keine E-Mail, kein Telefon.",
              pattern=URL_PATTERN),
    ]
    assert {field["name"] for field in fields} == CONTACT_KEYS, "practice.CONTACT_KEYS changed: add its widget"
    return {"name": "contact", "label": "Öffentlicher Kontakt", "widget": "object", "required": False,
            "hint": hint, "fields": fields}


def practice_field() -> dict:
    """„Zum Nachmachen“ (kleinstadt/practice.py)."""
    suits = [
        _range("population", "Einwohnerzahl", "Für Orte mit wie vielen Einwohner:innen es passt.", "Einwohner",
               10_000_000),
        _select("setting", "Lage", "Ländlich, städtisch oder beides.", [(key, text) for key, text in SETTINGS.items()],
                multiple=False, required=False),
        _range("subdivisions", "Ortsteile", "Für Orte mit wie vielen Ortsteilen es passt.", "Ortsteile", 500),
    ]
    assert {field["name"] for field in suits} == SUITS_KEYS, "practice.SUITS_KEYS changed: add its widget"
    fields = [
        _text("summary", "Was wurde gemacht?", "In einem Satz.", maxlength=SUMMARY_MAX),
        {"name": "steps", "label": "Schritte", "label_singular": "Schritt", "widget": "list", "required": False,
         "max": STEPS_MAX, "hint": "Freiwillig: die Schritte in ihrer Reihenfolge, einer je Zeile."},
        _text("duration", "Dauer", "Freiwillig: wie lange es dauerte, etwa: ein Wochenende.", required=False),
        cost_field(),
        {"name": "funding", "label": "Förderprogramme", "label_singular": "Förderprogramm", "widget": "list",
         "required": False, "hint": "Freiwillig: die Programme mit Namen, etwa LEADER."},
        {"name": "partners", "label": "Partner", "label_singular": "Partner", "widget": "list", "required": False,
         "hint": "Freiwillig: wer mitgemacht hat, nach Rolle (keine Namen von Menschen)."},
        _text("lessons", "Was schwierig war", "Freiwillig: was schiefging oder heute anders laufen sollte.",
              widget="text", maxlength=TEXT_MAX, required=False),
        {"name": "suits", "label": "Passt für", "widget": "object", "required": False,
         "hint": "Freiwillig: für welche Orte es passt.", "fields": suits},
        contact_field("Freiwillig: wer Auskunft gibt, mit öffentlicher Webseite."),
    ]
    assert {field["name"] for field in fields} == PRACTICE_KEYS, "practice.PRACTICE_KEYS changed: add its widget"
    return {"name": "practice", "label": "Zum Nachmachen", "widget": "object", "required": False,
            "collapsed": "auto", "hint": "Freiwillig: Können andere Städte das nachmachen? Fülle nur aus, was du "
                                         "aus deinen Quellen weißt; nenne dann auch mindestens eine Herausforderung.",
            "fields": fields}


def hospitation_field() -> dict:
    fields = [contact_field("Wer Besuche vereinbart, mit öffentlicher Webseite."),
              _text("note", "Hinweis", "Freiwillig, etwa: Besuche nach Absprache.", required=False)]
    assert {field["name"] for field in fields} == HOSPITATION_KEYS, "practice.HOSPITATION_KEYS changed: add its widget"
    fields[0]["required"] = True
    return {"name": "hospitation", "label": "Besuche willkommen (Hospitation)", "widget": "object",
            "required": False, "hint": "Nur eintragen, wenn die Stadt selbst öffentlich dazu einlädt.",
            "fields": fields}


def story_fields(taxonomy: Taxonomy, towns: dict[str, str]) -> list[dict]:
    fields = [
        _text("title", "Überschrift", "Kurz, genau und so, dass man weiterlesen will."),
        _text("description", "Anreißer", f"Ein bis zwei Sätze, worum es geht. Höchstens {DESCRIPTION_MAX} "
              "Zeichen. Er steht unter der Überschrift und auf den Karten in den Übersichten.",
              widget="text", maxlength=DESCRIPTION_MAX),
        dict(DATE, name="date", label="Datum", default="{{now}}",
             hint="Der Tag, an dem die Geschichte angelegt wurde. Er steht auch im Ordnernamen: bitte nicht ändern."),
        dict(DATE, name="updated", label="Aktualisiert am", required=False,
             hint="Freiwillig: wann du die Geschichte später noch einmal geändert hast. Er steht dann unter der "
                  "Überschrift."),
        _select("towns", "Orte", "Der Ort, um den es geht. Der erste bestimmt den Ordner der Geschichte.",
                sorted(towns.items(), key=lambda item: item[1]), minimum=1),
        _select("pillars", "Pfeiler", "Ein oder zwei der fünf Pfeiler aus der Studie, zu denen die Geschichte passt.",
                [(p.slug, p.title) for p in taxonomy.pillars.values()], minimum=1, maximum=2),
        _select("themes", "Themenfelder", "Freiwillig: Themenfelder der Studie.",
                [(t.slug, t.title) for t in taxonomy.themes.values()], required=False),
        _select("challenges", "Herausforderungen", "Freiwillig: Herausforderungen der Studie, um die es geht.",
                [(t.slug, t.title) for t in taxonomy.challenges.values()], required=False),
        _select("authors", "Team", "Wer hat geschrieben? Euer Team, keine echten Namen.",
                [(t.slug, t.name) for t in taxonomy.teams.values()], minimum=1),
        image_field(),
        practice_field(),
        sources_field("Woher stammen deine Infos? Mindestens eine Quelle, etwa die Studie mit Seitenzahl."),
        _select("status", "Status", "Entwurf, solange du schreibst; „Fertig“, wenn die Redaktion prüfen soll. "
                "Veröffentlichen kann nur die Redaktion.", list(EDITOR_STATUSES), multiple=False, default="draft"),
        dict(DATE, name="embargo", label="Sperrfrist", required=False,
             hint="Freiwillig: Die Geschichte erscheint nicht vor diesem Tag."),
        _text("slug", "Kurzname der Adresse", "Freiwillig, nur wenn die Adresse anders heißen soll als der "
              "Ordner: Kleinbuchstaben a-z, Ziffern und Bindestriche.", required=False,
              pattern=(SLUG.pattern, "Nur Kleinbuchstaben a-z, Ziffern und Bindestriche, etwa jugendbudget-luebz.")),
        {"name": "body", "label": "Text", "widget": "markdown", "modes": ["rich_text", "raw"],
         "hint": "Erzähle im ersten Absatz, was passiert ist, wo und wer dabei war. Keine Adressen, "
                 "Telefonnummern oder E-Mails."},
    ]
    assert {field["name"] for field in fields} - {"body"} == STORY_KEYS, "story.STORY_KEYS changed: add its widget"
    return fields


def town_fields(taxonomy: Taxonomy) -> list[dict]:
    states = [(code, region.name) for code, region in taxonomy.regions.items()]
    fields = [
        _text("name", "Name", "Der amtliche Name des Ortes."),
        _text("description", "Kurzbeschreibung", f"Ein bis zwei Sätze, höchstens {DESCRIPTION_MAX} Zeichen.",
              widget="text", maxlength=DESCRIPTION_MAX, required=False),
        _select("state", "Land", "Das Bundesland.", states, multiple=False),
        _text("district", "Landkreis", "Der Name des Landkreises, etwa Ludwigslust-Parchim."),
        _text("ags", "Amtlicher Gemeindeschlüssel", "Acht Ziffern; die ersten beiden nennen das Land ("
              + ", ".join(f"{number} {code[3:]}" for number, code in AGS_STATE.items()) + ").",
              pattern=(r"^\d{8}$", "Der Amtliche Gemeindeschlüssel hat genau 8 Ziffern.")),
        {"name": "population", "label": "Einwohnerzahl", "widget": "object", "required": False,
         "hint": "Die amtliche Zahl mit Stichtag und Quelle.", "fields": [
            _number("value", "Einwohner", "Die Zahl der Einwohnerinnen und Einwohner.", integer=True, minimum=1,
                    maximum=10_000_000),
            dict(DATE, name="date", label="Stand", hint="Der Stichtag der Zahl."),
            _text("source", "Quelle", "Woher die Zahl stammt."),
        ]},
        {"name": "area", "label": "Fläche", "widget": "object", "required": False,
         "hint": "Die Fläche in Quadratkilometern.", "fields": [
            _number("km2", "Fläche in km²", "Zum Beispiel 74.69.", integer=False, minimum=0.1, maximum=5000),
            _text("source", "Quelle", "Woher die Angabe stammt.", required=False),
        ]},
        {"name": "subdivisions", "label": "Ortsteile", "widget": "object", "required": False,
         "hint": "Wie viele Ortsteile, Stadtteile oder Ortschaften der Ort hat.", "fields": [
            _number("count", "Anzahl", "Wie viele Ortsteile der Ort hat.", integer=True, minimum=0, maximum=500),
            _select("label", "Bezeichnung", "Wie der Ort sie nennt.",
                    [(label, label) for label in sorted(SUBDIVISION_LABELS)], multiple=False, required=False),
        ]},
        {"name": "coordinates", "label": "Lage", "widget": "object",
         "hint": "Die Koordinaten für die Karte (Dezimalgrad).", "fields": [
            _number("lat", "Breitengrad", "Zwischen 50 und 55, zum Beispiel 53.4667.", integer=False, minimum=50,
                    maximum=55),
            _number("lon", "Längengrad", "Zwischen 9,5 und 15,5, zum Beispiel 12.0333.", integer=False,
                    minimum=9.5, maximum=15.5),
        ]},
        _text("website", "Webseite", "Die Adresse der Stadt mit https://.", required=False, pattern=URL_PATTERN),
        sources_field("Woher stammen die Angaben? Mindestens eine Quelle."),
        hospitation_field(),
        {"name": "body", "label": "Porträt", "widget": "markdown", "modes": ["rich_text", "raw"],
         "hint": "Das Porträt des Ortes, mit Zwischentiteln."},
    ]
    assert {field["name"] for field in fields} - {"body"} == TOWN_KEYS, "town.TOWN_KEYS changed: add its widget"
    return fields


def load_settings(root: str) -> dict:
    path = os.path.join(root, SETTINGS_FILE)
    if not os.path.exists(path):
        return {}
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


def cms_config(taxonomy: Taxonomy, towns: dict[str, str], settings: dict | None = None) -> dict:
    """The configuration as a mapping; `towns` maps each town's slug to its name."""
    settings = settings or {}
    backend = {"name": "github", "repo": settings.get("repo", ""), "branch": settings.get("branch", "main")}
    if settings.get("base_url"):
        backend["base_url"] = settings["base_url"]
        backend["auth_methods"] = ["oauth", "token"]
    else:  # without an OAuth helper only a personal access token; never Netlify's default helper
        backend["auth_methods"] = ["token"]
    backend["commit_messages"] = {
        "create": "Neue Geschichte: {{slug}} ({{collection}})",
        "update": "Geändert: {{slug}} ({{collection}})",
        "delete": "Gelöscht: {{slug}} ({{collection}})",
        "uploadMedia": "Bild hochgeladen: {{path}}",
        "deleteMedia": "Bild gelöscht: {{path}}",
    }
    config = {
        "backend": backend,
        # Saving for review opens one pull request per story; the PR workflow runs `make check` on it.
        "publish_mode": "editorial_workflow",
        "media_folder": "stories",
        # No stock photos (Lorem Picsum, Pexels, Pixabay, Unsplash): the dialog would offer pictures the
        # authors did not take, from hosts the page's policy blocks anyway. Only uploads from the device.
        "media_libraries": {"stock_assets": False},
        "app_title": "Kleinstadtgeschichten – Redaktion",
        "logo": {"src": "../assets/favicon.svg"},
        "output": {"omit_empty_optional_fields": True, "yaml": {"quote": "none"}},
        "slug": {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-", "maxlength": 60},
        "collections": [
            {
                "name": "stories",
                "label": "Geschichten",
                "label_singular": "Geschichte",
                "description": "Jede Geschichte liegt in stories/ORT/JJJJ-MM-TT-KURZNAME/index.md, "
                               "ihre Bilder daneben.",
                "folder": "stories",
                "path": "{{fields.towns.0}}/{{year}}-{{month}}-{{day}}-{{slug}}/index",
                "slug": "{{title}}",
                "media_folder": "",
                "public_folder": "",
                "format": "yaml-frontmatter",
                "extension": "md",
                "summary": "{{title}} ({{fields.date}}, {{fields.status}})",
                "sortable_fields": ["date", "title"],
                "fields": story_fields(taxonomy, towns),
            },
            {
                "name": "towns",
                "label": "Ortsprofile",
                "label_singular": "Ortsprofil",
                "description": "Für die Redaktion des Instituts: die Fakten und das Porträt jedes Ortes.",
                "folder": "towns",
                "path": "{{slug}}",
                "slug": "{{name}}",
                "identifier_field": "name",
                "format": "yaml-frontmatter",
                "extension": "md",
                "create": False,
                "delete": False,
                "fields": town_fields(taxonomy),
            },
        ],
    }
    if settings.get("site_url"):
        config["site_url"] = settings["site_url"]
    return config


def town_names(root: str) -> dict[str, str]:
    """Town slug -> name from towns/*.md (the slug when a profile has no readable name)."""
    from .frontmatter import parse

    names = {}
    folder = os.path.join(root, "towns")
    for name in sorted(os.listdir(folder)) if os.path.isdir(folder) else []:
        if not name.endswith(".md"):
            continue
        slug = name[:-3]
        try:
            with open(os.path.join(folder, name), encoding="utf-8") as handle:
                data = parse(handle.read()).data
            name = str(data.get("name") or slug)
            # Tag-like text (`make check` warns about it) is shown as the slug: the file stays free of markup.
            names[slug] = slug if "<" in name or ">" in name else name
        except Exception:  # a broken profile is `make check`'s business; the select still offers the slug
            names[slug] = slug
    return names


def render(root: str, settings_root: str | None = None) -> str:
    """The text of editor/config.yml for the site in `root` (settings from `settings_root`, default `root`)."""
    from .problems import Problems
    from .taxonomy import load_taxonomy

    taxonomy = load_taxonomy(root, Problems(root))
    config = cms_config(taxonomy, town_names(root), load_settings(settings_root or root))
    return HEADER + yaml.safe_dump(config, allow_unicode=True, sort_keys=False, width=110)
