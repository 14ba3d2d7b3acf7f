"""Search keys of a pupil's name: its simplified form (張偉 and 张伟 are one name for the duplicate check,
DOMAIN Registration 5), and its pinyin, so that 张三 is found by `zhangsan` or by its initials `zs`.

A surname character can be read several ways (曾 ceng/zeng, 单 dan/shan), so every reading of the first
character is kept: the keys are `|`-separated alternatives, searched with "contains |query".

pypinyin (its phrase dictionary: 52 MiB) and OpenCC are loaded when a process first keys or folds a name, not
when it starts: a worker that only prints papers never carries them (issue 14: a class bundle within 300 MB).
"""

from functools import cache


@cache
def _to_simplified():
    import opencc

    return opencc.OpenCC("t2s")


def search_keys(name: str) -> tuple[str, str]:
    """(full pinyin alternatives, initials alternatives) for `name`, e.g. ("|zhangsan|", "|zs|")."""
    name = name.strip()
    if not name:
        return "", ""
    from pypinyin import Style, lazy_pinyin, pinyin

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
    return _to_simplified().convert("".join(name.split()))
