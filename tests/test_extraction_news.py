"""Reading news constructions: the event, the source, the trend, the unit and notations.

One table per part of the reading. Every sentence is written for these tests; each
case names a general construction, not one article.
"""

from __future__ import annotations

import pytest

from claims.extraction import ExtractedClaim, extract_claims, get_nlp


@pytest.fixture(scope="module", autouse=True)
def nlp():
    return get_nlp()


def claim_at(text: str, expression: str) -> ExtractedClaim:
    found = extract_claims(text)
    for claim in found:
        if claim.text == expression:
            return claim
    raise AssertionError(f"{expression!r} not among {[c.text for c in found]}")


def reading(claim: ExtractedClaim, fields: dict) -> dict:
    return {name: getattr(claim, name) for name in fields}


# -- event ------------------------------------------------------------------------------

EVENTS = [
    pytest.param(
        "The retailer posted a £48m profit last year.", "£48m", "profit", id="posted-profit"
    ),
    pytest.param(
        "The carmaker booked a $2.1bn loss in the quarter.", "$2.1bn", "loss", id="booked-loss"
    ),
    pytest.param("The plan contains £3bn of savings.", "£3bn", "saving", id="be-of-savings"),
    pytest.param(
        "The regulator imposed a €40m fine on the bank.", "€40m", "fine", id="imposed-fine"
    ),
    pytest.param(
        "The council set a budget of £900m for the year.", "£900m", "budget", id="set-budget"
    ),
    pytest.param("The ministry put the toll at 63 on Tuesday.", "63", "toll", id="put-toll-at"),
    pytest.param("The agency raised the death toll to 112.", "112", "toll", id="raised-toll-to"),
    pytest.param("The state has a debt of $31bn.", "$31bn", "debt", id="have-debt-of"),
    pytest.param(
        "The airline reported revenue of $5.6bn.", "$5.6bn", "revenue", id="reported-revenue"
    ),
    pytest.param("The firm faces a charge of £70m.", "£70m", "charge", id="faces-charge"),
    pytest.param(
        "The raid killed 14 and wounded 30 others.", "30", "wound", id="second-half-coordinated"
    ),
    pytest.param(
        "The quake left 800 dead and thousands homeless.",
        "thousands",
        "homeless",
        id="gapped-state-after-the-count",
    ),
    pytest.param("The fire left 9 people dead.", "9", "dead", id="left-dead"),
    pytest.param(
        "Police said 11 protesters were arrested, the lawyer said.",
        "11",
        "arrest",
        id="reporting-verb-is-not-the-event",
    ),
    pytest.param(
        "The register lists 57 journalists recorded detained this year.",
        "57",
        "detain",
        id="participle-after-reporting-participle",
    ),
    pytest.param(
        "Nine miners who drowned were buried on Friday.",
        "Nine",
        "drown",
        id="relative-clause-casualty-verb",
    ),
    pytest.param(
        "The storm left 40 homes destroyed.", "40", "destroy", id="participle-under-a-light-verb"
    ),
    pytest.param(
        "At least 25 were reported killed, the monitor said.",
        "At least 25",
        "kill",
        id="reported-killed",
    ),
    pytest.param("Another 12 are still missing.", "12", "missing", id="are-missing"),
    pytest.param("Medics reported 20+ dead & 45+ injured.", "20+", "dead", id="state-after-plus"),
    pytest.param(
        "The floods have killed more than 900 people injured at least 3,000 and displaced "
        "thousands.",
        "more than 900",
        "kill",
        id="comma-less-list-of-verbs-with-counts",
    ),
    pytest.param(
        "Some 300 workers are to lose their jobs.", "Some 300", "lose", id="be-to-infinitive"
    ),
    pytest.param(
        "The carmaker posted a £95m loss for the half.",
        "£95m",
        "loss",
        id="the-carmaker-posted-a-m",
    ),
    pytest.param(
        "The club faces a bill of £6m for repairs.",
        "£6m",
        "bill",
        id="the-club-faces-a-bill",
    ),
    pytest.param(
        "Ministers approved £2bn of spending on roads.",
        "£2bn",
        "spending",
        id="ministers-approved-bn-of-spending",
    ),
    pytest.param(
        "The coastguard put the number of missing at 14.",
        "14",
        "missing",
        id="the-coastguard-put-the-number",
    ),
    pytest.param(
        "The typhoon killed 31 and displaced thousands more.",
        "thousands",
        "displace",
        id="the-typhoon-killed-and-displaced",
    ),
    pytest.param(
        "The blast left 17 people injured.",
        "17",
        "injure",
        id="the-blast-left-people-injured",
    ),
    pytest.param(
        "Eleven migrants were rescued, the navy said.",
        "Eleven",
        "rescue",
        id="eleven-migrants-were-rescued-the",
    ),
    pytest.param(
        "The list shows 40 journalists reported detained.",
        "40",
        "detain",
        id="the-list-shows-journalists-reported",
    ),
    pytest.param(
        "Four workers who fell from the scaffold were taken to hospital.",
        "Four",
        "fall",
        id="four-workers-who-fell-from",
    ),
    pytest.param(
        "The storm has left 60,000 homes without power.",
        "60,000",
        "leave",
        id="the-storm-has-left-homes",
    ),
]


