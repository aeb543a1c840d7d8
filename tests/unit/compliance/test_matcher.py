"""Name and address matching against the real SDN sample."""

from __future__ import annotations

from pathlib import Path

import pytest

from onramp.compliance.lists import EntryType, ListEntry, SanctionsList, load_list
from onramp.compliance.lists.model import Alias
from onramp.compliance.matcher import AddressMatcher, NameMatcher
from onramp.compliance.matching.keys import loose_keys
from onramp.compliance.matching.learned import learn_equivalents
from onramp.compliance.matching.settings import MatchSettings
from onramp.compliance.normalise import name_form, name_tokens

DATA = Path(__file__).resolve().parents[2] / "data" / "ofac"


@pytest.fixture(scope="module")
def sdn() -> SanctionsList:
    return load_list(DATA / "sdn_advanced_subset.xml")


@pytest.fixture(scope="module")
def matcher(sdn: SanctionsList) -> NameMatcher:
    return NameMatcher(sdn)


def test_normalisation() -> None:
    assert name_tokens("Sheikh Mohammed AL-HASSAN") == name_tokens("muhammad al hasan")
    assert name_tokens("Hernández, José") == ("hernandez", "jose")
    assert name_tokens("As'ad, Hani") == ("asad", "hani")
    assert name_tokens("Dr. Yevgeniy Khoroshev") == name_tokens("Evgeny Horoshev")
    assert name_tokens("  ,.- ") == ()


@pytest.mark.parametrize(
    "name",
    [
        "Roman Semenov",  # word order
        "SEMENOV, Roman",
        "Roman Semenow",  # German spelling (w for v)
        "Roman Semenuv",  # one-letter typo
        "Mr. Román Seménov",  # accents and honorific
        "Roman Igorevich Semenov",  # an extra patronymic
    ],
)
def test_semenov_variants_hit(matcher: NameMatcher, name: str) -> None:
    hit = matcher.screen(name)
    assert hit is not None
    assert hit.entry_uid == "44718"
    assert hit.entry_name == "Semenov, Roman"
    assert hit.score >= matcher.settings.threshold
    assert hit.reason.startswith("name ")


def test_alias_hit_names_the_alias(matcher: NameMatcher) -> None:
    hit = matcher.screen("Mohamed Zaidan")  # transliteration of the alias ZAYDAN, Muhammad
    assert hit is not None
    assert hit.entry_uid == "2674"
    assert hit.matched_name == "ZAYDAN, Muhammad"
    assert "(alias)" in hit.reason


def test_weak_single_word_aliases_are_not_screened(matcher: NameMatcher) -> None:
    assert matcher.screen("Roma") is None  # a weak a.k.a. of Semenov
    assert matcher.screen("Poma") is None


@pytest.mark.parametrize("name", ["John Smith", "Maria Garcia", "Muhammad Khan", "Omar Fernandez"])
def test_ordinary_names_are_clear(matcher: NameMatcher, name: str) -> None:
    assert matcher.screen(name) is None


def test_date_of_birth_and_country_move_the_score(matcher: NameMatcher) -> None:
    plain = matcher.best("Roman Semenuv")
    same = matcher.best("Roman Semenuv", date_of_birth="1987-11-08", country="Russia")
    other = matcher.best("Roman Semenuv", date_of_birth="1960-01-01")
    assert plain is not None
    assert same is not None
    assert other is not None
    assert same.score > plain.score > other.score
    assert "same date of birth" in same.reason
    assert "same country" in same.reason
    assert "different date of birth" in other.reason
    assert matcher.screen("Roman Semenuv", date_of_birth="1960-01-01") is None


def test_threshold_is_configurable(sdn: SanctionsList) -> None:
    strict = NameMatcher(sdn, MatchSettings(threshold=99.0))
    assert strict.screen("Roman Semenuv") is None
    assert strict.screen("Roman Semenov") is not None


def test_address_matching_ignores_checksum_case(sdn: SanctionsList) -> None:
    addresses = AddressMatcher(sdn)
    hits = addresses.screen("0xDCBEFFBECCE100CCE9E4B153C4E15CB885643193")
    assert [(h.entry_uid, h.currency) for h in hits] == [("44718", "ETH")]
    assert hits[0].address == "0xdcbEfFBECcE100cCE9E4b153C4e15cB885643193"
    assert addresses.screen("0x0000000000000000000000000000000000000000") == []


def test_tornado_cash_addresses_are_clear_today(sdn: SanctionsList) -> None:
    tornado = load_list(DATA / "sdn_advanced_tornado_cash_2025-03-04.xml")
    today = AddressMatcher(sdn)
    then = AddressMatcher(tornado)
    address = tornado.entries[0].addresses[0].address
    assert then.screen(address)[0].entry_name == "TORNADO CASH"
    assert today.screen(address) == []


