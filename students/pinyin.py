"""Search keys of a pupil's name: its simplified form (張偉 and 张伟 are one name for the duplicate check,
DOMAIN Registration 5), and its pinyin, so that 张三 is found by `zhangsan` or by its initials `zs`.

A surname character can be read several ways (曾 ceng/zeng, 单 dan/shan), so every reading of the first
character is kept: the keys are `|`-separated alternatives, searched with "contains |query".
"""

import opencc
from pypinyin import Style, lazy_pinyin, pinyin

_TO_SIMPLIFIED = opencc.OpenCC("t2s")


def search_keys(name: str) -> tuple[str, str]:
    """(full pinyin alternatives, initials alternatives) for `name`, e.g. ("|zhangsan|", "|zs|")."""
    name = name.strip()
    if not name:
        return "", ""
    first_readings = pinyin(name[0], style=Style.NORMAL, heteronym=True)[0]
    rest = lazy_pinyin(name[1:], style=Style.NORMAL)
    full, initials = [], []
    for reading in first_readings:
        syllables = [reading, *rest]
        candidate = "".join(syllables).lower()
        if candidate not in full:
            full.append(candidate)
            initials.append("".join(s[0] for s in syllables if s).lower())
    return "|" + "|".join(full) + "|", "|" + "|".join(dict.fromkeys(initials)) + "|"


def folded(name: str) -> str:
    """The name in simplified characters, without spaces: the form names are compared in."""
    return _TO_SIMPLIFIED.convert("".join(name.split()))
