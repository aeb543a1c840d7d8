"""Chinese names in Pinyin and in Wade-Giles read back to one key, a short word's qaf written q
or gh, "Ameer" as the title "Amir" and Somali spelling (issue 14 §4, ninth round), with names
made up for the test: neither the tuning sets' nor the held-out sets' variants."""

from __future__ import annotations

import pytest

from onramp.compliance.lists import EntryType, ListEntry, SanctionsList
from onramp.compliance.matcher import NameMatcher
from onramp.compliance.matching.chinese import chinese_keys
from onramp.compliance.matching.pairs import NEAR, pair
from onramp.compliance.matching.somali import somali_reading
from onramp.compliance.normalise import name_tokens


def _one_person(name: str) -> NameMatcher:
    entry = ListEntry(uid="1", list_name="test", entry_type=EntryType.INDIVIDUAL, primary_name=name)
    return NameMatcher(SanctionsList(source="test", format="test", issued=None, entries=(entry,)))


@pytest.mark.parametrize(
    ("pinyin", "wade"),
    [
        ("zhang", "chang"),  # zh as Wade-Giles ch
        ("zhou", "chou"),
        ("jianguo", "chienkuo"),  # j ch, ian ien, g k: a given name of two syllables as one word
        ("xiaoping", "hsiaoping"),  # x hs
        ("qing", "ching"),  # q ch'
        ("zhi", "chih"),
        ("rong", "jung"),  # r j, ong ung
        ("xue", "hsueh"),
        ("zi", "tzu"),
        ("si", "ssu"),
        ("bao", "pao"),
        ("de", "te"),
        ("ge", "ko"),
        ("guo", "kuo"),
        ("luo", "lo"),
    ],
)
def test_pinyin_and_wade_giles_share_a_key(pinyin: str, wade: str) -> None:
    assert chinese_keys(pinyin) & chinese_keys(wade)


@pytest.mark.parametrize(
    ("word", "other"),
    [("zhang", "zheng"), ("wang", "huang"), ("li", "lin"), ("jianguo", "jianhua")],
)
def test_chinese_keys_keep_other_names_apart(word: str, other: str) -> None:
    assert not chinese_keys(word) & chinese_keys(other)


@pytest.mark.parametrize("word", ["smith", "garcia", "kristina", "abdelrahman", "zhangxiaoping"])
def test_words_of_other_languages_and_three_syllables_have_no_chinese_key(word: str) -> None:
    assert not chinese_keys(word)


@pytest.mark.parametrize(
    ("listed", "written"),
    [
        ("ZHOU, Jianguo", "Chou Chien-kuo"),  # the list in Pinyin, the customer in Wade-Giles
        ("ZHOU, Jianguo", "Chou Chienkuo"),
        ("CHOU, Chien-Kuo", "Zhou Jianguo"),  # and the other way round
        ("XU, Xiaoping", "Hsu Hsiao-ping"),
    ],
)
def test_a_chinese_name_in_the_other_system_hits(listed: str, written: str) -> None:
    hit = _one_person(listed).screen(written)
    assert hit is not None
    assert hit.score >= 90


@pytest.mark.parametrize(
    ("listed", "written"),
    [("ZHOU, Jianguo", "Chou Chien-hua"), ("XU, Xiaoping", "Hsu Hsiao-ming")],
)
def test_another_given_name_in_the_other_system_is_clear(listed: str, written: str) -> None:
    assert _one_person(listed).screen(written) is None


@pytest.mark.parametrize(("written", "other"), [("aka", "aga"), ("bak", "bag")])
def test_a_short_word_with_qaf_written_gh_is_near(written: str, other: str) -> None:
    assert pair(written, other, 80.0) == NEAR


@pytest.mark.parametrize(("written", "other"), [("aka", "ala"), ("kan", "gin")])
def test_other_short_words_pair_only_when_equal(written: str, other: str) -> None:
    assert pair(written, other, 80.0) == 0.0


def test_a_persian_title_written_with_q_hits_the_list_s_gh() -> None:
    hit = _one_person("AGHA-SOLTANI, Karim").screen("Karim Aqa-Soltani")
    assert hit is not None


def test_ameer_is_the_title_amir_as_the_list_drops_it() -> None:
    assert name_tokens("Ameer Nasiri") == name_tokens("Amir Nasiri")
    hit = _one_person("NASIRI, Amir").screen("Ameer Naseeri")
    assert hit is not None


@pytest.mark.parametrize(
    ("somali", "listed"),
    [("cumar", "umar"), ("xasan", "hasan"), ("faarax", "farah"), ("cabdiraxmaan", "abdirahman")],
)
def test_somali_spelling_reads_as_the_arabic_transliteration(somali: str, listed: str) -> None:
    assert somali_reading(somali) == name_tokens(listed)[0]


@pytest.mark.parametrize("word", ["smith", "chen", "maria", "xu", "cai"])
def test_words_without_somali_letters_or_too_short_a_reading_have_none(word: str) -> None:
    assert somali_reading(word) == ""


def test_a_somali_customer_hits_the_list_s_transliteration() -> None:
    hit = _one_person("WARSAME, Umar Hasan").screen("Cumar Xasan Warsame")
    assert hit is not None
    assert _one_person("WARSAME, Umar Hasan").screen("Carlos Warsame") is None


def test_two_letters_alike_are_no_aligned_word_for_initials() -> None:
    entries = (
        ListEntry(
            uid="1", list_name="t", entry_type=EntryType.INDIVIDUAL, primary_name="DURAN, W.K."
        ),
        ListEntry(
            uid="2",
            list_name="t",
            entry_type=EntryType.INDIVIDUAL,
            primary_name="KORNILOV, Denis Viktorovich",
        ),
    )
    matcher = NameMatcher(SanctionsList(source="t", format="t", issued=None, entries=entries))
    hit = matcher.best("D. V. Kornilov")
    assert hit is not None
    assert hit.entry_uid == "2"
    assert _one_person("DURAN, W.K.").screen("D. V. Kornilov") is None
