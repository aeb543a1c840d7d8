"""Name screening quality and speed: recall on variants of real SDN names, false hits on ordinary
names, names screened per second.

    .venv/bin/python bench/screening.py
    .venv/bin/python bench/screening.py --list tests/data/ofac/sdn_advanced_subset.xml --show-misses
    .venv/bin/python bench/screening.py --record   # and bench/results/screening.json (the docs')

Variants are made from every individual of the list (its own spelling, not ours): natural word
order, transliteration spellings, a dropped middle name, one-letter typos, accents with an
honorific, and each strong alias of two or more words. The clean population combines common
first and last names from many cultures; a generated name whose words are exactly those of a
listed name is dropped, so every hit on it is a false hit. Then the first held-out set
(``screening_heldout.py``), the second and the third (``screening_heldout2.py``,
``screening_heldout3.py`` to ``screening_heldout9.py``: hand-written; all nine tuned on since),
the eleventh to fifteenth (``screening_heldout11.py`` to ``screening_heldout15.py``:
hand-written, tuned on since the eleventh, thirteenth, fourteenth, fifteenth and sixteenth
rounds; ``--show-misses`` lists their misses and look-alike false hits), and the tenth
(``screening_heldout10.py``): hand-written, never tuned on; ``--no-heldout10`` while tuning, so
its results are not read, and ``--show-misses`` never lists its misses).
Numbers, never asserts.
"""

from __future__ import annotations

import argparse
import csv
import random
import string
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from pathlib import Path
from types import ModuleType

import record
import screening_heldout2
import screening_heldout3
import screening_heldout4
import screening_heldout5
import screening_heldout6
import screening_heldout7
import screening_heldout8
import screening_heldout9
import screening_heldout10
import screening_heldout11
import screening_heldout12
import screening_heldout13
import screening_heldout14
import screening_heldout15
from onramp.compliance.lists import EntryType, ListEntry, SanctionsList, load_list
from onramp.compliance.matcher import NameHit, NameMatcher
from onramp.compliance.matching.settings import MatchSettings
from onramp.compliance.normalise import name_tokens
from screening_heldout import heldout_kinds
from screening_kinds import kinds, origin

DEFAULT_LIST = Path(__file__).resolve().parents[1] / "tests/data/ofac/sdn_advanced_subset.xml"
HELDOUT_LIST = Path(__file__).resolve().parents[1] / "tests/data/ofac/sdn_2024-05-03_subset.csv"

FIRST = (
    "James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara "
    "Thomas Sarah Daniel Karen Paul Nancy Mark Lisa Anna Sofia Lukas Emma Jonas Lea Pierre Camille "
    "Louis Chloe Giulia Marco Alessandro Chiara Javier Lucia Carlos Carmen Pablo Elena Joao Ana "
    "Pedro Beatriz Jan Eva Piotr Katarzyna Tomasz Agnieszka Olga Ivan Natalia Pavel Irina Oleg "
    "Tatiana Wei Li Jun Mei Hiroshi Yuki Takeshi Sakura Min-jun Ji-woo Seo-yeon Raj Priya Amit "
    "Sunita Arjun Kavya Fatima Aisha Omar Layla Yusuf Zainab Hamza Mariam Tariq Noor Kwame Amara "
    "Chinedu Ngozi Tendai Zanele Kofi Abena Mehmet Ayse Emre Zeynep Nguyen Linh Minh Thu Somchai "
    "Kanya Dewi Budi Siti Agus Lars Ingrid Sven Astrid Mikko Aino Sean Siobhan Niamh Cian"
).split()
LAST = (
    "Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Moore Martin Jackson "
    "Thompson White Harris Clark Lewis Walker Young Muller Schmidt Schneider Fischer Weber Meyer "
    "Wagner Becker Dubois Lefebvre Moreau Laurent Rossi Russo Ferrari Esposito Bianchi Romano "
    "Garcia Fernandez Lopez Martinez Sanchez Perez Silva Santos Oliveira Costa Pereira Kowalski "
    "Nowak Wisniewski Wojcik Ivanova Smirnova Kuznetsova Popova Novak Horvat Kovacs Nagy Wang "
    "Zhang Liu Chen Yang Huang Sato Suzuki Takahashi Tanaka Kim Lee Park Choi Sharma Patel Singh "
    "Gupta "
    "Kumar Reddy Rahman Hossain Chowdhury Okafor Mensah Boateng Nkosi Dlamini Mwangi Otieno Yilmaz "
    "Kaya Demir Celik Tran Pham Hoang Wongsakul Santoso Wijaya Hansen Johansson Nielsen Virtanen "
    "Murphy Kelly Byrne Walsh Obrien Haddad Khoury Mansour Nasser Saleh Farouk Aziz Karimi Ahmadi"
).split()