@pytest.mark.parametrize(
    ("name", "uid"),
    [
        ("Choe Chunyong", "21747"),  # given names written as one word
        ("Chun Yong Choe", "21747"),
        ("Abdullah Alsenussi", "12635"),  # the article written onto the surname
        ("Alex A. M. Peijnenburg", "39585"),  # middle names as initials
        ("Alex A M Peijnenburg", "39585"),
    ],
)
def test_names_as_people_write_them_hit(matcher: NameMatcher, name: str, uid: str) -> None:
    hit = matcher.screen(name)
    assert hit is not None
    assert hit.entry_uid == uid


def test_an_initial_alone_does_not_make_a_name_close(matcher: NameMatcher) -> None:
    # One shared surname and an initial that is not the first given name's ("Alex").
    assert matcher.screen("J. Peijnenburg") is None


@pytest.mark.parametrize(
    ("name", "uid"),
    [
        ("Sadiq Sayyed", "55447"),  # two middle names left out: Sayyed, Sadiq Abbas Habib
        ("Talib Al-Rawi", "32177"),  # three: Al-Rawi, Talib 'Ali Husayn Al-Ahmad
        ("Yongil Ho", "23000"),  # Ho, Yong Il: given names written as one word
        ("Ali Reza Derakhshan", "55484"),  # DERAKHSHAN, Alireza: one given name as two
        ("Ali-Reza Derakhshan", "55484"),
    ],
)
def test_left_out_middle_names_and_joined_words_hit(
    matcher: NameMatcher, name: str, uid: str
) -> None:
    hit = matcher.screen(name)
    assert hit is not None
    assert hit.entry_uid == uid


def test_a_left_out_surname_word_costs_more_than_a_middle_name(matcher: NameMatcher) -> None:
    # Prieto Fernandez, Omar Jose: the middle name and one surname word left out is a common
    # name, not him; the middle name alone left out is still him.
    omar = matcher.best("Omar Fernandez")
    assert omar is not None
    assert omar.score < matcher.settings.threshold
    assert matcher.screen("Omar Prieto Fernandez") is not None


def _one_person(*names: str) -> NameMatcher:
    entries = tuple(
        ListEntry(uid=str(i), list_name="test", entry_type=EntryType.INDIVIDUAL, primary_name=name)
        for i, name in enumerate(names, start=1)
    )
    return NameMatcher(SanctionsList(source="test", format="test", issued=None, entries=entries))


@pytest.mark.parametrize(
    ("listed", "written"),
    [
        ("HAMANI, Hamid", "Hamed Hamane"),  # vowels differ: Arabic writes short vowels rarely
        ("KHAN, Abid Ali", "Abed Eli Khan"),  # also in three-letter words
        ("BIN LADEN, Sa'ad", "Bin Laden Sa 'ad"),  # "ad" ends the name: a word, not an article
        ("LEBEDEV, Vladimir Albertovich", "Wladimir Albertowitsch Lebedew"),  # German spelling
        ("SAVCHENKO, Svetlana", "Svetlana Sawtschenko"),
        ("SHPEROV, Pavel", "Pavel Shperoff"),  # French and old English -off
        ("AL-ALI, Hamid", "Hamid Alali"),  # the article written onto a short name
        ("KIM, Se Gon", "Segon Kim"),  # Korean given names as one word
        ("LI, Fangwei", "Fang Wei Li"),  # pinyin syllables written apart
        ("ORTEGA DEL CAMPO, Luis", "Luis Ortega Delcampo"),  # a particle written onto a word
        ("BINZAYED, Hamdan", "Hamdan Bin Zayed"),  # and apart where the list joins it
        ("ZAHIR, Abdelilah", "Abd al-Ilah Zahir"),  # a compound, not a typo of "Abdallah"
        ("AL-AHDAL, Omar Faysal", "Omar Faysal Alahdal"),  # "Ahdal" is no Abdul
        ("HAWSAWI, Mustafa", "Mustafa Housawi"),  # Arabic aw, French ou
        ("NASREDDINE, Karim", "Karim Nasreddin"),  # the French silent final e
        ("SADEGHI, Reza", "Reza Sadeqi"),  # Persian gh and q are one letter
        ("LAZAREVA, Yulia", "Julia Lazareva"),  # German and Dutch J for Russian Yu
    ],
)
def test_spellings_people_use_hit(listed: str, written: str) -> None:
    hit = _one_person(listed).screen(written)
    assert hit is not None, written
    assert hit.entry_name == listed


@pytest.mark.parametrize(
    ("listed", "written"),
    [
        ("WILSON, William", "Jonas William Wilson"),  # an extra first name is another person
        ("AHMED, Kamal", "Hamed Kamal"),  # Hamed is not a spelling of Ahmed (one swap apart)
        ("KIM, Se Gon", "Kim Segun Park"),
        ("ALAQAD, Ahmed", "Ahmad Aghada"),  # g/k only between words of one length
    ],
)
def test_near_but_other_names_are_clear(listed: str, written: str) -> None:
    assert _one_person(listed).screen(written) is None


def test_a_batch_meets_the_same_words_again_with_the_same_result(matcher: NameMatcher) -> None:
    # Screened words are remembered between names: the second answer is the first.
    first = matcher.best("Roman Semenuv")
    again = matcher.best("Roman Semenuv")
    assert first == again
    assert first is not None
    assert first.entry_uid == "44718"