@pytest.mark.parametrize(("text", "expression", "event"), EVENTS)
def test_event_of_the_claim(text, expression, event):
    assert claim_at(text, expression).event == event


# -- attribution ------------------------------------------------------------------------

ATTRIBUTIONS = [
    pytest.param(
        "Shelling killed 21 villagers the monitor said on Friday.",
        "21",
        "monitor",
        id="closing-say-without-comma-then-date",
    ),
    pytest.param(
        "Nine soldiers died in the ambush the army said late on Sunday citing field reports.",
        "Nine",
        "army",
        id="closing-say-then-participle",
    ),
    pytest.param(
        "The bank lent $40m. Critics said the loan was worth less.",
        "$40m",
        None,
        id="scale-full-stop-ends-the-sentence",
    ),
    pytest.param(
        "The fund lost £2bn. Its manager said 300 staff would go.",
        "£2bn",
        None,
        id="bn-full-stop-ends-the-sentence",
    ),
    pytest.param(
        "Ticket prices rose to 95p. Fans said 4,000 seats stayed empty.",
        "95p",
        None,
        id="pence-full-stop-ends-the-sentence",
    ),
    pytest.param(
        "Two killed in crash Meanwhile witnesses told police 3 cars were involved.",
        "Two",
        None,
        id="run-on-headline",
    ),
    pytest.param(
        "The health office recorded 412 new cases on Monday.",
        "412",
        "health office",
        id="recorded-by-a-subject",
    ),
    pytest.param(
        "The ministry registered 96 breaches of the truce.",
        "96",
        "ministry",
        id="registered",
    ),
    pytest.param(
        "The Red Cross counted 70 wounded. It pointed out that 15 of them were children.",
        "15",
        "Red Cross",
        id="pointed-out-with-pronoun",
    ),
    pytest.param(
        "The central bank had previously forecast inflation of 3.1%.",
        "3.1%",
        "central bank",
        id="previously-forecast",
    ),
    pytest.param(
        "The minister is expected to say that 12,000 homes will be built.",
        "12,000",
        "minister",
        id="expected-to-say",
    ),
    pytest.param(
        "Exports fell 4%, according to data compiled by the customs office.",
        "4%",
        "customs office",
        id="according-to-data-compiled-by",
    ),
    pytest.param(
        "Wages rose 2.2%, according to figures from the statistics agency.",
        "2.2%",
        "statistics agency",
        id="according-to-figures-from",
    ),
    pytest.param(
        "Up to 9 schools were reported damaged, the charity said.",
        "Up to 9",
        "charity",
        id="passive-subject-is-not-the-source",
    ),
    pytest.param(
        "Up to 9 schools were reported damaged.",
        "Up to 9",
        None,
        id="passive-report-names-no-source",
    ),
    pytest.param(
        "Gunmen shot 6 farmers local activists said.",
        "6",
        "local activists",
        id="comma-less-say-after-plural-noun",
    ),
    pytest.param(
        '"We saved 60 horses," the vet said."The barn held 90 in all," she added.',
        "90",
        "vet",
        id="straight-quotes-joined-without-a-blank",
    ),
    pytest.param(
        '"We treated 80 patients." The nurse added: "Another 20 are waiting."',
        "80",
        None,
        id="added-colon-belongs-to-the-next-quote",
    ),
    pytest.param(
        '"We treated 80 patients." The nurse added: "Another 20 are waiting."',
        "20",
        "nurse",
        id="added-colon-frames-its-quote",
    ),
    pytest.param(
        '"We lost 30 sheep," the farmer said. The valley has 2,000 farms.',
        "2,000",
        None,
        id="plain-sentence-after-a-quote",
    ),
    pytest.param(
        "Bombs kill 14 in northern town Monitor AFP Tuesday 3 May 2016 At least 14 civilians "
        "died in the raid a rights group said.",
        "14",
        "Monitor",
        id="wire-headline-names-its-source-last",
    ),
    pytest.param(
        "Bombs kill 14 in northern town Monitor AFP Tuesday 3 May 2016 At least 14 civilians "
        "died in the raid a rights group said.",
        "At least 14",
        "a rights group",
        id="dateline-ends-the-headline",
    ),
    pytest.param(
        "The blast killed 7 soldiers as they crossed the river the local council said citing "
        "an earlier toll of 5.",
        "5",
        "local council",
        id="coordinated-say-verb-takes-the-name-before-it",
    ),
    pytest.param(
        "Rebels killed 19 fighters near the dam the news agency did not give a toll.",
        "19",
        None,
        id="negated-toll-names-no-source",
    ),
    pytest.param(
        "Firefighters saved 30 people. They said 8 of them were children.",
        "8",
        "Firefighters",
        id="they-said-takes-the-subject-before",
    ),
    pytest.param(
        "Nineteen fighters were killed near the dam said the Observatory.",
        "Nineteen",
        "Observatory",
        id="inverted-closing-say",
    ),
    pytest.param(
        "Floods killed 18 people in the valley the civil defence said on Tuesday.",
        "18",
        "civil defence",
        id="floods-killed-people-in-the",
    ),
    pytest.param(
        "Police fired tear gas at 300 protesters witnesses said.",
        "300",
        "witnesses",
        id="police-fired-tear-gas-at",
    ),
    pytest.param(
        "The deal raised $80m. Bankers said the fee was $2m.",
        "$80m",
        None,
        id="the-deal-raised-m-bankers",
    ),
    pytest.param(
        "Gunmen kidnapped 12 teachers Meanwhile parents said 200 pupils stayed home.",
        "12",
        None,
        id="gunmen-kidnapped-teachers-meanwhile-parents",
    ),
    pytest.param(
        "The agency logged 1,020 quakes last year.",
        "1,020",
        "agency",
        id="the-agency-logged-quakes-last",
    ),
    pytest.param(
        "The airline had earlier predicted a profit of $300m.",
        "$300m",
        "airline",
        id="the-airline-had-earlier-predicted",
    ),
    pytest.param(
        "Prices rose 3%, according to data published by the central bank.",
        "3%",
        "central bank",
        id="prices-rose-according-to-data",
    ),
    pytest.param(
        "Up to 40 houses were said to be damaged, the mayor said.",
        "Up to 40",
        "mayor",
        id="up-to-houses-were-said",
    ),
    pytest.param(
        '"We fed 500 families," the volunteer said. The town has 9,000 people.',
        "9,000",
        None,
        id="we-fed-families-the-volunteer",
    ),
    pytest.param(
        '"We fed 500 families." The volunteer added: "Another 200 need help."',
        "500",
        None,
        id="we-fed-families-the-volunteer",
    ),
]


