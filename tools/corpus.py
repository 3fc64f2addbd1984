"""Synthetic content for tests and benchmarks: valid stories written straight into a site folder.

`make bench` and the build tests share it, so that both exercise the same content model.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Ordinary German words for bodies of realistic length; /usr/share/dict/ngerman adds many more when present.
BASE_WORDS = (
    "Stadt Rathaus Verein Jugend Schule Bibliothek Bürgermeisterin Ortsteil Marktplatz Kirche Brücke Fluss "
    "Sportplatz Ehrenamt Feuerwehr Sommerfest Förderung Haushalt Beteiligung Zukunft Gemeinschaft Projekt "
    "Werkstatt Bahnhof Bus Radweg Garten Spielplatz Kita Museum Touristinformation Café Laden Handwerk Betrieb "
    "Ausbildung Praktikum Nachbarschaft Begegnung Idee Plan Antrag Geld Zeit Raum Treffpunkt Abend Woche Jahr "
    "gemeinsam engagiert offen neu alt klein groß freundlich mutig kreativ lebendig ruhig wichtig schnell "
    "bauen planen sammeln erzählen treffen helfen lernen zeigen wählen gestalten reparieren öffnen feiern "
    "und oder aber denn weil dass wenn als wie mit für ohne über unter nach vor bei von zu aus im am an auf "
    "der die das ein eine viele alle jede manche unsere ihre seine dort hier heute morgen gestern immer oft"
).split()


def vocabulary(size: int = 0) -> list[str]:
    words = list(BASE_WORDS)
    path = "/usr/share/dict/ngerman"
    if size and os.path.exists(path):
        with open(path, encoding="utf-8", errors="ignore") as handle:
            extra = [w.strip() for w in handle if w.strip().isalpha() and "'" not in w]
        random.Random(7).shuffle(extra)
        words += extra[:size]
    return words


def body_text(rng: random.Random, words: list[str], length: int) -> str:
    sentences, count = [], 0
    while count < length:
        n = rng.randint(6, 16)
        sentence = " ".join(rng.choice(words) for _ in range(n))
        sentences.append(sentence[0].upper() + sentence[1:] + ".")
        count += n
    paragraphs = [" ".join(sentences[i : i + 5]) for i in range(0, len(sentences), 5)]
    out = []
    for index, paragraph in enumerate(paragraphs):
        if index and index % 3 == 0:
            out.append(f"## Abschnitt {index // 3}")
        out.append(paragraph)
    return "\n\n".join(out) + "\n"


def story_text(*, title: str, description: str, date: dt.date, towns: list[str], pillars: list[str],
               themes: list[str] | None = None, authors: list[str] | None = None, status: str = "published",
               embargo: dt.date | None = None, body: str = "Ein kurzer Text.\n", extra: str = "") -> str:
    lines = [
        "---",
        f"title: \"{title}\"",
        f"description: \"{description}\"",
        f"date: {date.isoformat()}",
        f"towns: [{', '.join(towns)}]",
        f"pillars: [{', '.join(pillars)}]",
    ]
    if themes:
        lines.append(f"themes: [{', '.join(themes)}]")
    lines += [
        f"authors: [{', '.join(authors or ['redaktion'])}]",
        "sources:",
        "  - title: Resiliente Kleinstädte",
        "    publisher: Thünen-Institut für Regionalentwicklung e. V.",
        "    year: 2025",
        "    page: \"17\"",
        f"status: {status}",
    ]
    if embargo:
        lines.append(f"embargo: {embargo.isoformat()}")
    if extra:
        lines.append(extra.rstrip("\n"))
    lines.append("---")
    return "\n".join(lines) + "\n\n" + body


def write_story(root: str, slug: str, date: dt.date, towns: list[str], **fields) -> str:
    folder = os.path.join(root, "stories", towns[0], f"{date.isoformat()}-{slug}")
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "index.md")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(story_text(date=date, towns=towns, **fields))
    return path


def prepare_site(target: str, source: str = REPO, with_stories: bool = False) -> str:
    """Copy a site's content (taxonomy, towns, pillars, pages) and a mkdocs.yml that uses this repository's
    hooks and theme into `target`."""
    os.makedirs(target, exist_ok=True)
    for name in ("taxonomy.yml",):
        shutil.copy(os.path.join(source, name), os.path.join(target, name))
    for name in ("towns", "pillars", "pages") + (("stories",) if with_stories else ()):
        if os.path.isdir(os.path.join(source, name)):
            shutil.copytree(os.path.join(source, name), os.path.join(target, name), dirs_exist_ok=True)
    os.makedirs(os.path.join(target, "stories"), exist_ok=True)
    with open(os.path.join(REPO, "mkdocs.yml"), encoding="utf-8") as handle:
        config = handle.read()
    config = config.replace("custom_dir: overrides", f"custom_dir: {os.path.join(REPO, 'overrides')}")
    config = config.replace("  - hooks/site.py", f"  - {os.path.join(REPO, 'hooks', 'site.py')}")
    config = config.split("\nwatch:")[0] + "\n" + config.split("\nwatch:")[1].split("\n\n", 1)[1]
    with open(os.path.join(target, "mkdocs.yml"), "w", encoding="utf-8") as handle:
        handle.write(config)
    return target


def practice_block(rng: random.Random, words: list[str], town: str) -> str:
    """A full `practice:` block (every field), as a benchmark story to copy carries it."""
    def phrase(n: int) -> str:
        return " ".join(rng.choice(words) for _ in range(n)).capitalize()

    low = rng.randrange(0, 20) * 500
    return "\n".join([
        "practice:",
        f"  summary: \"{phrase(12)}.\"",
        "  steps:",
        *(f"    - \"{phrase(8)}\"" for _ in range(rng.randint(2, 5))),
        f"  duration: \"{rng.randint(2, 18)} Monate\"",
        f"  cost: {{min: {low}, max: {low + rng.randrange(1, 20) * 500}}}",
        f"  funding: [\"{phrase(2)}\"]",
        f"  partners: [\"{phrase(2)}\", \"{phrase(1)}\"]",
        f"  lessons: \"{phrase(20)}.\"",
        "  suits: {population: {min: 3000, max: 25000}, setting: ländlich, subdivisions: {min: 5}}",
        f"  contact: {{name: \"Stadtverwaltung {town.capitalize()}\", url: \"https://www.example.org/{town}\"}}",
    ])


def generate(root: str, count: int, seed: int = 1, vocabulary_size: int = 0, words_per_story: int = 700,
             practice_every: int = 3) -> None:
    """Write `count` valid, published stories spread over the site's towns, pillars, themes and challenges;
    every `practice_every`-th story (a third by default; 0 for none) has a full practice to copy."""
    import yaml

    rng = random.Random(seed)
    words = vocabulary(vocabulary_size)
    with open(os.path.join(root, "taxonomy.yml"), encoding="utf-8") as handle:
        taxonomy = yaml.safe_load(handle)
    pillars = [p["slug"] for p in taxonomy["pillars"]]
    themes = [t["slug"] for t in taxonomy["themes"]]
    challenges = [c["slug"] for c in taxonomy.get("challenges", [])]
    towns = sorted(os.path.splitext(n)[0] for n in os.listdir(os.path.join(root, "towns")) if n.endswith(".md"))
    start = dt.date(2020, 1, 1)
    for index in range(count):
        date = start + dt.timedelta(days=rng.randrange(2400))
        town = towns[index % len(towns)]
        chosen = rng.sample(pillars, rng.choice((1, 2)))
        title = " ".join(rng.choice(words) for _ in range(5)).capitalize()
        extra = f"challenges: [{', '.join(rng.sample(challenges, rng.choice((1, 2))))}]" if challenges else ""
        if challenges and practice_every and index % practice_every == 0:
            extra += "\n" + practice_block(rng, words, town)
        write_story(root, f"geschichte-{index:05d}", date, [town], title=title,
                    description=" ".join(rng.choice(words) for _ in range(14))[:190],
                    pillars=chosen, themes=rng.sample(themes, 2), body=body_text(rng, words, words_per_story),
                    extra=extra)
