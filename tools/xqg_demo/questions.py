"""Hand-written question templates for the dev and train splits.

Each language has one or two templates per question kind, written as a native
speaker would phrase a search question (13 kinds, 15 templates per language).
City kinds: population, latitude, longitude, coordinates, nearest,
capital_distance, timezone. Country kinds: capital, area, country_population,
currency, calling_code, tld. The stand-in generated questions
(:mod:`standin`) use a different set of templates.

The templates of one kind are parallel across languages: the i-th template
means the same in every language (population: "what is the population of X"
first, "how many people live in X" second). :data:`ENGLISH_TEMPLATES` follows
the same order; it writes the English versions of the train questions
(:mod:`english`) and is never used for the dev or train splits themselves.
"""

from __future__ import annotations

__all__ = ["CITY_KINDS", "COUNTRY_KINDS", "ENGLISH_TEMPLATES", "TEMPLATES"]

CITY_KINDS = (
    "population",
    "latitude",
    "longitude",
    "coordinates",
    "nearest",
    "capital_distance",
    "timezone",
)
COUNTRY_KINDS = ("capital", "area", "country_population", "currency", "calling_code", "tld")

TEMPLATES: dict[str, dict[str, tuple[str, ...]]] = {
    "ar": {
        "population": ("ما هو عدد سكان مدينة {n}؟", "كم يبلغ عدد سكان {n}؟"),
        "latitude": ("ما هو خط العرض الذي تقع عليه مدينة {n}؟",),
        "longitude": ("ما هو خط طول مدينة {n}؟",),
        "coordinates": ("ما هي الإحداثيات الجغرافية لمدينة {n}؟",),
        "nearest": ("ما هي أقرب مدينة إلى {n}؟",),
        "capital_distance": ("كم تبعد مدينة {n} عن عاصمة البلاد؟",),
        "timezone": ("ما هي المنطقة الزمنية التي تتبعها مدينة {n}؟",),
        "capital": ("ما هي عاصمة {n}؟",),
        "area": ("كم تبلغ مساحة {n}؟",),
        "country_population": ("ما هو إجمالي عدد سكان {n}؟",),
        "currency": ("ما هي العملة الرسمية في {n}؟",),
        "calling_code": ("ما هو رمز الاتصال الدولي الخاص بـ{n}؟",),
        "tld": ("ما هو نطاق الإنترنت العلوي الخاص بدولة {n}؟",),
    },
    "bn": {
        "population": ("{gen} জনসংখ্যা কত?", "{n} শহরে কত মানুষ বাস করে?"),
        "latitude": ("{gen} অক্ষাংশ কত?",),
        "longitude": ("{gen} দ্রাঘিমাংশ কত?",),
        "coordinates": ("{gen} ভৌগোলিক স্থানাঙ্ক কী?",),
        "nearest": ("{gen} সবচেয়ে কাছের শহর কোনটি?",),
        "capital_distance": ("রাজধানী থেকে {n} শহরটি কত দূরে অবস্থিত?",),
        "timezone": ("{n} কোন সময় অঞ্চলের অন্তর্গত?",),
        "capital": ("{gen} রাজধানীর নাম কী?",),
        "area": ("{gen} আয়তন কত?",),
        "country_population": ("{gen} মোট জনসংখ্যা কত?",),
        "currency": ("{gen} মুদ্রার নাম কী?",),
        "calling_code": ("{gen} আন্তর্জাতিক ফোন কোড কত?",),
        "tld": ("{gen} ইন্টারনেট ডোমেইন কী?",),
    },
    "fi": {
        "population": ("Mikä on {gen} väkiluku?", "Kuinka paljon asukkaita {gen} kaupungissa on?"),
        "latitude": ("Millä leveysasteella {n} sijaitsee?",),
        "longitude": ("Mikä on {gen} pituusaste?",),
        "coordinates": ("Mitkä ovat {gen} maantieteelliset koordinaatit?",),
        "nearest": ("Mikä on {gen} lähin naapurikaupunki?",),
        "capital_distance": ("Kuinka kaukana pääkaupungista {n} sijaitsee?",),
        "timezone": ("Mihin aikavyöhykkeeseen {n} kuuluu?",),
        "capital": ("Mikä on {gen} pääkaupunki?",),
        "area": ("Kuinka suuri on {gen} pinta-ala?",),
        "country_population": ("Mikä on {gen} asukasluku?",),
        "currency": ("Mikä on {gen} virallinen valuutta?",),
        "calling_code": ("Mikä on {gen} kansainvälinen suuntanumero?",),
        "tld": ("Mikä on {gen} maakohtainen verkkotunnus?",),
    },
    "ja": {
        "population": ("{n}の人口は何人ですか？", "{n}には何人が住んでいますか？"),
        "latitude": ("{n}の緯度はいくつですか？",),
        "longitude": ("{n}の経度はいくつですか？",),
        "coordinates": ("{n}の緯度と経度を教えてください。",),
        "nearest": ("{n}から一番近い都市はどこですか？",),
        "capital_distance": ("{n}は首都からどのくらい離れていますか？",),
        "timezone": ("{n}はどのタイムゾーンに属していますか？",),
        "capital": ("{n}の首都はどこですか？",),
        "area": ("{n}の面積はどれくらいですか？",),
        "country_population": ("{n}の総人口はどのくらいですか？",),
        "currency": ("{n}で使われている通貨は何ですか？",),
        "calling_code": ("{n}の国際電話の国番号は何番ですか？",),
        "tld": ("{n}の国別トップレベルドメインは何ですか？",),
    },
    "ko": {
        "population": ("{n}의 인구는 얼마인가요?", "{n}에는 몇 명이 살고 있나요?"),
        "latitude": ("{n}의 위도는 얼마인가요?",),
        "longitude": ("{n}의 경도는 몇 도인가요?",),
        "coordinates": ("{n}의 지리 좌표는 무엇인가요?",),
        "nearest": ("{n}에서 가장 가까운 도시는 어디인가요?",),
        "capital_distance": ("{top} 수도에서 얼마나 떨어져 있나요?",),
        "timezone": ("{top} 어느 시간대에 속하나요?",),
        "capital": ("{n}의 수도는 어디인가요?",),
        "area": ("{n}의 면적은 얼마나 되나요?",),
        "country_population": ("{n}의 전체 인구는 몇 명인가요?",),
        "currency": ("{n}에서는 어떤 화폐를 사용하나요?",),
        "calling_code": ("{n}의 국제 전화 국가 번호는 무엇인가요?",),
        "tld": ("{n}의 국가 코드 최상위 도메인은 무엇인가요?",),
    },
    "ru": {
        "population": (
            "Какова численность населения города {n}?",
            "Сколько человек живёт в городе {n}?",
        ),
        "latitude": ("На какой широте расположен город {n}?",),
        "longitude": ("Какова географическая долгота города {n}?",),
        "coordinates": ("Каковы географические координаты города {n}?",),
        "nearest": ("Какой город находится ближе всего к городу {n}?",),
        "capital_distance": ("Как далеко от столицы страны находится город {n}?",),
        "timezone": ("В каком часовом поясе находится город {n}?",),
        "capital": ("Какой город является столицей {gen}?",),
        "area": ("Какова площадь {gen}?",),
        "country_population": ("Сколько людей проживает в {prep}?",),
        "currency": ("Какая валюта используется в {prep}?",),
        "calling_code": ("Какой международный телефонный код у {gen}?",),
        "tld": ("Какой национальный домен верхнего уровня у {gen}?",),
    },
    "te": {
        "population": ("{n} జనాభా ఎంత?", "{n}లో ఎంత మంది నివసిస్తున్నారు?"),
        "latitude": ("{n} ఏ అక్షాంశం వద్ద ఉంది?",),
        "longitude": ("{n} రేఖాంశం ఎంత?",),
        "coordinates": ("{n} భౌగోళిక నిరూపకాలు ఏమిటి?",),
        "nearest": ("{n}కు అత్యంత సమీపంలో ఉన్న నగరం ఏది?",),
        "capital_distance": ("{n} దేశ రాజధాని నుండి ఎంత దూరంలో ఉంది?",),
        "timezone": ("{n} ఏ కాల మండలంలో ఉంది?",),
        "capital": ("{n} రాజధాని ఏది?",),
        "area": ("{n} వైశాల్యం ఎంత?",),
        "country_population": ("{n} దేశ మొత్తం జనాభా ఎంత?",),
        "currency": ("{n}లో ఉపయోగించే కరెన్సీ ఏది?",),
        "calling_code": ("{n} అంతర్జాతీయ కాలింగ్ కోడ్ ఏమిటి?",),
        "tld": ("{n} ఇంటర్నెట్ డొమైన్ ఏమిటి?",),
    },
}

# ``{n}`` is the English name as :mod:`english` forms it: "the" where English
# needs it (the Netherlands, the Bahamas) and the country after a city name that
# other places of the collection share (Kasama, Zambia).
ENGLISH_TEMPLATES: dict[str, tuple[str, ...]] = {
    "population": ("What is the population of {n}?", "How many people live in {n}?"),
    "latitude": ("What is the latitude of {n}?",),
    "longitude": ("What is the longitude of {n}?",),
    "coordinates": ("What are the geographic coordinates of {n}?",),
    "nearest": ("Which city is closest to {n}?",),
    "capital_distance": ("How far is {n} from the country's capital?",),
    "timezone": ("What time zone is {n} in?",),
    "capital": ("What is the capital of {n}?",),
    "area": ("What is the total area of {n}?",),
    "country_population": ("What is the total population of {n}?",),
    "currency": ("What currency is used in {n}?",),
    "calling_code": ("What is the international calling code for {n}?",),
    "tld": ("What is the country code top-level domain of {n}?",),
}