# Spelling rules a person typing a transliterated name plausibly applies (ours, not the
# normaliser's table: the bench must not grade the matcher with its own answers).
TRANSLIT = (
    ("ou", "u"),
    ("u", "ou"),
    ("y", "i"),
    ("i", "y"),
    ("kh", "h"),
    ("ov", "off"),
    ("ev", "eff"),
    ("ei", "ey"),
    ("ee", "i"),
    ("j", "dzh"),
    ("sh", "ch"),
    ("mm", "m"),
    ("ss", "s"),
    ("a", "e"),
    ("mohammed", "muhammad"),
    ("muhammad", "mohamed"),
    ("ahmad", "ahmed"),
    ("hussein", "husain"),
)
ACCENTS = {"a": "á", "e": "é", "i": "í", "o": "ö", "u": "ü", "c": "ç", "n": "ñ", "s": "š"}
HONORIFICS = ("Mr.", "Dr.", "Sheikh", "Haji", "Mrs.")


def natural(name: str) -> list[str]:
    """OFAC's "LAST, First Middle" as "First Middle Last" words."""
    last, _, rest = name.partition(",")
    return (rest.split() + last.split()) if rest else name.split()


def transliterate(words: list[str], rng: random.Random) -> str | None:
    text = " ".join(words).lower()
    # Inside words only: a changed first letter ("Alexander" -> "Elexander") is a typo, not a
    # transliteration, and the typo variant covers it.
    rules = [(a, b) for a, b in TRANSLIT if any(a in w[1:] for w in text.split())]
    if not rules:
        return None
    old, new = rng.choice(rules)
    spots = [i for i in range(1, len(text)) if text.startswith(old, i) and text[i - 1] != " "]
    at = rng.choice(spots)
    return (text[:at] + new + text[at + len(old) :]).title()


def typo(words: list[str], rng: random.Random) -> str | None:
    long_words = [i for i, w in enumerate(words) if len(w) >= 4]
    if not long_words:
        return None
    i = rng.choice(long_words)
    word = words[i]
    at = rng.randrange(1, len(word) - 1)
    kind = rng.choice(("substitute", "delete", "insert", "transpose"))
    letter = rng.choice(string.ascii_lowercase)
    if kind == "substitute":
        word = word[:at] + letter + word[at + 1 :]
    elif kind == "delete":
        word = word[:at] + word[at + 1 :]
    elif kind == "insert":
        word = word[:at] + letter + word[at:]
    else:
        word = word[: at - 1] + word[at] + word[at - 1] + word[at + 1 :]
    return " ".join(words[:i] + [word] + words[i + 1 :])


def accented(words: list[str], rng: random.Random) -> str:
    text = " ".join(words)
    spots = [i for i, c in enumerate(text) if c.lower() in ACCENTS]
    if spots:
        at = rng.choice(spots)
        text = text[:at] + ACCENTS[text[at].lower()] + text[at + 1 :]
    return f"{rng.choice(HONORIFICS)} {text}"


def variants(entry: ListEntry, rng: random.Random) -> list[tuple[str, str]]:
    words = natural(entry.primary_name)
    made: list[tuple[str, str | None]] = [
        ("word order", " ".join(words)),
        ("transliteration", transliterate(words, rng)),
        ("typo", typo(words, rng)),
        ("accents+honorific", accented(words, rng)),
    ]
    if len(words) >= 3:
        drop = rng.randrange(1, len(words) - 1)
        made.append(("missing middle name", " ".join(words[:drop] + words[drop + 1 :])))
    for alias in entry.aliases:
        if alias.strong and len(natural(alias.name)) >= 2:
            made.append(("alias", " ".join(natural(alias.name))))
    return [(kind, text) for kind, text in made if text]


