"""Option lists for the choice parser tests: a fixed list of titles, and the real questions' options
built as the conversation builds them (labels in both locales, synonyms from dialogs.render)."""

from __future__ import annotations

from dialogs.parse import ChoiceOption
from dialogs.questions import BY_ID, options_for
from dialogs.render import option_label, option_synonyms

CERTIFICATIONS = (
    ChoiceOption("national_key_software", ("国家鼓励的重点软件企业", "National key software enterprise")),
    ChoiceOption("national_little_giant", ("国家专精特新“小巨人”", "National “little giant” enterprise")),
    ChoiceOption(
        "municipal_key_software",
        ("市级重点软件和信息服务企业", "Municipal key software and information service enterprise"),
    ),
    ChoiceOption("beidouxing", ("重庆市“北斗星”软件企业", "Chongqing Beidouxing software enterprise")),
    ChoiceOption("qimingxing", ("重庆市“启明星”软件企业", "Chongqing Qimingxing software enterprise")),
    ChoiceOption(
        "municipal_specialized_sme", ("市级专精特新中小企业", "Municipal specialised and sophisticated SME")
    ),
    ChoiceOption(
        "high_tech_enterprise", ("国家高新技术企业", "National high-tech enterprise"), ("高企", "HNTE")
    ),
    ChoiceOption(
        "genai_model_filing", ("中央网信办生成式人工智能大模型备案", "Generative AI model filing (CAC)")
    ),
    ChoiceOption("openharmony_certificate", ("开源鸿蒙兼容性证书", "OpenHarmony compatibility certificate")),
)
CERTIFICATION_IDS = [option.id for option in CERTIFICATIONS]


def question_options(question_id: str, locale: str = "zh-CN") -> tuple[ChoiceOption, ...]:
    """The options of a real question, as the conversation offers them in ``locale``."""
    question = BY_ID[question_id]
    other = "en" if locale != "en" else "zh-CN"
    return tuple(
        ChoiceOption(option, (option_label(question, option, locale), option_label(question, option, other)),
                     option_synonyms(question, option))
        for option in options_for(question, {}, None)
    )
