"""The national code tables of the pupil record (the 2013 first-collection template of the national
student-status system, DOMAIN.md "Code tables").

Values are the official codes, stored as they are exchanged with the national system; labels are the
official Chinese code names (wrapped for translation so an English UI can render them).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    """性别 (GB/T 2261.1)."""

    MALE = "1", _("男")
    FEMALE = "2", _("女")


class Ethnicity(models.TextChoices):
    """民族 (GB 3304), in the standard's order, plus its two extra codes."""

    HAN = "01", _("汉族")
    MONGOL = "02", _("蒙古族")
    HUI = "03", _("回族")
    TIBETAN = "04", _("藏族")
    UYGHUR = "05", _("维吾尔族")
    MIAO = "06", _("苗族")
    YI = "07", _("彝族")
    ZHUANG = "08", _("壮族")
    BOUYEI = "09", _("布依族")
    KOREAN = "10", _("朝鲜族")
    MANCHU = "11", _("满族")
    DONG = "12", _("侗族")
    YAO = "13", _("瑶族")
    BAI = "14", _("白族")
    TUJIA = "15", _("土家族")
    HANI = "16", _("哈尼族")
    KAZAKH = "17", _("哈萨克族")
    DAI = "18", _("傣族")
    LI = "19", _("黎族")
    LISU = "20", _("傈僳族")
    VA = "21", _("佤族")
    SHE = "22", _("畲族")
    GAOSHAN = "23", _("高山族")
    LAHU = "24", _("拉祜族")
    SHUI = "25", _("水族")
    DONGXIANG = "26", _("东乡族")
    NAXI = "27", _("纳西族")
    JINGPO = "28", _("景颇族")
    KYRGYZ = "29", _("柯尔克孜族")
    TU = "30", _("土族")
    DAUR = "31", _("达斡尔族")
    MULAO = "32", _("仫佬族")
    QIANG = "33", _("羌族")
    BLANG = "34", _("布朗族")
    SALAR = "35", _("撒拉族")
    MAONAN = "36", _("毛南族")
    GELAO = "37", _("仡佬族")
    XIBE = "38", _("锡伯族")
    ACHANG = "39", _("阿昌族")
    PUMI = "40", _("普米族")
    TAJIK = "41", _("塔吉克族")
    NU = "42", _("怒族")
    UZBEK = "43", _("乌孜别克族")
    RUSSIAN = "44", _("俄罗斯族")
    EVENK = "45", _("鄂温克族")
    DEANG = "46", _("德昂族")
    BONAN = "47", _("保安族")
    YUGUR = "48", _("裕固族")
    JING = "49", _("京族")
    TATAR = "50", _("塔塔尔族")
    DERUNG = "51", _("独龙族")
    OROQEN = "52", _("鄂伦春族")
    HEZHEN = "53", _("赫哲族")
    MONBA = "54", _("门巴族")
    LHOBA = "55", _("珞巴族")
    JINO = "56", _("基诺族")
    OTHER = "97", _("其他")
    FOREIGN_ORIGIN = "98", _("外国血统中国籍人士")


class IdType(models.TextChoices):
    """身份证件类型. With OTHER the number may be blank; then a guardian's ID number is required."""

    RESIDENT = "1", _("居民身份证")
    HONG_KONG = "6", _("香港特区护照/身份证明")
    MACAO = "7", _("澳门特区护照/身份证明")
    TAIWAN = "8", _("台湾居民来往大陆通行证")
    FOREIGN_PERMANENT_RESIDENCE = "9", _("境外永久居住证")
    PASSPORT = "A", _("护照")
    OTHER = "Z", _("其他")


class OverseasStatus(models.TextChoices):
    """港澳台侨外."""

    NO = "00", _("否")
    HONG_KONG_COMPATRIOT = "1", _("香港同胞")
    HONG_KONG_COMPATRIOT_RELATIVE = "2", _("香港同胞亲属")
    MACAO_COMPATRIOT = "3", _("澳门同胞")
    MACAO_COMPATRIOT_RELATIVE = "4", _("澳门同胞亲属")
    TAIWAN_COMPATRIOT = "5", _("台湾同胞")
    TAIWAN_COMPATRIOT_RELATIVE = "6", _("台湾同胞亲属")
    OVERSEAS_CHINESE = "11", _("华侨")
    OVERSEAS_CHINESE_FAMILY = "12", _("侨眷")
    RETURNED_OVERSEAS_CHINESE = "13", _("归侨")
    RETURNED_OVERSEAS_CHINESE_CHILD = "14", _("归侨子女")
    RETURNED_STUDENT = "21", _("归国留学人员")
    NON_CHINESE_ORIGIN_CITIZEN = "31", _("非华裔中国人")
    FOREIGN_NATIONAL_OF_CHINESE_ORIGIN = "41", _("外籍华裔人")
    FOREIGNER = "51", _("外国人")
    OTHER = "99", _("其他")


class Health(models.TextChoices):
    """健康状况."""

    HEALTHY = "10", _("健康或良好")
    FAIR = "20", _("一般或较弱")
    CHRONIC_ILLNESS = "30", _("有慢性病")
    PHYSICAL_DEFECT = "40", _("有生理缺陷")
    DISABLED = "50", _("残疾")


class HouseholdType(models.TextChoices):
    """户口性质."""

    AGRICULTURAL = "1", _("农业")
    NON_AGRICULTURAL = "2", _("非农业")


class LeftBehind(models.TextChoices):
    """留守儿童."""

    NO = "0", _("非留守")
    ONE_PARENT = "1", _("单亲留守")
    BOTH_PARENTS = "2", _("双亲留守")


class EntryMethod(models.TextChoices):
    """入学方式 (compulsory education)."""

    CATCHMENT = "11", _("就近入学")
    OTHER = "12", _("其他")


class Boarding(models.TextChoices):
    """就读方式."""

    DAY = "1", _("走读")
    BOARDING = "2", _("住校")


class Source(models.TextChoices):
    """学生来源."""

    NORMAL = "1", _("正常入学")
    OTHER = "9", _("其他")


class GuardianRelation(models.TextChoices):
    """A guardian's relation to the pupil: the two-digit codes of GB/T 4761-2008 (家庭关系代码) for the
    relations a school meets most; OTHER collapses the standard's 97 其他亲属 and 99 非亲属 into 99."""

    FATHER = "51", _("父亲")
    MOTHER = "52", _("母亲")
    PATERNAL_GRANDFATHER = "61", _("祖父")
    PATERNAL_GRANDMOTHER = "62", _("祖母")
    MATERNAL_GRANDFATHER = "63", _("外祖父")
    MATERNAL_GRANDMOTHER = "64", _("外祖母")
    OTHER = "99", _("其他监护人")
