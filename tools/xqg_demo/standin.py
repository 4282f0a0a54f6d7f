"""Stand-in for the mT5 generated questions (no mT5 weights exist offline).

For every passage and language, five questions are sampled from templates that
are NOT the dev/train templates (:mod:`questions`), filled with the passage
entity's name in that language's script when one exists and the English name
otherwise. The sampling imitates the noise of top-k sampled mT5 output:
duplicates among the five, questions about facts the passage does not contain
(founding date, mayor, climate), the name of a neighbouring place instead of the
passage's own, and a dropped question mark.
"""

from __future__ import annotations

import random

from .forms import fill, name_forms
from .passages import Passage
from .sources import LANGS

__all__ = ["PER_LANGUAGE", "generate_questions"]

PER_LANGUAGE = 5
_P_OFF_TOPIC = 0.15
_P_OTHER_ENTITY = 0.1
_P_NO_MARK = 0.1

# Templates per language: about a city, a country, off-topic for a city or a
# country, and for a hand-written passage known only by its English title.
_T: dict[str, dict[str, tuple[str, ...]]] = {
    "ar": {
        "city": (
            "أين تقع {n}؟",
            "في أي دولة تقع مدينة {n}؟",
            "عدد سكان {n}",
            "كم نسمة يعيشون في {n}؟",
            "ما هي المدن القريبة من {n}؟",
            "ما هي مدينة {n}؟",
            "خط عرض {n}",
            "ما هو التوقيت في {n}؟",
        ),
        "country": (
            "عاصمة {n}",
            "ما هي اللغة الرسمية في {n}؟",
            "كم عدد سكان {n}؟",
            "ما هي عملة {n}؟",
            "أين تقع {n}؟",
            "مساحة {n}",
        ),
        "noise": ("متى تأسست {n}؟", "بماذا تشتهر {n}؟", "من هو عمدة {n}؟", "كيف هو المناخ في {n}؟"),
        "noise_country": ("متى تأسست دولة {n}؟", "بماذا تشتهر {n}؟"),
        "title": (
            "ما هو {n}؟",
            "معلومات عن {n}",
            "متى تم إنشاء {n}؟",
            "بماذا يشتهر {n}؟",
            "ما هو تاريخ {n}؟",
        ),
    },
    "bn": {
        "city": (
            "{n} কোথায় অবস্থিত?",
            "{n} কোন দেশের শহর?",
            "{gen} লোকসংখ্যা কত?",
            "{n} শহরে কতজন লোক থাকে?",
            "{gen} কাছাকাছি শহরগুলো কী কী?",
            "{n} কেমন শহর?",
            "{gen} অক্ষাংশ?",
            "{gen} সময় অঞ্চল কী?",
        ),
        "country": (
            "{gen} রাজধানী কী?",
            "{gen} সরকারি ভাষা কী?",
            "{gen} জনসংখ্যা কত জন?",
            "{gen} মুদ্রা কী?",
            "{n} কোথায় অবস্থিত?",
            "{gen} আয়তন কত বর্গকিলোমিটার?",
        ),
        "noise": (
            "{n} কবে প্রতিষ্ঠিত হয়?",
            "{n} কিসের জন্য বিখ্যাত?",
            "{gen} মেয়র কে?",
            "{gen} জলবায়ু কেমন?",
        ),
        "noise_country": ("{n} কবে স্বাধীন হয়?", "{n} কিসের জন্য বিখ্যাত?"),
        "title": (
            "{n} কী?",
            "{n} সম্পর্কে বলুন",
            "{n} কবে তৈরি হয়?",
            "{n} কেন বিখ্যাত?",
            "{gen} ইতিহাস কী?",
        ),
    },
    "fi": {
        "city": (
            "Missä {n} sijaitsee?",
            "Missä maassa {n} on?",
            "Paljonko {gen} asukasmäärä on?",
            "{gen} väestö?",
            "Mitä kaupunkeja on {gen} lähellä?",
            "Millainen kaupunki {n} on?",
            "{gen} leveysaste?",
            "{gen} aikavyöhyke?",
        ),
        "country": (
            "{gen} pääkaupunki?",
            "Mikä on {gen} virallinen kieli?",
            "{gen} väkiluku?",
            "{gen} valuutta?",
            "Missä {n} sijaitsee?",
            "{gen} pinta-ala?",
        ),
        "noise": (
            "Milloin {n} perustettiin?",
            "Mistä {n} on tunnettu?",
            "Kuka on {gen} pormestari?",
            "Millainen ilmasto {gen} alueella on?",
        ),
        "noise_country": ("Milloin {n} itsenäistyi?", "Mistä {n} on tunnettu?"),
        "title": (
            "Mikä on {n}?",
            "Mitä tiedetään aiheesta {n}?",
            "Milloin {n} syntyi?",
            "Mistä {n} tunnetaan?",
            "Mikä on {gen} historia?",
        ),
    },
    "ja": {
        "city": (
            "{n}はどこにありますか？",
            "{n}はどこの国の都市ですか？",
            "{n}の人口は？",
            "{n}の人口はどれくらい？",
            "{n}の近くにある町はどこ？",
            "{n}はどんな都市ですか？",
            "{n}の緯度は？",
            "{n}の時間帯は？",
        ),
        "country": (
            "{n}の首都は？",
            "{n}の公用語は何ですか？",
            "{n}の人口は？",
            "{n}の通貨は？",
            "{n}はどこにある国ですか？",
            "{n}の面積は？",
        ),
        "noise": (
            "{n}はいつ設立されましたか？",
            "{n}は何で有名ですか？",
            "{n}の市長は誰ですか？",
            "{n}の気候はどうですか？",
        ),
        "noise_country": ("{n}はいつ建国されましたか？", "{n}は何で有名ですか？"),
        "title": (
            "{n}とは何ですか？",
            "{n}について教えてください",
            "{n}はいつできましたか？",
            "{n}は何で有名ですか？",
            "{n}の歴史は？",
        ),
    },
    "ko": {
        "city": (
            "{top} 어디에 있나요?",
            "{top} 어느 나라의 도시인가요?",
            "{n} 인구는?",
            "{n}의 인구는 몇 명이에요?",
            "{n} 근처에 있는 도시는?",
            "{top} 어떤 도시인가요?",
            "{n}의 위도는?",
            "{n}의 시간대는?",
        ),
        "country": (
            "{n}의 수도는?",
            "{n}의 공용어는 무엇인가요?",
            "{n} 인구는?",
            "{n}의 통화는?",
            "{top} 어디에 있는 나라인가요?",
            "{n}의 면적은?",
        ),
        "noise": (
            "{top} 언제 세워졌나요?",
            "{top} 무엇으로 유명한가요?",
            "{n}의 시장은 누구인가요?",
            "{n}의 기후는 어떤가요?",
        ),
        "noise_country": ("{top} 언제 건국되었나요?", "{top} 무엇으로 유명한가요?"),
        "title": (
            "{top} 무엇인가요?",
            "{n}에 대해 알려주세요",
            "{top} 언제 만들어졌나요?",
            "{top} 무엇으로 유명한가요?",
            "{n}의 역사는?",
        ),
    },
    "ru": {
        "city": (
            "Где находится {n}?",
            "В какой стране находится город {n}?",
            "Население города {n}?",
            "Сколько жителей в городе {n}?",
            "Какие города находятся рядом с городом {n}?",
            "Что за город {n}?",
            "Широта города {n}?",
            "Какое время в городе {n}?",
        ),
        "country": (
            "Столица {gen}?",
            "Какой язык является официальным в {prep}?",
            "Население {gen}?",
            "Какая денежная единица в {prep}?",
            "Где находится {n}?",
            "Какова территория {gen}?",
        ),
        "noise": (
            "Когда был основан город {n}?",
            "Чем знаменит {n}?",
            "Кто мэр города {n}?",
            "Какой климат в городе {n}?",
        ),
        "noise_country": ("Когда образовалось государство {n}?", "Чем знаменита страна {n}?"),
        "title": (
            "Что такое {n}?",
            "Расскажите про {n}",
            "Когда появился {n}?",
            "Чем известен {n}?",
            "Какова история {gen}?",
        ),
    },
    "te": {
        "city": (
            "{n} ఎక్కడ ఉంది?",
            "{n} ఏ దేశంలో ఉంది?",
            "{n} జనాభా ఎంత మంది?",
            "{n} నగరంలో ఎంతమంది ఉంటారు?",
            "{n} దగ్గర ఉన్న నగరాలు ఏవి?",
            "{n} ఎలాంటి నగరం?",
            "{n} అక్షాంశం?",
            "{n} సమయ మండలం ఏది?",
        ),
        "country": (
            "{n} రాజధాని?",
            "{n} అధికార భాష ఏది?",
            "{n} జనాభా ఎంత మంది?",
            "{n} కరెన్సీ ఏది?",
            "{n} ఎక్కడ ఉంది?",
            "{n} విస్తీర్ణం ఎంత?",
        ),
        "noise": (
            "{n} ఎప్పుడు స్థాపించబడింది?",
            "{n} దేనికి ప్రసిద్ధి?",
            "{n} మేయర్ ఎవరు?",
            "{n} వాతావరణం ఎలా ఉంటుంది?",
        ),
        "noise_country": ("{n} ఎప్పుడు స్వాతంత్ర్యం పొందింది?", "{n} దేనికి ప్రసిద్ధి?"),
        "title": (
            "{n} అంటే ఏమిటి?",
            "{n} గురించి చెప్పండి",
            "{n} ఎప్పుడు ఏర్పడింది?",
            "{n} దేనికి ప్రసిద్ధి చెందింది?",
            "{n} చరిత్ర ఏమిటి?",
        ),
    },
}