@pytest.mark.parametrize(("text", "expression", "source"), ATTRIBUTIONS)
def test_attribution_of_the_claim(text, expression, source):
    assert claim_at(text, expression).attribution == source


def test_plain_sentence_after_a_quote_is_not_inside_it():
    text = '"We lost 30 sheep," the farmer said. The valley has 2,000 farms.'
    assert claim_at(text, "2,000").is_quote is False


# -- trend ------------------------------------------------------------------------------

TRENDS = [
    pytest.param("About 450 posts are to go at the bank.", "About 450", "down", id="posts-to-go"),
    pytest.param("Nearly 2,000 jobs were created in May.", "Nearly 2,000", "up", id="were-created"),
    pytest.param("The drought drove up food prices by 14%.", "14%", "up", id="drove-up"),
    pytest.param("The rebate brought down bills by 6%.", "6%", "down", id="brought-down"),
    pytest.param("Scores showed an improvement of 5 points.", "5", "up", id="improvement-of"),
    pytest.param("The city will deploy 200 extra officers.", "200", "up", id="extra-after"),
    pytest.param("The hospital opened an additional 40 beds.", "40", "up", id="additional-before"),
    pytest.param("The Nikkei advanced 0.8% on Tuesday.", "0.8%", "up", id="advanced"),
    pytest.param("The euro rallied 1.1% against the yen.", "1.1%", "up", id="rallied"),
    pytest.param("Gold rose 2% and silver by 3%.", "3%", "up", id="gapped-verb"),
    pytest.param("The battalion lost 85 men in the siege.", "85", None, id="lost-men-is-a-count"),
    pytest.param("The insurer made a £120m loss.", "£120m", None, id="money-loss-is-a-level"),
    pytest.param("Shares lost 3.5% in early trade.", "3.5%", "down", id="lost-percent"),
    pytest.param("The landslide cut off 40 villages.", "40", None, id="cut-off-is-not-a-fall"),
    pytest.param("The winger gave up 12 points.", "12", None, id="gave-up-is-not-up"),
    pytest.param("Rents were 9% higher than last year.", "9%", "up", id="higher-than"),
    pytest.param("Fares are 4% cheaper than in 2019.", "4%", "down", id="cheaper-than"),
    pytest.param("Output was 2% less than forecast.", "2%", "down", id="less-than"),
    pytest.param("Retail sales came in at +1.3% in June.", "+1.3%", "up", id="plus-sign"),
    pytest.param("Factory orders came in at -0.7% in June.", "-0.7%", "down", id="minus-sign"),
    pytest.param(
        "The temperature dropped to -12 degrees.", "-12", None, id="negative-level-is-no-trend"
    ),
    pytest.param("The rescuers recovered 8 bodies.", "8", None, id="recovered-bodies"),
    pytest.param(
        "A further six people were killed in the north.",
        "six",
        None,
        id="further-casualties-are-no-rise",
    ),
    pytest.param(
        "Footage showed 12 houses reduced to ashes.", "12", None, id="reduced-to-is-a-state"
    ),
    pytest.param(
        "As many as 600 posts are set to go at the factory.",
        "As many as 600",
        "down",
        id="as-many-as-posts-are",
    ),
    pytest.param(
        "The slump pushed down prices by 3%.",
        "3%",
        "down",
        id="the-slump-pushed-down-prices",
    ),
    pytest.param(
        "The index rallied 2.4% on Monday.", "2.4%", "up", id="the-index-rallied-on-monday"
    ),
    pytest.param("Copper rose 1.1% and zinc by 0.6%.", "0.6%", "up", id="copper-rose-and-zinc-by"),
    pytest.param(
        "The army lost 34 soldiers in the offensive.",
        "34",
        None,
        id="the-army-lost-soldiers-in",
    ),
    pytest.param(
        "The retailer reported a £12m loss.", "£12m", None, id="the-retailer-reported-a-m"
    ),
    pytest.param("Output was 8% higher than in May.", "8%", "up", id="output-was-higher-than-in"),
    pytest.param(
        "Core prices printed at -0.3% in March.",
        "-0.3%",
        "down",
        id="core-prices-printed-at-in",
    ),
    pytest.param(
        "The guard gave up 3 goals in the first half.",
        "3",
        None,
        id="the-guard-gave-up-goals",
    ),
    pytest.param("The flood cut off 12 hamlets.", "12", None, id="the-flood-cut-off-hamlets"),
    pytest.param("The Dow is trending down 0.4% today.", "0.4%", "down", id="trending-down"),
    pytest.param("Gold was trending up 1.1% by noon.", "1.1%", "up", id="trending-up"),
    pytest.param(
        "The Dax lost 210 points, or 1.4%, on Monday.", "1.4%", "down", id="restated-as-a-share"
    ),
    pytest.param(
        "Futures were up 12.5 points, or 0.3%, at noon.", "0.3%", "up", id="restated-after-up"
    ),
    pytest.param(
        "Barclays fell 2.2%, Lloyds by 1.8% and HSBC was flat.",
        "1.8%",
        "down",
        id="gapped-verb-before-by",
    ),
    pytest.param(
        "Lakes warmed by 2 to 3 degrees over the decade.",
        "2 to 3",
        "up",
        id="range-after-by",
    ),
    # A bound inside the figure's own wording bounds the change: it is no level.
    pytest.param("The chipmaker rose under 4% on Friday.", "under 4%", "up", id="rose-under"),
    pytest.param(
        "The pound gained under 1% against the euro.", "under 1%", "up", id="gained-under"
    ),
    pytest.param("Oil fell over 3% in late trade.", "over 3%", "down", id="fell-over"),
    pytest.param("Unemployment fell under 4% in May.", "under 4%", None, id="fell-under-a-level"),
    # The figure a change is set against is a level.
    pytest.param(
        "The budget tripled to $9m instead of the $3m first planned.",
        "$3m",
        None,
        id="instead-of-the-old-level",
    ),
    pytest.param("Profit rose 12% against 9% a year earlier.", "9%", None, id="against-last-year"),
    pytest.param(
        "Exports grew 5% compared with 3% in the rest of Europe.",
        "3%",
        None,
        id="compared-with",
    ),
    # "up for sale" offers things; it raises nothing.
    pytest.param("The club put 3 players up for sale.", "3", None, id="put-up-for-sale"),
    pytest.param("The council put 40 homes up for auction.", "40", None, id="put-up-for-auction"),
    pytest.param("The utility put up bills by 8%.", "8%", "up", id="put-up-bills-is-up"),
    # A figure describing the thing a verb acts on is not changed by it.
    pytest.param(
        "The pitcher added a 95 mph fastball to his game.", "95", None, id="added-a-fastball"
    ),
    pytest.param("The firm cut a $5bn deal with the state.", "$5bn", None, id="cut-a-deal"),
    pytest.param("The city cut the 40% tariff on steel.", "40%", None, id="cut-the-tariff"),
    pytest.param("The chain posted a 5% rise in sales.", "5%", "up", id="rise-noun-still-up"),
    # Money raised is an amount, not a rise.
    pytest.param("The charity raised £40,000 at the gala.", "£40,000", None, id="raised-funds"),
    pytest.param(
        "The start-up raised $12m from investors.", "$12m", None, id="raised-from-investors"
    ),
    pytest.param("The bidder raised its offer by $2bn.", "$2bn", "up", id="raised-by-is-up"),
    # A direction written as an adverb, or before a currency sign the span leaves out.
    pytest.param("Growth was revised upward by 0.3 points.", "0.3", "up", id="revised-upward-by"),
    pytest.param(
        "Forecasts were revised downwards by 2%.", "2%", "down", id="revised-downwards-by"
    ),
    pytest.param(
        "Net income was up Y=12 billion on the quarter.",
        "12 billion",
        "up",
        id="up-before-a-yen-sign",
    ),
    # A loss of a mass is a fall.
    pytest.param(
        "The ice sheet loses 150 gigatonnes a year.", "150", "down", id="loses-gigatonnes"
    ),
    pytest.param(
        "The glacier lost 3 megatonnes of ice in July.", "3", "down", id="lost-megatonnes"
    ),
]


