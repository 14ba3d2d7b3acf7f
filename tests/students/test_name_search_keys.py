"""The pupil list's search keys (students.pinyin.search_keys): a registrar types a name's pinyin or its
initials, in any case, and finds the pupil — by every reading of a surname read more than one way."""

import pytest

from students.pinyin import search_keys


@pytest.mark.parametrize(
    ("name", "keys"),
    [
        ("张三", ("|zhangsan|", "|zs|")),
        ("曾小贤", ("|cengxiaoxian|zengxiaoxian|", "|cxx|zxx|")),  # 曾: ceng or zeng
        ("单田芳", ("|dantianfang|chantianfang|shantianfang|", "|dtf|ctf|stf|")),  # 单: dan, chan or shan
    ],
)
def test_a_name_is_found_by_its_pinyin_and_initials_under_every_reading_of_the_surname(name, keys):
    assert search_keys(name) == keys


def test_two_readings_with_the_same_initial_give_that_initial_once():
    # 都 is read dou or du: both spellings are found, and "dm" once
    assert search_keys("都敏") == ("|doumin|dumin|", "|dm|")


def test_spaces_around_a_typed_name_change_nothing():
    assert search_keys("  张三 ") == search_keys("张三")


def test_a_name_of_only_spaces_has_no_keys():
    assert search_keys("") == ("", "")
    assert search_keys("   ") == ("", "")


def test_latin_letters_in_a_name_are_keyed_in_lower_case_as_the_search_box_lowers_the_query():
    # the list lowers what is typed ("|" + query.lower()), so an upper-case key would never be found
    assert search_keys("Anna李") == ("|annali|", "|anl|")