def population(size: int, listed: set[frozenset[str]], rng: random.Random) -> list[str]:
    names: set[str] = set()
    while len(names) < size:
        parts = [rng.choice(FIRST)]
        if rng.random() < 0.3:
            parts.append(rng.choice(FIRST))  # a middle name
        parts.append(rng.choice(LAST))
        name = " ".join(parts)
        if frozenset(name_tokens(name)) not in listed:
            names.add(name)
    return sorted(names)


Probe = tuple[str, str, str]  # list uid, kind, the variant


def measure(
    matcher: NameMatcher, probes: list[Probe], clean: list[str]
) -> tuple[
    Counter[str], Counter[str], list[tuple[str, str, str, object]], list[tuple[str, NameHit]]
]:
    found: Counter[str] = Counter()
    total: Counter[str] = Counter()
    misses: list[tuple[str, str, str, object]] = []
    for uid, kind, text in probes:
        total[kind] += 1
        hit = matcher.screen(text)
        if hit is not None and hit.entry_uid == uid:
            found[kind] += 1
        else:
            misses.append((kind, text, uid, matcher.best(text)))
    false_hits = [(name, hit) for name in clean if (hit := matcher.screen(name)) is not None]
    return found, total, misses, false_hits


# What ``--record`` writes (bench/results/screening.json): each measurement adds its figures
# under its set's name ("tuned", "heldout14", ...).
FIGURES: dict[str, float] = {}


def report(
    title: str, found: Counter[str], total: Counter[str], false: int, clean: int, name: str
) -> None:
    print(title)
    for kind in sorted(total):
        share = 100 * found[kind] / total[kind]
        print(f"  recall {kind:<26} {found[kind]:>4} / {total[kind]:<4} {share:6.2f} %")
    recall = 100 * sum(found.values()) / max(1, sum(total.values()))
    print(f"  recall: {sum(found.values())} / {sum(total.values())} = {recall:.2f} %")
    print(f"  false hits on ordinary names: {false} / {clean} = {100 * false / clean:.2f} %")
    FIGURES[f"{name}.recall_percent"] = recall
    FIGURES[f"{name}.false_hits_percent"] = 100 * false / clean


def initialled(matcher: NameMatcher, clean: list[str]) -> None:
    """False hits on the ordinary names shortened to an initial and the surname ("J. Smith"), as
    forms and bank transfers shorten them. Each counts as false, though "W. Zhang" may well be
    the listed "ZHANG, Wei": the figure is the price of reading such names at all."""
    names = sorted({f"{name.split()[0][0]}. {name.split()[-1]}" for name in clean})
    hits = sum(1 for name in names if matcher.screen(name) is not None)
    share = 100 * hits / max(1, len(names))
    print(f"  false hits on them as initial + surname: {hits} / {len(names)} = {share:.2f} %")


def individuals(sanctions: SanctionsList) -> list[ListEntry]:
    return [e for e in sanctions.entries if e.entry_type == EntryType.INDIVIDUAL]


def listed_token_sets(sanctions: SanctionsList) -> set[frozenset[str]]:
    return {frozenset(name_tokens(e.primary_name)) for e in sanctions.entries} | {
        frozenset(name_tokens(a.name)) for e in sanctions.entries for a in e.aliases
    }