@pytest.mark.parametrize(("text", "expression", "trend"), TRENDS)
def test_trend_of_the_claim(text, expression, trend):
    assert claim_at(text, expression).trend == trend


# -- unit -------------------------------------------------------------------------------

UNITS = [
    pytest.param(
        "The club raised the number of members from 800 to 1,200.",
        "1,200",
        "member",
        id="number-of-before-the-figure",
    ),
    pytest.param(
        "The total count of ballots rose to 9,400.", "9,400", "ballot", id="count-of-subject"
    ),
    pytest.param("The party won a majority of 31.", "31", "majority", id="majority-of"),
    pytest.param("The runner built a lead of 12.", "12", "lead", id="lead-of"),
    pytest.param(
        "Six girls were hurt and dozens more were treated.",
        "dozens",
        "people",
        id="elided-more-counts-people",
    ),
    pytest.param(
        "Shelling killed 8 civilians medics said.", "8", "civilian", id="comma-less-compound"
    ),
    pytest.param("The boat carried 40 Pakistanis.", "40", "pakistani", id="demonym-is"),
    pytest.param(
        "The flight carried 12 New Zealanders.", "12", "new zealander", id="demonym-two-words"
    ),
    pytest.param("About 200 Afghans crossed the border.", "About 200", "afghan", id="demonym-ans"),
    pytest.param(
        "The bank cut rates by 0.5 percentage points.",
        "0.5 percentage points",
        "percentage point",
        id="percentage-points",
    ),
    pytest.param(
        "Brent crude fetched $84.20 per barrel.", "$84.20", "usd per barrel", id="per-barrel"
    ),
    pytest.param(
        "The mine produces 3,000 tonnes a day.", "3,000", "tonne per day", id="tonnes-a-day"
    ),
    pytest.param(
        "The pipeline carries 900,000 barrels per day.",
        "900,000",
        "barrel per day",
        id="barrels-per-day",
    ),
    pytest.param("Cleaners earn £11 an hour.", "£11", "gbp per hour", id="money-an-hour"),
    pytest.param(
        "Prices climbed from 120 to 150 pence.", "120", "penny", id="from-to-shares-the-unit"
    ),
    pytest.param(
        "The mortar killed three boys and wounded 16 others.",
        "16",
        "people",
        id="others-after-people-are-people",
    ),
    pytest.param(
        "The firm cut its number of branches to 150.",
        "150",
        "branch",
        id="the-firm-cut-its-number",
    ),
    pytest.param(
        "The coalition won a majority of 12 seats.",
        "12",
        "seat",
        id="the-coalition-won-a-majority",
    ),
    pytest.param("The motion passed by a margin of 9.", "9", "margin", id="the-motion-passed-by-a"),
    pytest.param(
        "Four boys were injured and dozens more were evacuated.",
        "dozens",
        "people",
        id="four-boys-were-injured-and",
    ),
    pytest.param(
        "The ferry carried 70 Eritreans.",
        "70",
        "eritrean",
        id="the-ferry-carried-eritreans",
    ),
    pytest.param(
        "Gold traded at $1,900 an ounce.",
        "$1,900",
        "usd per ounce",
        id="gold-traded-at-an-ounce",
    ),
    pytest.param(
        "The refinery processes 400,000 barrels a day.",
        "400,000",
        "barrel per day",
        id="the-refinery-processes-barrels-a",
    ),
    pytest.param(
        "Rates rose by 0.75 percentage points.",
        "0.75 percentage points",
        "percentage point",
        id="rates-rose-by-percentage-points",
    ),
    pytest.param(
        "Office space costs $45 per square foot.",
        "$45",
        "usd per square foot",
        id="per-square-foot",
    ),
    pytest.param(
        "Warehouses let at £90 per sq m last year.", "£90", "gbp per square m", id="per-sq-m"
    ),
    pytest.param(
        "The bank lost 12 cents per share in the quarter.",
        "12",
        "cent per share",
        id="cents-per-share",
    ),
    pytest.param("Her phone has a 5000 mAh battery.", "5000", "mah", id="milliamp-hours"),
    pytest.param("Readings hit 40 ppb near the plant.", "40", "ppb", id="parts-per-billion"),
]


