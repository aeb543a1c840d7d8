"""Spellings of common given names that no letter rule reads as one: each family's canonical
spelling and its variants (``normalise.canonical_token`` maps every variant to the canonical)."""

from __future__ import annotations

VARIANTS: dict[str, list[str]] = {
    "muhammad": (
        "mohammed mohammad mohamed mohamad muhammed muhamed muhamad mohammod mohd "
        "mehmet mahomed mouhamed mohamud"
    ).split(),
    "ahmad": ("ahmed ahmet achmed akhmed").split(),
    "husayn": ("hussein hussain husain hossein hosein husein huseyin").split(),
    "hasan": ("hassan hasson").split(),
    "abd": ("abdul abdel abdal abdol abdu").split(),
    "abdullah": ("abdallah abdulla abdollah").split(),
    "usama": ("osama ousama").split(),
    "umar": ("omar omer").split(),
    "yusuf": ("yousef youssef yousif yusef yousuf").split(),
    "mahmud": ("mahmoud mahmood mehmood").split(),
    "mustafa": ("mostafa moustafa mustapha").split(),
    "ibrahim": ("ebrahim ibraheem").split(),
    "khalid": ("khaled").split(),
    "sergei": ("sergey sergej serguei").split(),
    "yuri": ("yury yuriy iurii yurii").split(),
    "aleksandr": ("alexander aleksander alexandr oleksandr").split(),
    "aleksei": ("alexei alexey aleksey oleksii").split(),
    "dmitri": ("dmitry dmitriy dmytro").split(),
    "andrei": ("andrey andriy").split(),
    "nikolai": ("nikolay mykola").split(),
    "vladimir": ("volodymyr volodimir").split(),  # the Ukrainian form
    "evgeni": ("yevgeny yevgeniy evgeny evgeniy yevgeni").split(),
    # German and Dutch writers spell Russian ю with a J ("Julia Lasutkina").
    "yulia": ("julia yuliya iuliia iulia juliya julija").split(),
}
# Russian given names in their Ukrainian and Belarusian forms as those countries' passports
# write them ("Siarhei", "Serhiy"; "Uladzimir"; "Yauhen", "Yevhen"; "Volha"): one name in three
# languages, which no spelling rule reads as one. Whole words only, never one letter off: "Arkem"
# is not "Artem".
NATIONAL_FORMS: dict[str, list[str]] = {
    "sergei": "siarhei siarhey serhiy serhii serhij".split(),
    "yuri": "iury".split(),
    "aleksandr": "aliaksandr alyaksandr".split(),
    "aleksei": "oleksiy aliaksei aliaksey alyaksei".split(),
    "dmitri": "dzmitry dzmitri dzmitryi".split(),
    "andrei": "andrii andrej".split(),
    "nikolai": "mikalai mikalay nikolaj".split(),
    "vladimir": "uladzimir uladzimer wladimir".split(),
    "evgeni": "yauhen yauheni yevhen yevhenii yevheniy evhen".split(),
    "igor": "ihar ihor".split(),
    "oleg": "aleh oleh".split(),
    "olga": "volha olha".split(),
    "leonid": "leanid".split(),
    "gennadi": "gennady gennadiy genadz hienadz henadz hennadiy hennadii".split(),
    "konstantin": "kanstantsin kostiantyn kostyantyn".split(),
    "viktor": "viktar victor".split(),
    "anatoli": "anatoly anatoliy anatolii anatolij anatol".split(),
    "mikhail": "michail mikhas mykhailo mikhailo".split(),
    "pavel": "paval pavlo".split(),
    "petr": "pyotr piotr petro piatro".split(),
    "vasili": "vasily vasiliy vasilii vasil vasyl".split(),
    "grigori": "grigory grigoriy grigorii ryhor hryhoriy hryhorii".split(),
    "artem": "artyom artiom artjom artsiom".split(),
    "valeri": "valery valeriy valerii".split(),
    "vyacheslav": "viacheslav viachaslau vyachaslau".split(),
    "stanislav": "stanislau".split(),
    "yaroslav": "yaraslau".split(),
    "natalya": "natalia nataliya natallia".split(),
    "tatyana": "tatiana tatsiana tetiana".split(),
    "svetlana": "sviatlana".split(),
    "gleb": "hleb".split(),
    "kirill": "kiryl kyrylo".split(),
    # Catalan forms of Spanish given names, as Catalans write theirs and Spanish papers print
    # them ("Pere" / "Pedro", "Jordi" / "Jorge"); not Joan, which is also an English name.
    "pedro": "pere".split(),
    "jorge": "jordi".split(),
    "jose": "josep".split(),
    "francisco": "francesc".split(),
    "luis": "lluis".split(),
    "miguel": "miquel".split(),
    "antonio": "antoni".split(),
    "joaquin": "joaquim".split(),
    "jaime": "jaume".split(),
    "enrique": "enric".split(),
}

