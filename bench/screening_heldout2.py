"""The NEW held-out set of ``bench/screening.py`` (issue 14 §4, second pass).

Written by hand before the second round of matcher changes, from 173 individuals of the legacy
SDN CSV that neither the tuned set nor the first held-out set uses
(``tests/data/ofac/sdn_heldout2_excerpt.csv``, its source in ``tests/data/SOURCES.md``). Each
variant in ``screening_heldout2.csv`` is a way people actually write that person's name: pinyin
and Korean given names split into syllables or joined, ``D'Agostino`` / ``Al-`` / ``El`` /
``bin`` / ``del`` written apart, together or left out, middle names reduced to initials or
dropped (and Spanish second surnames dropped), and Arabic, Persian and Russian names as English,
French and German writers and the press spell them (Mohammed / Muhammad / Mohamad, Abdel /
Abd al / Abdul, Hussein / Husain, -ov / -off / -ow, Sergei / Sergey / Serguei, Yulia / Julia /
Iuliia, ...).

Screened against all three list files at once (this excerpt, the XML sample, the 2024 CSV
sample: 707 entries), so a variant must find its own person among more names. The clean
population is built from name lists of its own (below), with more Arabic, Persian, Russian,
Chinese and Korean names than the tuned population, because those are where false hits come
from.

Rule: neither the matcher's tuning nor the unit tests look at these variants or their misses;
``bench/screening.py`` prints only their totals per kind. Change this file only to fix a
variant that is not a real way to write the name, never to make a miss go away.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

from onramp.compliance.lists import SanctionsList, load_list
from onramp.compliance.normalise import name_tokens

ROOT = Path(__file__).resolve().parents[1]
VARIANTS = Path(__file__).resolve().parent / "screening_heldout2.csv"
LISTS = (
    ROOT / "tests/data/ofac/sdn_heldout2_excerpt.csv",
    ROOT / "tests/data/ofac/sdn_advanced_subset.xml",
    ROOT / "tests/data/ofac/sdn_2024-05-03_subset.csv",
)

FIRST = (
    "Oliver Charlotte Henry Amelia George Olivia Harry Isla Jack Ava Noah Mia Leo Grace Arthur "
    "Freya Felix Hannah Maximilian Marie Paul Sophie Elias Lena Matteo Giorgia Lorenzo Francesca "
    "Diego Valentina Mateo Camila Santiago Isabella Hugo Manon Jules Ines Adam Lina Youssef Salma "
    "Karim Nadia Samir Rania Walid Dina Khaled Hala Ali Reza Mehdi Parisa Hossein Maryam Ahmed "
    "Mona Hassan Sara Ibrahim Leila Mustafa Amira Bilal Huda Ruslan Anastasia Dmitri Ekaterina "
    "Andrei Svetlana Sergei Yulia Alexei Marina Nikolai Ksenia Mikhail Daria Viktor Polina Wei "
    "Xiaoling Hao Jing Yong Fang Lei Yan Ming Hui Jae-hyun Soo-jin Dong-hyun Min-ji Sung-ho "
    "Eun-ji Takumi Haruka Ren Aoi Arjun Ananya Rohan Diya Vikram Meera Chidi Adaeze Kwabena "
    "Akosua Juma Wanjiru Tiago Mariana Rafael Leticia Bartosz Zofia Ondrej Tereza Bence Reka"
).split()
LAST = (
    "Roberts Evans Hughes Edwards Green Hall Wood Turner Baker Carter Phillips Mitchell Koch "
    "Richter Klein Wolf Schroeder Neumann Schwarz Zimmermann Girard Bonnet Dupont Lambert Fontaine "
    "Rousseau Colombo Ricci Marino Greco Bruno Gallo Conti Navarro Torres Ramirez Flores Rivera "
    "Gomez Diaz Morales Ortiz Castillo Jimenez Ruiz Alvarez Mendoza Herrera Medina Aguilar Vega "
    "Khalil Hamdi Sabri Jaber Qasim Ayoub Mahmoud Najjar Darwish Hariri Tahan Shami Bakri Habib "
    "Rostami Moradi Jafari Hosseini Rezaei Mousavi Sadeghi Tehrani Volkov Sokolov Lebedev Kozlov "
    "Novikov Morozov Pavlov Fedorov Orlov Zaitsev Vasiliev Belov Komarov Tarasov Zhou Wu Xu Sun Ma "
    "Zhu Hu Guo He Lin Luo Song Jung Kang Cho Yoon Jang Lim Han Shin Seo Kwon Watanabe Ito "
    "Yamamoto Nakamura Kobayashi Iyer Nair Menon Joshi Mehta Desai Okonkwo Adeyemi Owusu Asante "
    "Kamau Ochieng Nowicki Lewandowski Dvorak Svoboda Szabo Toth Lindqvist Berg Korhonen Lahti"
).split()


def merged(paths: tuple[Path, ...], source: str) -> SanctionsList:
    """Several list files as one list (a variant must find its person among all of them)."""
    loaded = [load_list(path) for path in paths]
    return SanctionsList(
        source=source,
        format=loaded[0].format,
        issued=None,
        entries=tuple(entry for one in loaded for entry in one.entries),
    )


def read_probes(path: Path) -> list[tuple[str, str, str]]:
    """(list uid, kind, variant) of every hand-written variant in a ``uid,kind,variant`` CSV."""
    with path.open(encoding="utf-8", newline="") as source:
        return [(row["uid"], row["kind"], row["variant"]) for row in csv.DictReader(source)]


def lists() -> SanctionsList:
    """The three list files as one list."""
    return merged(LISTS, "held-out 2")


def probes() -> list[tuple[str, str, str]]:
    """(list uid, kind, variant) of every hand-written variant."""
    return read_probes(VARIANTS)


def population(size: int, listed: set[frozenset[str]], rng: random.Random) -> list[str]:
    """Ordinary names from this module's own lists: first (sometimes a second given name), last.
    A name whose words are exactly a listed name's is dropped, so every hit on one is false."""
    names: set[str] = set()
    while len(names) < size:
        parts = [rng.choice(FIRST)]
        if rng.random() < 0.25:
            parts.append(rng.choice(FIRST))
        parts.append(rng.choice(LAST))
        name = " ".join(parts)
        if frozenset(name_tokens(name)) not in listed:
            names.add(name)
    return sorted(names)


__all__ = ["lists", "population", "probes"]