@pytest.mark.parametrize(("text", "expression", "unit"), UNITS)
def test_unit_of_the_claim(text, expression, unit):
    assert claim_at(text, expression).unit == unit


# -- numbers and spans ------------------------------------------------------------------

NUMBERS = [
    pytest.param(
        "The deal is worth $US3,500,000 in all.",
        "$US3,500,000",
        {"value": 3_500_000, "unit": "usd"},
        id="dollar-us-glued",
    ),
    pytest.param(
        "The council spent A$12m on roads.", "A$12m", {"value": 12e6, "unit": "aud"}, id="a-dollar"
    ),
    pytest.param(
        "A meal costs RM12.50 in the city.", "RM12.50", {"value": 12.5, "unit": "myr"}, id="ringgit"
    ),
    pytest.param("A stamp now costs 76p.", "76p", {"value": 0.76, "unit": "gbp"}, id="pence-glued"),
    pytest.param(
        "The tycoon sold HK$8bn of shares.", "HK$8bn", {"value": 8e9, "unit": "hkd"}, id="hk-dollar"
    ),
    pytest.param(
        "The new model offers 300bhp.", "300bhp", {"value": 300, "unit": "bhp"}, id="bhp-glued"
    ),
    pytest.param(
        "Drivers love the Porsches 500bhp engine.",
        "500bhp",
        {"value": 500, "unit": "bhp"},
        id="glued-unit-after-a-name",
    ),
    pytest.param(
        "The village now gets 50Mbps.", "50Mbps", {"value": 50, "unit": "mbps"}, id="mbps-glued"
    ),
    pytest.param(
        "The monitor refreshes at 240Hz.", "240Hz", {"value": 240, "unit": "hz"}, id="hertz-glued"
    ),
    pytest.param(
        "The studio measures 38m2 in all.",
        "38m2",
        {"value": 38, "unit": "square m"},
        id="square-metres-glued",
    ),
    pytest.param(
        "The sea wall is 8m (26ft) tall.",
        "8m",
        {"value": 8, "unit": "m"},
        id="metres-by-conversion",
    ),
    pytest.param(
        "The dam is 150m high.", "150m", {"value": 150, "unit": "m"}, id="metres-by-height"
    ),
    pytest.param(
        "The firm raised £150m from investors.",
        "£150m",
        {"value": 150e6, "unit": "gbp"},
        id="m-is-million-with-money",
    ),
    pytest.param(
        "The town has 4 hundred thousand voters.",
        "4 hundred thousand",
        {"value": 400_000},
        id="digit-hundred-thousand",
    ),
    pytest.param("The platform has 2 B accounts.", "2 B", {"value": 2e9}, id="capital-b-scale"),
    pytest.param(
        "Trains run at 300 km/h on the line.",
        "300",
        {"unit": "km per hour"},
        id="slash-rate",
    ),
    pytest.param("Demand grew threefold.", "threefold", {"value": 3}, id="threefold"),
    pytest.param("Costs rose 10-fold in a decade.", "10-fold", {"value": 10}, id="hyphen-fold"),
    pytest.param(
        "The signal carried 3.2×10^6 bits.", "3.2×10^6", {"value": 3.2e6}, id="scientific"
    ),
    pytest.param(
        "Nights fell to minus-25 in the hills.", "minus-25", {"value": -25}, id="minus-hyphen"
    ),
    pytest.param(
        "The plant will make sub-3 nanometre parts.",
        "sub-3",
        {"qualifier": "upper_bound", "value": 3, "unit": "nanometre"},
        id="sub-hyphen",
    ),
    pytest.param(
        "A nine month-old girl was found alive.",
        "nine month-old",
        {"value": 9, "kind": "age", "unit": "month"},
        id="month-old",
    ),
    pytest.param(
        "The index held at least at 30 points.",
        "at least at 30",
        {"qualifier": "lower_bound", "lower": 30},
        id="at-least-at",
    ),
    pytest.param(
        "The fund now surpasses 60 members.",
        "surpasses 60",
        {"qualifier": "lower_bound"},
        id="surpasses",
    ),
    pytest.param(
        "The sample weighs ~2.4kg.",
        "~2.4kg",
        {"qualifier": "approximate", "value": 2.4},
        id="tilde",
    ),
    pytest.param(
        "The rally drew over than 900 people.",
        "over than 900",
        {"qualifier": "lower_bound"},
        id="over-than",
    ),
    pytest.param(
        "in Homs Four persons were wounded",
        "Four",
        {"value": 4, "unit": "person"},
        id="capitalised-count-after-a-place",
    ),
    pytest.param(
        "The central bank cut rates by one percentage point.",
        "one percentage point",
        {"value": 1, "unit": "percentage point"},
        id="one-percentage-point",
    ),
    pytest.param(
        "The contract is worth NZ$40m.",
        "NZ$40m",
        {"value": 40000000.0},
        id="the-contract-is-worth-nz",
    ),
    pytest.param(
        "A coffee costs 90p in the canteen.",
        "90p",
        {"value": 0.9},
        id="a-coffee-costs-p-in",
    ),
    pytest.param(
        "The motor produces 150bhp.",
        "150bhp",
        {"value": 150.0},
        id="the-motor-produces-bhp",
    ),
    pytest.param("The plot measures 120m2.", "120m2", {"value": 120.0}, id="the-plot-measures-m"),
    pytest.param(
        "The town has 7 hundred thousand people.",
        "7 hundred thousand",
        {"value": 700000.0},
        id="the-town-has-hundred-thousand",
    ),
    pytest.param("Sales rose fivefold.", "fivefold", {"value": 5.0}, id="sales-rose-fivefold"),
    pytest.param("The wall is 4m (13ft) high.", "4m", {"value": 4.0}, id="the-wall-is-m-ft"),
    pytest.param(
        "The lake froze at minus-18.",
        "minus-18",
        {"value": -18.0},
        id="the-lake-froze-at-minus",
    ),
    pytest.param("The bag weighed ~12kg.", "~12kg", {"value": 12.0}, id="the-bag-weighed-kg"),
    pytest.param(
        "The estate sold for AUD2.4m in May.",
        "AUD2.4m",
        {"value": 2.4e6, "unit": "aud"},
        id="iso-code-glued-before",
    ),
    pytest.param(
        "Ministers set aside INR5 billion for schools.",
        "INR5 billion",
        {"value": 5e9, "unit": "inr"},
        id="iso-code-glued-before-a-scale-word",
    ),
    pytest.param(
        "The lab used a 3-6W laser.",
        "3-6W",
        {"lower": 3.0, "upper": 6.0, "unit": "w"},
        id="range-with-glued-unit-on-the-second-end",
    ),
    pytest.param(
        "The cake bakes for 35 – 50min.",
        "35 – 50min",
        {"lower": 35.0, "upper": 50.0, "unit": "minute"},
        id="range-with-glued-minutes",
    ),
    pytest.param(
        "The 1200sq m warehouse was let.",
        "1200sq m",
        {"value": 1200.0, "unit": "square m"},
        id="square-metres-glued",
    ),
    pytest.param(
        "Hartley, 71, retired in May.",
        "71",
        {"value": 71.0, "unit": "year", "kind": "age"},
        id="surname-opening-the-sentence-then-age",
    ),
    pytest.param(
        "The drone can fly more than 40 kilometres (25 miles).",
        "25",
        {"qualifier": "lower_bound", "lower": 25.0, "upper": None},
        id="conversion-keeps-the-bound",
    ),
    pytest.param(
        "The motor gives just under 150 hp (112 kW / 152 PS).",
        "152",
        {"qualifier": "upper_bound", "upper": 152.0},
        id="second-conversion-keeps-the-bound",
    ),
    pytest.param(
        "The toll rose by 14 to 90 people.",
        "14",
        {"value": 14.0, "trend": "up"},
        id="by-then-far-level-stays-two-claims",
    ),
    pytest.param(
        "Fines run from $20,000 to $2 million a case.",
        "$20,000 to $2 million",
        {"lower": 20000.0, "upper": 2e6, "qualifier": "range"},
        id="from-to-without-a-change-is-a-range",
    ),
    pytest.param(
        "Flats cost from £300,000 to £1.2m in the block.",
        "£300,000 to £1.2m",
        {"lower": 300000.0, "upper": 1.2e6},
        id="cost-from-to-is-a-range",
    ),
    pytest.param(
        "The club raised the number of members from 800 to 1,200.",
        "800",
        {"value": 800.0},
        id="change-verb-far-before-from-keeps-two-levels",
    ),
    pytest.param(
        "Rolls closed down 14 p at 310 p.",
        "310 p",
        {"value": 3.1, "unit": "gbp"},
        id="pence-set-apart",
    ),
    pytest.param(
        "The truck makes 420 lb-ft of torque.",
        "420",
        {"unit": "pound-foot"},
        id="pound-feet-abbreviated",
    ),
    pytest.param(
        "The old cars topped out at 75 m.p.h.", "75", {"unit": "mph"}, id="mph-with-full-stops"
    ),
    pytest.param(
        "A proton weighs about 1.67×10−27 kilograms.",
        "about 1.67×10−27",
        {"value": 1.67e-27, "unit": "kilogram"},
        id="scientific-with-a-minus-sign",
    ),
    pytest.param(
        "The current account swung to $-12.4bn in May.",
        "$-12.4bn",
        {"value": -12.4e9, "unit": "usd"},
        id="sign-after-the-currency",
    ),
    pytest.param(
        "Panels with strength lower than 6.5 ksi failed.",
        "lower than 6.5",
        {"qualifier": "upper_bound", "upper": 6.5},
        id="lower-than-is-a-bound",
    ),
    pytest.param(
        "Rates higher than 7% hurt buyers.",
        "higher than 7%",
        {"qualifier": "lower_bound", "lower": 7.0},
        id="higher-than-is-a-bound",
    ),
    pytest.param(
        "Clients with more than 9 million kroner (US $1.3 million) pay the fee.",
        "$1.3 million",
        {"qualifier": "lower_bound", "lower": 1.3e6},
        id="conversion-with-a-currency-prefix-keeps-the-bound",
    ),
    pytest.param(
        "Turnout rose by one per cent in May.",
        "one per cent",
        {"value": 1.0, "unit": "percent"},
        id="one-per-cent",
    ),
    pytest.param(
        "Only one per cent of voters agreed.",
        "one per cent",
        {"value": 1.0, "kind": "percent"},
        id="only-one-per-cent",
    ),
    pytest.param(
        "Add 1/2 pound of butter to the pan.",
        "1/2 pound",
        {"value": 0.5, "unit": "pound", "kind": "measure"},
        id="half-a-pound-of",
    ),
    pytest.param(
        "A teaspoon is 1/3 of a tablespoon.",
        "1/3",
        {"value": pytest.approx(1 / 3), "unit": "tablespoon"},
        id="fraction-of-a-unit",
    ),
    pytest.param(
        "The jug holds 3/4 litre of milk.",
        "3/4",
        {"value": 0.75, "unit": "litre"},
        id="fraction-before-a-unit",
    ),
    pytest.param(
        "His now-7 year-old son starts school.",
        "7 year-old",
        {"value": 7.0, "unit": "year", "kind": "age"},
        id="now-before-an-age",
    ),
    pytest.param(
        "The then-45 year-old coach quit in May.",
        "45 year-old",
        {"value": 45.0, "unit": "year", "kind": "age"},
        id="then-before-an-age",
    ),
]