# Arabic names with the emphatic d (dad), the emphatic z (za) or dh (dhal) as Persian, Urdu,
# Turkish and Chechen speakers say and write them, with z, and as Arabic transliterations write
# them, with d or dh ("Ramadan" / "Ramazan" / "Ramezan", "Kadhim" / "Kazem"): one name, which no
# letter rule may read as one (d and z are other letters in every other name). Whole words only,
# read as one name by ``matching/families.py``. Not Rida / Reza: Reza is what Iranian lists
# write, and its spellings pair by their vowels ("Reze", "Raza").
EMPHATIC_Z_FORMS: dict[str, list[str]] = {
    "ramadan": "ramadhan ramazan ramezan ramzan".split(),
    "murtada": "murtadha murtaza mortaza morteza mortada".split(),
    "ridwan": "ridhwan rizwan rezvan rezwan".split(),
    "fadil": "fadel fazil fazel".split(),
    "zafir": "dhafir dhafer zafer".split(),
    "kazim": "kadhim kadhem kazem".split(),
    "nazim": "nadhim nadhem nazem".split(),
    "hafiz": "hafidh hafez".split(),
    "qadi": "qazi".split(),
    "diya": "dhiya zia ziya".split(),
}
# Greek given names in the everyday forms Greeks go by and write on forms, beside the formal
# ones of passports and lists ("Kostas" / "Konstantinos", "Giorgos" / "Georgios", "Nikos" /
# "Nikolaos"). Whole words only, read as one name by ``matching/families.py``.
GREEK_FORMS: dict[str, list[str]] = {
    "konstantinos": "kostas costas kostis constantinos konstandinos".split(),
    "georgios": "giorgos yiorgos yorgos".split(),
    "ioannis": "giannis yiannis yannis".split(),
    "dimitrios": "dimitris demetrios".split(),
    "nikolaos": "nikos".split(),
    "panagiotis": "panos".split(),
    "vasileios": "vasilis vassilis".split(),
    "athanasios": "thanasis".split(),
    "evangelos": "vangelis".split(),
    "emmanouil": "manolis".split(),
    "spyridon": "spyros".split(),
    "anastasios": "tasos".split(),
}

# Titles written before a name, dropped as words of their own (the spellings of one title too:
# "Maulvi", "Maulawi", "Mawlawi", "Moulvi" are one Afghan and Pakistani title).
HONORIFICS = frozenset(
    "mr mrs ms miss mister dr doctor prof sir lord lady madam sheikh shaikh sheik shaykh "
    "haji hajji hadji hajj mullah mulla maulana maulvi maulawi mawlawi moulvi molvi imam "
    "emir amir ameer general gen colonel col major maj captain capt lt".split()
)
# Titles that are given names as often ("Amir Ali Chaudhary" / "CHAUDHRY, Aamir Ali"): kept as
# words, which cost what a middle name does when the other side leaves them out
# (``normalise._titles``).
NAME_TITLES = frozenset(("amir", "ameer", "emir"))
# Burmese names have no surname and are written with an honorific before them, "U" (Mr) or
# "Daw" (Mrs), which lists leave out ("U Tay Za" / "ZA, Tay"); before two words or more only, as
# U is also a Korean surname and a Korean given name's half ("YU, Chol U").
BURMESE_TITLES = frozenset(("u", "daw"))
BURMESE_NAME_MIN = 2

__all__ = [
    "BURMESE_NAME_MIN",
    "BURMESE_TITLES",
    "EMPHATIC_Z_FORMS",
    "GREEK_FORMS",
    "HONORIFICS",
    "NAME_TITLES",
    "NATIONAL_FORMS",
    "VARIANTS",
]