_ENTITY_KIND = {"city": "city", "country": "country", "title": "handwritten"}


def _one(passage: Passage, lang: str, rng: random.Random) -> str:
    pools = _T[lang]
    own = pools[passage.subject]
    # Off-topic questions (mayor, climate) only make sense for places.
    off_topic = passage.subject != "title" and rng.random() < _P_OFF_TOPIC
    noise = pools["noise_country" if passage.subject == "country" else "noise"]
    pool = noise if off_topic else own
    name = passage.names.get(lang, passage.english_name)
    others = passage.related.get(lang) or passage.related.get("en") or []
    if others and rng.random() < _P_OTHER_ENTITY:
        name = rng.choice(others)
    forms = name_forms(lang, name, _ENTITY_KIND[passage.subject], passage.country_code)
    candidates = [q for q in (fill(t, forms) for t in pool) if q]
    if not candidates:  # no template fits this name's forms: fall back to the plain ones
        candidates = [q for q in (fill(t, {"n": name}) for t in own + noise) if q]
    question = rng.choice(candidates)
    if rng.random() < _P_NO_MARK:
        question = question.rstrip("?？؟")
    return question


def generate_questions(passage: Passage, docid: str, seed: int) -> dict[str, list[str]]:
    """Five stand-in questions per language for ``passage`` (id ``docid``)."""
    rng = random.Random(f"{seed}:standin:{docid}")
    return {lang: [_one(passage, lang, rng) for _ in range(PER_LANGUAGE)] for lang in LANGS}