@pytest.mark.parametrize(("text", "expression", "fields"), NUMBERS)
def test_number_reads_as(text, expression, fields):
    claim = claim_at(text, expression)
    assert reading(claim, fields) == pytest.approx(fields)


def test_counts_after_place_names_in_a_list_are_claims():
    text = "Rescuers counted 30 bodies in Harasta 25 in Kfar Zeita and 12 in Arbin."
    assert [c.text for c in extract_claims(text)] == ["30", "25", "12"]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("The FTSE 250 closed flat.", id="ftse"),
        pytest.param("The Euro Stoxx 50 slipped on Friday.", id="stoxx"),
        pytest.param("She bought a Galaxy S23 and a Pixel 8.", id="phone-models"),
        pytest.param("An Airbus A350 landed in Doha.", id="aircraft"),
        pytest.param("The PS4 and the Xbox 360 sold out.", id="consoles"),
        pytest.param("The office is at EC2A 4BX in London.", id="postcode"),
        pytest.param("Veterans of World War Two gathered.", id="world-war-two"),
        pytest.param("Banks led the S P 500 higher.", id="single-capital-letter"),
        pytest.param("The iPhone 14 went on sale.", id="lower-camel-case-product"),
        pytest.param("Fans in Row 18 booed.", id="row-number"),
        pytest.param("Carriers rolled out 5G in the city.", id="network-generation"),
        pytest.param("the sp 500 slipped in late trade.", id="lower-case-index"),
        pytest.param("Nasdaq 100 futures were flat.", id="index-before-a-plural-noun"),
        pytest.param("Between 1550 and 1850 the glaciers advanced.", id="span-of-early-years"),
        pytest.param("Between 2012 and 2015 rents climbed.", id="span-of-years-before-a-noun"),
        pytest.param("The firm moved to 9 W 57th St in May.", id="house-number-numbered-street"),
        pytest.param("She lives at 221 E 48th Street.", id="house-number-east-street"),
        pytest.param("Offices at 16-18 Station Road were sold.", id="run-of-house-numbers"),
        pytest.param("Homes in the 90210 ZIP code sold fast.", id="zip-code"),
        pytest.param("Rents in the 10001 postcode are high.", id="postcode-after"),
        pytest.param("Labs ran COVID -19 tests all week.", id="spaced-virus-name"),
        pytest.param("The temple was built in AD 79.", id="era-before"),
        pytest.param("The city was founded in 753 BC.", id="era-after"),
        pytest.param("Coins from A.D. 1000 were found.", id="era-with-full-stops"),
        pytest.param("The attack on 9/11 shocked the city.", id="date-with-a-slash"),
    ],
)
def test_names_with_numbers_are_not_claims(text):
    assert extract_claims(text) == []