# The mechanisms of issue 14 §4's fourth round, each with names of the tuning sets (the third
# held-out set is tuning data since that round; the fourth is never used here).


@pytest.mark.parametrize(
    ("word", "spelled"),
    [
        ("Kuznetsov", "Kusnezow"),  # German z and w for Russian ts and v
        ("Artem", "Artjom"),  # German j for y, and the vowels
        ("Sharif", "Cherif"),  # French ch for sh
        ("Belkassem", "Belgacem"),  # Maghreb g for q, French c for s
        ("Mikhail", "Michail"),  # German ch for kh
        ("Salameh", "Salama"),  # the Arabic final -eh
        ("Awda", "Odeh"),  # four letters; aw before a consonant is the diphthong o
    ],
)
def test_transliteration_keys_meet(word: str, spelled: str) -> None:
    assert loose_keys(name_tokens(word)[0]) & loose_keys(name_tokens(spelled)[0])


@pytest.mark.parametrize(
    ("word", "other"),
    [("Ahmed", "Hamed"), ("Alaqad", "Aghada"), ("Ali", "Eli")],  # another name, or too short
)
def test_transliteration_keys_keep_other_names_apart(word: str, other: str) -> None:
    assert not loose_keys(name_tokens(word)[0]) & loose_keys(name_tokens(other)[0])


def test_aliases_teach_equivalent_words() -> None:
    naumau = ListEntry(
        uid="1",
        list_name="test",
        entry_type=EntryType.INDIVIDUAL,
        primary_name="NAUMAU, Uladzislau Uladzimiravich",
        aliases=(Alias("NAUMOV, Vladislav Vladimirovich"),),
    )
    names = [name_form(naumau.primary_name), name_form(naumau.aliases[0].name)]
    learned = learn_equivalents([names])
    assert name_tokens("Vladislav")[0] in learned[name_tokens("Uladzislau")[0]]
    lebedev = ListEntry(
        uid="2",
        list_name="test",
        entry_type=EntryType.INDIVIDUAL,
        primary_name="LEBEDEV, Vladislav Albertovich",
    )
    matcher = NameMatcher(
        SanctionsList(source="test", format="test", issued=None, entries=(naumau, lebedev))
    )
    # What Naumau's alias says about Uladzislau holds for Lebedev's Vladislav too.
    hit = matcher.screen("Uladzislau Lebedev")  # 87 without the table: clear
    assert hit is not None
    assert hit.entry_uid == "2"


@pytest.mark.parametrize(
    ("listed", "written"),
    [
        ("HAMMAM, Yahya Abu", "Yahya Abuhammam"),  # joined in natural order, across the comma
        ("OO, Saw Myint", "Saw Myintoo"),
        ("AL-MASHHADANI, Saif-al-Din", "Saifuddin Al Mashhadani"),  # al- read before a sun letter
        ("KUZNETSOV, Artem", "Artjom Kusnezow"),  # transliteration keys
        ("BEN ABDELHAKIM, Cherif Said", "Sharif Said Ben Abdul Hakim"),
        ("DROGANOV, Aleksey O.", "Alexei Olegovich Droganov"),  # the initial stands for a word
        ("GALIN, Dmitrii Vladimirovich", "D. V. Galin"),  # two initials and a surname
        ("ARROYAVE RUIZ, Elkin Alberto", "Elkin Arroyave"),  # the second surname left out
        ("LVOVA-BELOVA, Maria Alexeyevna", "Maria Belova"),  # either half of a hyphenated one
        ("KHIMINA, Yelena", "Elena Khimina"),  # "El" of Elena is no article
    ],
)
def test_fourth_round_mechanisms_hit(listed: str, written: str) -> None:
    hit = _one_person(listed).screen(written)
    assert hit is not None, written
    assert hit.entry_name == listed


@pytest.mark.parametrize(
    ("listed", "written"),
    [
        # A middle name's initial and the surname is not him (since the eighth round "D. Galin"
        # is: the first given name's initial, ``matching/reduced.py``).
        ("GALIN, Dmitrii Vladimirovich", "V. Galin"),
        ("PRIETO FERNANDEZ, Omar Jose", "Jose Fernandez"),  # the first surname left out
    ],
)
def test_fourth_round_mechanisms_keep_their_limits(listed: str, written: str) -> None:
    assert _one_person(listed).screen(written) is None


def test_half_of_a_hyphenated_given_name_is_no_middle_name() -> None:
    # Fifth round, a name of the fourth set (tuning data since): "Dong" is half of "Dong-chol",
    # so leaving it out of "KIM, Chol" is not a dropped middle name (3) but a word too many.
    assert not name_form("Kim Dong-chol").middles
    assert not name_form("KIM, Tong-chol").middles
    assert name_form("Dr. Ali Hassan Mohammed").middles == {1}
    hit = _one_person("KIM, Tong-chol", "KIM, Chol").screen("Kim Dong-chol")
    assert hit is not None
    assert hit.entry_name == "KIM, Tong-chol"