def cli_speed(list_file: Path, names: list[str], count: int) -> tuple[int, float]:
    """``onramp screen names`` on a ``count``-name file, start-up included (wall clock)."""
    rows = (names * (count // len(names) + 1))[:count]
    with tempfile.TemporaryDirectory(prefix="onramp-bench-") as folder:
        batch = Path(folder) / "names.csv"
        with batch.open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(["name", "date_of_birth", "country"])
            writer.writerows([name, "", ""] for name in rows)
        started = time.perf_counter()
        result = subprocess.run(  # noqa: S603 - our own interpreter and CLI
            [
                sys.executable,
                "-m",
                "onramp",
                "screen",
                "names",
                str(batch),
                "--list",
                str(list_file),
            ],
            capture_output=True,
            check=True,
        )
        elapsed = time.perf_counter() - started
    return result.stdout.count(b"\n"), elapsed


Misses = list[tuple[str, str, str, object]]
FalseHits = list[tuple[str, NameHit]]
HandWrittenSet = ModuleType  # lists(), probes() and clean_names() of a screening_heldoutN module


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--list", type=Path, default=DEFAULT_LIST)
    parser.add_argument("--heldout-list", type=Path, default=HELDOUT_LIST)
    parser.add_argument("--clean", type=int, default=5000, help="size of the clean population")
    parser.add_argument("--threshold", type=float, default=MatchSettings().threshold)
    parser.add_argument("--seed", type=int, default=20261122)
    parser.add_argument("--cli-names", type=int, default=10_000, help="0: skip the CLI run")
    record.add_flag(parser)
    parser.add_argument(
        "--show-misses",
        action="store_true",
        help="of the tuned set and held-out sets 1 to 9 and 11 to 15",
    )
    parser.add_argument(
        "--no-heldout10", action="store_true", help="skip the tenth held-out set (while tuning)"
    )
    parser.add_argument(
        "--no-heldout11", action="store_true", help="skip the eleventh held-out set"
    )
    parser.add_argument("--no-heldout12", action="store_true", help="skip the twelfth held-out set")
    parser.add_argument(
        "--no-heldout13", action="store_true", help="skip the thirteenth set (while tuning)"
    )
    parser.add_argument(
        "--no-heldout14", action="store_true", help="skip the fourteenth held-out set"
    )
    parser.add_argument(
        "--no-heldout15", action="store_true", help="skip the fifteenth held-out set"
    )
    return parser.parse_args()


def tuned_set(args: argparse.Namespace) -> tuple[list[Probe], list[str], Misses, FalseHits]:
    """The generated variants of the default list; returns its probes, clean names and misses."""
    rng = random.Random(args.seed)
    sanctions = load_list(args.list)
    started = time.perf_counter()
    matcher = NameMatcher(sanctions, MatchSettings(threshold=args.threshold))
    built = time.perf_counter() - started
    people = individuals(sanctions)
    probes = [(e.uid, kind, text) for e in people for kind, text in variants(e, rng)]
    probes += [(e.uid, kind, text) for e in people for kind, text in kinds(e, rng)]
    clean = population(args.clean, listed_token_sets(sanctions), rng)

    started = time.perf_counter()
    found, total, misses, false_hits = measure(matcher, probes, clean)
    elapsed = time.perf_counter() - started
    screened = len(probes) + len(clean)

    print(f"list: {args.list.name}, {len(sanctions.entries)} entries, index built in {built:.2f} s")
    print(f"threshold: {args.threshold}")
    report("TUNED variants:", found, total, len(false_hits), len(clean), "tuned")
    initialled(matcher, clean)
    print(f"speed in process: {screened} names in {elapsed:.2f} s = {screened / elapsed:,.0f}/s")
    return probes, clean, misses, false_hits


def first_heldout(args: argparse.Namespace, tuned_uids: set[str]) -> tuple[Misses, FalseHits]:
    heldout = load_list(args.heldout_list)
    matcher = NameMatcher(heldout, MatchSettings(threshold=args.threshold))
    rng = random.Random(args.seed + 1)
    probes = [
        (e.uid, kind, text)
        for e in individuals(heldout)
        if e.uid not in tuned_uids
        for kind, text in heldout_kinds(e.primary_name, origin(e), rng)
    ]
    clean = population(args.clean, listed_token_sets(heldout), rng)
    found, total, misses, false_hits = measure(matcher, probes, clean)
    print(f"held-out list: {args.heldout_list.name}, {len(heldout.entries)} entries")
    title = "HELD-OUT variants (first set, tuned on since):"
    report(title, found, total, len(false_hits), len(clean), "heldout1")
    initialled(matcher, clean)
    return misses, false_hits


def hand_written(
    args: argparse.Namespace, union: SanctionsList, probes: list[Probe], seed: int, title: str
) -> tuple[Misses, FalseHits]:
    """One hand-written set against its lists as one, with set 2's ordinary names as clean."""
    matcher = NameMatcher(union, MatchSettings(threshold=args.threshold))
    rng = random.Random(args.seed + seed)
    clean = screening_heldout2.population(args.clean, listed_token_sets(union), rng)
    found, total, misses, false_hits = measure(matcher, probes, clean)
    print(f"{union.source} lists: {len(union.entries)} entries")
    report(title, found, total, len(false_hits), len(clean), f"heldout{seed}")
    initialled(matcher, clean)
    return misses, false_hits


def with_clean(
    args: argparse.Namespace, module: HandWrittenSet, number: int, title: str
) -> tuple[Misses, FalseHits]:
    """A set with its own look-alike ordinary names (the eleventh on): totals per kind, false
    hits on the generated population and on its own hand-written ordinary names, and the list's
    load. Returns its misses and look-alike false hits, which only a set tuned on may show."""
    union = module.lists()
    tracemalloc.start()
    started = time.perf_counter()
    NameMatcher(union, MatchSettings(threshold=args.threshold))
    built = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"held-out {number} lists ({len(union.entries)} entries): matcher built in {built:.2f} s "
        f"(traced), peak {peak / 2**20:.1f} MiB"
    )
    misses, _ = hand_written(args, union, module.probes(), number, title)
    matcher = NameMatcher(union, MatchSettings(threshold=args.threshold))
    clean = module.clean_names()
    false_hits: FalseHits = []
    for name in clean:
        hit = matcher.screen(name)
        if hit is not None:
            false_hits.append((name, hit))
    share = 100 * len(false_hits) / len(clean)
    FIGURES[f"heldout{number}.lookalikes_percent"] = share
    print(
        f"  false hits on its own ordinary names: {len(false_hits)} / {len(clean)} = {share:.2f} %"
    )
    return misses, false_hits


def show(label: str, misses: Misses, false_hits: FalseHits) -> None:
    for kind, text, uid, best in misses:
        print(f"MISS{label} {kind}: {text!r} (uid {uid}) best={best}")
    for name, hit in false_hits:
        print(f"FALSE HIT{label}: {name!r} -> {hit}")


def main() -> None:
    args = arguments()
    probes, clean, misses, false_hits = tuned_set(args)
    shown = [("", misses, false_hits)]
    shown.append((" (first held-out)", *first_heldout(args, {uid for uid, _, _ in probes})))
    tuned_on = (
        (screening_heldout2, "second", "SECOND HELD-OUT variants (hand-written, tuned on since):"),
        (screening_heldout3, "third", "THIRD HELD-OUT variants (hand-written, tuned on since):"),
        (screening_heldout4, "fourth", "FOURTH HELD-OUT variants (hand-written, tuned on since):"),
        (screening_heldout5, "fifth", "FIFTH HELD-OUT variants (hand-written, tuned on since):"),
        (screening_heldout6, "sixth", "SIXTH HELD-OUT variants (hand-written, tuned on since):"),
        (
            screening_heldout7,
            "seventh",
            "SEVENTH HELD-OUT variants (hand-written, tuned on since):",
        ),
        (screening_heldout8, "eighth", "EIGHTH HELD-OUT variants (hand-written, tuned on since):"),
        (screening_heldout9, "ninth", "NINTH HELD-OUT variants (hand-written, tuned on since):"),
    )
    for seed, (module, name, title) in enumerate(tuned_on, start=2):
        found = hand_written(args, module.lists(), module.probes(), seed, title)
        shown.append((f" ({name} held-out)", *found))
    if not args.no_heldout10:
        # Only the totals per kind: this set's misses are never printed (see its module).
        hand_written(
            args,
            screening_heldout10.lists(),
            screening_heldout10.probes(),
            10,
            "NEW HELD-OUT variants (tenth set, hand-written, never tuned on):",
        )

    tuned_with_clean = (
        (args.no_heldout11, screening_heldout11, 11, "eleventh", "the eleventh round"),
        (args.no_heldout12, screening_heldout12, 12, "twelfth", "the thirteenth round"),
        (args.no_heldout13, screening_heldout13, 13, "thirteenth", "the fourteenth round"),
        (args.no_heldout14, screening_heldout14, 14, "fourteenth", "the fifteenth round"),
        (args.no_heldout15, screening_heldout15, 15, "fifteenth", "the sixteenth round"),
    )
    for skipped, module, number, name, since in tuned_with_clean:
        if not skipped:
            title = f"{name.upper()} HELD-OUT variants (hand-written, tuned on since {since}):"
            shown.append((f" ({name} held-out)", *with_clean(args, module, number, title)))

    if args.cli_names:
        lines, wall = cli_speed(args.list, clean + [text for _, _, text in probes], args.cli_names)
        print(
            f"onramp screen names, {lines} names incl. start-up: {wall:.2f} s = "
            f"{lines / wall:,.0f} names/s"
        )
        FIGURES["cli.names_per_second"] = lines / wall
    if args.record:
        record.write("screening", FIGURES)
    if args.show_misses:
        for label, set_misses, set_false in shown:
            show(label, set_misses, set_false)


if __name__ == "__main__":
    main()