@pytest.mark.parametrize(
    ("text", "expressions"),
    [
        pytest.param("Tesla delivered 900 Model 3 sedans in May.", ["900"], id="model-name"),
        pytest.param("The firm began Phase 2 trials with 300 patients.", ["300"], id="phase-name"),
        pytest.param("The clinic is open 24/7 for 300 patients.", ["300"], id="round-the-clock"),
        pytest.param(
            "The Ibex was up 0.4 per cent at 9312.",
            ["0.4 per cent", "9312"],
            id="index-level-no-year-can-be",
        ),
        pytest.param("The Dax closed at 9876 on Friday.", ["9876"], id="closing-level"),
        pytest.param("The bridge opened in 1932 with 40 lanes.", ["40"], id="a-year-stays-out"),
        pytest.param("Seas could swamp the coast by 2150.", [], id="a-far-year-stays-out"),
        pytest.param("The toll climbed to 55 overnight.", ["55"], id="count-before-overnight"),
        pytest.param(
            "Arrests rose to 130 overnight in the capital.", ["130"], id="level-before-overnight"
        ),
        pytest.param(
            "The vote closed at 2200 GMT with 300 ballots.", ["300"], id="clock-time-stays-out"
        ),
        pytest.param(
            "Asia at noon: Nikkei -0.9% Kospi -1.2%.",
            ["-0.9%", "-1.2%"],
            id="signed-index-moves-stay",
        ),
    ],
)
def test_only_the_amounts_are_claims(text, expressions):
    assert [c.text for c in extract_claims(text)] == expressions


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Fees rose from £9,000 to £9,250 a year.", id="money"),
        pytest.param("Unemployment fell from 5% to 4.2% in May.", id="percent"),
        pytest.param("Valve lift was increased from 13.5 to 14.0 mm.", id="shared-unit"),
        pytest.param("Bitcoin plummeted from $36,040 to $34,935 overnight.", id="plunge"),
    ],
)
def test_from_to_after_a_change_verb_gives_two_levels_with_one_event_and_trend(text):
    found = extract_claims(text)
    assert [c.qualifier for c in found] == ["exact", "exact"]
    assert len({(c.event, c.trend) for c in found}) == 1
