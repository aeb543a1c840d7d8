"""Chinese names in Hanyu Pinyin and in Wade-Giles, read back to one key.

One Chinese name reaches us in Pinyin as the PRC and most lists write it ("ZHANG, Longbao",
"Jinhua", "Xiaoping"), and in Wade-Giles as Taiwan, Hong Kong papers, older lists and the press
write it ("Chang Lung-pao", "Chin-Hua", "Hsiao-p'ing"), almost always without its apostrophes
and umlauts. A written word is read as one or two syllables of either system (``_PINYIN``, the
syllables of Pinyin, and ``_WADE``, the same syllables in Wade-Giles, converted by the system's
rules in ``_to_wade``, not listed by name); the key is the reading in Wade-Giles without
apostrophes, so the distinctions Wade-Giles writes only with its apostrophe (p/b, t/d, k/g,
ch/zh/j/q) are one, as they are in the names as written. "Zhang" and "Chang" share a key, and
so do "Longbao" and "Lungpao" (or "Lung-pao" written as one), "Jinhua" and "Chinhua".

Only a word that reads wholly as one or two syllables has a key (a Chinese given name is one or
two syllables, written as one word or hyphenated), so most words of other languages have none.
"""

from __future__ import annotations

import re
from functools import lru_cache

_MAX_SYLLABLES = 2
_LETTERS = re.compile(r"[a-z]{1,12}")

# The syllables of Hanyu Pinyin without tones, by initial (ü written u, as names write it).
_PINYIN = frozenset(
    """
    a ai an ang ao e ei en eng er o ou yi ya yan yang yao ye yin ying yong you yu yuan yue yun
    wu wa wai wan wang wei wen weng wo
    ba bai ban bang bao bei ben beng bi bian biao bie bin bing bo bu
    pa pai pan pang pao pei pen peng pi pian piao pie pin ping po pou pu
    ma mai man mang mao mei men meng mi mian miao mie min ming miu mo mou mu
    fa fan fang fei fen feng fo fou fu
    da dai dan dang dao de dei deng di dian diao die ding diu dong dou du duan dui dun duo
    ta tai tan tang tao te teng ti tian tiao tie ting tong tou tu tuan tui tun tuo
    na nai nan nang nao ne nei nen neng ni nian niang niao nie nin ning niu nong nu nuan nuo
    la lai lan lang lao le lei leng li lia lian liang liao lie lin ling liu long lou lu luan
    lun luo
    ga gai gan gang gao ge gei gen geng gong gou gu gua guai guan guang gui gun guo
    ka kai kan kang kao ke ken keng kong kou ku kua kuai kuan kuang kui kun kuo
    ha hai han hang hao he hei hen heng hong hou hu hua huai huan huang hui hun huo
    ji jia jian jiang jiao jie jin jing jiong jiu ju juan jue jun
    qi qia qian qiang qiao qie qin qing qiong qiu qu quan que qun
    xi xia xian xiang xiao xie xin xing xiong xiu xu xuan xue xun
    zha zhai zhan zhang zhao zhe zhen zheng zhi zhong zhou zhu zhua zhuai zhuan zhuang zhui
    zhun zhuo
    cha chai chan chang chao che chen cheng chi chong chou chu chuai chuan chuang chui chun
    chuo
    sha shai shan shang shao she shen sheng shi shou shu shua shuai shuan shuang shui shun
    shuo
    ran rang rao re ren reng ri rong rou ru ruan rui run ruo
    za zai zan zang zao ze zei zen zeng zi zong zou zu zuan zui zun zuo
    ca cai can cang cao ce cen ceng ci cong cou cu cuan cui cun cuo
    sa sai san sang sao se sen seng si song sou su suan sui sun suo
    """.split()
)

# Pinyin initials as Wade-Giles writes them without the apostrophe of its aspirates.
_INITIALS = (
    ("zh", "ch"), ("ch", "ch"), ("sh", "sh"), ("b", "p"), ("p", "p"), ("d", "t"), ("t", "t"),
    ("g", "k"), ("k", "k"), ("j", "ch"), ("q", "ch"), ("x", "hs"), ("z", "ts"), ("c", "ts"),
    ("r", "j"), ("s", "s"), ("h", "h"), ("m", "m"), ("f", "f"), ("n", "n"), ("l", "l"),
    ("y", "y"), ("w", "w"),
)  # fmt: skip
# Finals Wade-Giles spells otherwise, longest first.
_FINALS = (("iong", "iung"), ("ong", "ung"), ("ian", "ien"), ("ie", "ieh"), ("ue", "ueh"))


def _to_wade(syllable: str) -> str:
    """A Pinyin syllable in Wade-Giles, without apostrophes and umlauts."""
    initial, wade = next(((p, w) for p, w in _INITIALS if syllable.startswith(p)), ("", ""))
    final = syllable[len(initial) :]
    special = {"yi": "i", "yan": "yen", "ye": "yeh", "er": "erh", "you": "yu"}.get(syllable)
    if special:
        return special
    if final == "i" and initial in ("zh", "ch", "sh", "r"):
        final = "ih"  # zhi chih, shi shih, ri jih
    elif final == "i" and initial in ("z", "c", "s"):
        return {"s": "ssu"}.get(initial, "tzu")  # zi tzu, ci tz'u, si ssu
    elif final == "e" and initial in ("g", "k", "h", ""):
        final = "o"  # ge ko, he ho
    elif final == "uo" and initial not in ("g", "k", "h", "sh"):
        final = "o"  # zhuo cho, luo lo; guo kuo, shuo shuo
    elif final == "ui" and initial in ("g", "k"):
        final = "uei"  # gui kuei
    for pinyin, spelt in _FINALS:
        if final.endswith(pinyin):
            final = final[: -len(pinyin)] + spelt
            break
    return wade + final


_AS_WADE = {syllable: _to_wade(syllable) for syllable in _PINYIN}
_WADE = frozenset(_AS_WADE.values()) | {"szu"}
_SYSTEMS = (
    (_PINYIN, _AS_WADE),
    (_WADE, {syllable: syllable for syllable in _WADE} | {"szu": "ssu"}),
)
_LONGEST = max(len(s) for s in _PINYIN | _WADE)


def _readings(word: str, syllables: frozenset[str], limit: int) -> list[list[str]]:
    """Every way to read the word wholly as at most ``limit`` syllables of one system."""
    if not word:
        return [[]]
    if limit == 0:
        return []
    found = []
    for end in range(min(len(word), _LONGEST), 0, -1):
        head = word[:end]
        if head in syllables:
            found += [[head, *rest] for rest in _readings(word[end:], syllables, limit - 1)]
    return found


@lru_cache(maxsize=1 << 16)
def chinese_keys(word: str) -> frozenset[str]:
    """The word's readings as one or two Chinese syllables, as Wade-Giles keys ("Zhang" and
    "Chang": "chang"; "Longbao" and "Lungpao": "lung-pao"); none for a word neither system
    reads wholly."""
    if _LETTERS.fullmatch(word) is None:
        return frozenset()
    keys = set()
    for syllables, as_key in _SYSTEMS:
        for reading in _readings(word, syllables, _MAX_SYLLABLES):
            keys.add("-".join(as_key[s] for s in reading))
    return frozenset(keys)


__all__ = ["chinese_keys"]
