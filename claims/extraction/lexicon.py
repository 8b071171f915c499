"""Word lists the finder and the parse rules share: calendar words, units, idioms.

Kept apart from the rules so that extending a list (a new unit, a new identifier word)
never means reading the matching logic.
"""

from __future__ import annotations

from . import numbers as nums
from . import qualifiers as q
from .numbers import word_set

MONTHS = word_set(
    "january february march april may june july august september october november "
    "december jan feb mar apr jun jul aug sep sept oct nov dec"
)
WEEKDAYS = word_set("monday tuesday wednesday thursday friday saturday sunday")
TIME_UNITS = {
    "second": "second",
    "seconds": "second",
    "minute": "minute",
    "minutes": "minute",
    "min": "minute",
    "mins": "minute",
    "hour": "hour",
    "hours": "hour",
    "hr": "hour",
    "hrs": "hour",
    "day": "day",
    "days": "day",
    "night": "night",
    "nights": "night",
    "week": "week",
    "weeks": "week",
    "month": "month",
    "months": "month",
    "year": "year",
    "years": "year",
    "decade": "decade",
    "decades": "decade",
    "century": "century",
    "centuries": "century",
}
# Spans of "months-long" style durations, as the conventions' vague table extends them.
LONG_RANGES: dict[str, tuple[float, float]] = {
    "seconds": (2, 59),
    "minutes": (2, 59),
    "hours": (2, 23),
    "days": (2, 13),
    "weeks": (2, 8),
    "months": (2, 11),
    "years": (2, 9),
    "decades": (2, 9),
}
# Units glued to a figure ("40km") or written after it; the value is the unit lemma.
MEASURE_UNITS: dict[str, str] = {
    "km": "km",
    "kms": "km",
    "kilometre": "kilometre",
    "kilometres": "kilometre",
    "kilometer": "kilometre",
    "kilometers": "kilometre",
    "m": "m",
    "metre": "metre",
    "metres": "metre",
    "meter": "metre",
    "meters": "metre",
    "cm": "cm",
    "mm": "mm",
    "mile": "mile",
    "miles": "mile",
    "mi": "mile",
    "ft": "foot",
    "feet": "foot",
    "foot": "foot",
    "yard": "yard",
    "yards": "yard",
    "inch": "inch",
    "inches": "inch",
    "kg": "kg",
    "kgs": "kg",
    "kilogram": "kilogram",
    "kilograms": "kilogram",
    "kilo": "kilogram",
    "kilos": "kilogram",
    "g": "gram",
    "gram": "gram",
    "grams": "gram",
    "lb": "pound",
    "ounce": "ounce",
    "ounces": "ounce",
    "oz": "ounce",
    "lbs": "pound",
    "ton": "ton",
    "tons": "ton",
    "tonne": "tonne",
    "tonnes": "tonne",
    "megatonne": "megatonne",
    "megatonnes": "megatonne",
    "gigatonne": "gigatonne",
    "gigatonnes": "gigatonne",
    "litre": "litre",
    "litres": "litre",
    "liter": "litre",
    "liters": "litre",
    "l": "litre",
    "ml": "ml",
    "gallon": "gallon",
    "gallons": "gallon",
    "barrel": "barrel",
    "barrels": "barrel",
    "bpd": "bpd",
    "mph": "mph",
    "kph": "kph",
    "kmh": "kph",
    "hectare": "hectare",
    "hectares": "hectare",
    "acre": "acre",
    "acres": "acre",
    "mw": "mw",
    "kw": "kw",
    "gw": "gw",
    "kwh": "kwh",
    "mwh": "mwh",
    "degree": "degree",
    "degrees": "degree",
    "mg": "mg",
    "µg": "µg",
    "mcg": "µg",
    "ghz": "ghz",
    "hz": "hz",
    "bhp": "bhp",
    "hp": "hp",
    "mbps": "mbps",
    "gbps": "gbps",
    "kbps": "kbps",
    "rpm": "rpm",
    "nm": "nm",
    "nanometre": "nanometre",
    "nanometres": "nanometre",
    "nanometer": "nanometre",
    "nanometers": "nanometre",
    "m2": "square m",
    "km2": "square km",
    "cm2": "square cm",
    "m3": "cubic m",
    "m²": "square m",
    "km²": "square km",
    "mhz": "mhz",
    "khz": "khz",
    "kb": "kb",
    "mb": "mb",
    "gb": "gb",
    "tb": "tb",
    "tpd": "tpd",
    "knots": "knot",
    "knot": "knot",
    "megawatt": "megawatt",
    "megawatts": "megawatt",
    "pound-feet": "pound-foot",
    "lb-ft": "pound-foot",
    "m.p.h": "mph",
    "pound-foot": "pound-foot",
    "newton-metres": "newton-metre",
    "kilowatt-hours": "kilowatt-hour",
    "man-hours": "man-hour",
    "w": "w",
    "kv": "kv",
    "mah": "mah",
    "ppm": "ppm",
    "ppb": "ppb",
    "kpa": "kpa",
    "mpa": "mpa",
    "gpa": "gpa",
    "ksi": "ksi",
    "μm": "μm",
    "µm": "μm",
    "sqm": "square m",
    "deg": "degree",
    "degf": "degree",
    "degc": "degree",
}
PERCENT_WORDS = frozenset({"percent", "pct", "percentage"})
# Words after a number that make it a clock time or a calendar reference.
TIME_AFTER = frozenset({"am", "pm", "gmt", "utc", "bst", "cet", "est", "edt"})
ANCHOR_AFTER_UNIT = frozenset({"ago", "later", "earlier", "before", "after", "prior", "since"})
ORDINAL_NOUNS = word_set(
    "year years anniversary time times day days week month round term consecutive "
    "straight successive attempt wave phase attack offensive largest biggest highest lowest "
    "most worst deadliest longest ranked place largest-ever"
)
ORDINAL_SUFFIXES = frozenset({"st", "nd", "rd", "th"})
ORDINAL_RUN_ADJECTIVES = frozenset({"consecutive", "straight", "successive"})
FRACTION_WORDS = word_set(
    "half halves third thirds quarter quarters fifth fifths sixth sixths tenth tenths"
)
# Words that may continue a spelled number ("two and a half million").
SPELLED_RUN_WORDS = nums.NUMBER_WORDS | {"and", "a", "an", "of", "point"}
# Small spelled numbers after these words name a known set ("the two sides").
SET_DETERMINERS = frozenset({"the", "these", "those"})
VAGUE_LEADS = frozenset({"several", "few"})
# ISO codes written before or after a figure ("AUD1.5m", "115 USD"); codes that are also
# English words ("try", "rub") are left out.
CURRENCY_CODES = frozenset({"usd", "eur", "gbp", "us$", *nums.ISO_CODES})
# Words after which "X to Y" is a change and a level, not a range.
CHANGE_WORDS = word_set(
    "from by rose risen rise rises fell fall falls fallen increased increase increases "
    "decreased decrease decreases grew grow grown dropped drop drops jumped jump climbed "
    "declined decline cut cuts reduced reduce raised raise lowered lower slashed slash "
    "doubled tripled surged soared plunged plummeted"
)
# More forms of change before "from": "dropping from 208 pounds to 193".
FROM_CHANGE_WORDS = word_set(
    "rising falling growing increasing decreasing dropping climbing declining cutting "
    "raising lowering jumping surging soaring plunging going went gone goes moving moved "
    "move narrowed narrowing widened widening slipped slid edged eased revised upgraded "
    "downgraded changed switched shifted expanded shrank shrunk boosted lifted trimmed "
    "increase decrease rise fall drop jump change shift improvement upgrade downgrade "
    "tumbled tumbling dipped dipping hiked hiking"
)
QUALIFIER_WORDS = frozenset(w for phrase, _ in q.PREFIX_PHRASES for w in phrase)
# Words after "12m" that make it metres, not millions: "12m high", "12m (39ft)".
LENGTH_CONTEXT = word_set(
    "high tall long wide deep deeper higher taller longer wider metre metres meter meters"
)
# Finance shorthand for millions of a currency: "30 MUSD", "120 MEUR".
SCALED_CODES: dict[str, tuple[str, float]] = {
    "musd": ("usd", 1e6),
    "meur": ("eur", 1e6),
    "mgbp": ("gbp", 1e6),
    "bnusd": ("usd", 1e9),
}
# Capitalised nouns that make the figure after them a name: "Section 427", "Route 66".
IDENTIFIER_NOUNS = word_set(
    "section article route resolution flight chapter highway room platform gate level "
    "phase model version unit building block district zone sector road street line bus "
    "channel act clause paragraph item rule amendment title figure table page exit "
    "junction terminal lane interstate precinct ward bay hall pier dock wing tower "
    "apollo boeing airbus windows iphone galaxy formula division group camp brigade "
    "regiment battalion squadron corps army fleet category stage grade tier class type "
    "mark series season episode volume issue row seat pier ftse stoxx nikkei dax cac asx "
    "russell nasdaq sensex"
)
# Words before a figure that make it a reference number or page furniture.
IDENTIFIER_WORDS = word_set(
    "no nos number flight page article url views view comments likes shares tweet print "
    "resolution section chapter paragraph clause route room exit gate platform item "
    "email related id ref code pin tel phone fax"
)
# Nouns after which ", 45," gives a person's age.
AGE_NOUNS = word_set(
    "man woman boy girl son daughter father mother wife husband brother sister resident "
    "farmer teacher doctor nurse student driver worker mechanic shopkeeper activist "
    "journalist photographer soldier officer fighter grandmother grandfather"
)

# Nouns that a bare spelled "one" may count ("one civilian was killed").
ONE_NOUNS = word_set(
    "person civilian child boy girl man woman soldier fighter rebel officer policeman "
    "journalist member militant protester worker doctor student baby refugee victim "
    "citizen resident prisoner hostage driver pilot teenager nurse volunteer "
    "percent percentage billion million thousand hundred"
)
# Words that end a street address after a house number.
STREET_WORDS = word_set(
    "street st avenue ave road rd boulevard blvd lane drive square place way terrace close "
    "crescent court"
)
# Counted nouns for people: the only unit a later bare figure may take over.
PERSON_UNITS = word_set(
    "people person civilian child man woman boy girl soldier fighter rebel militant member "
    "resident refugee migrant protester worker patient student victim prisoner hostage "
    "officer policeman journalist doctor volunteer villager passenger pilgrim terrorist "
    "jihadist gunman insurgent troop servicemen serviceman syrian palestinian kurd"
)
