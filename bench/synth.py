"""A synthetic but realistic news store for benchmarks, with labels.

Stories are reports of events: most events are reported once, some by two to
six outlets (wire copy reprinted nearly verbatim, or independent rewrites
with other headlines).  Events belong to storylines (a dispute that goes on
for weeks: ballot, walkout, talks), which is what "related" should find.
Ambiguous words are used both ways: industrial strikes and ballots, but also
air strikes, lightning strikes, strikers scoring goals, ministers striking
deals, ballot boxes and the European Union.

Every story carries labels: its event, its storyline and whether it is about
industrial action.  `build_store` writes them through the real Store API.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tuinews.config import FeedConfig, TopicConfig, example_text, parse
from tuinews.core.keys import content_hash, story_key
from tuinews.core.models import ParsedItem
from tuinews.io.store import Store

SYLLABLES = (
    "ka ren dor vel mar ash ton bri sel quin hal ford mere wick lan tor ves ara lin cas ber no gal "
    "fen rho mil dun ey ox sto pel har wen cra bel nor tam rus oak ley ing thor val ise mon cor"
).split()
COMMON = (
    "plan plans people government minister ministers council city town country report reports "
    "official officials public local national week weekend month morning night service services "
    "time years price prices cost costs money budget support decision meeting talks group groups "
    "leader leaders spokesperson statement warning change changes move calls call concern concerns "
    "number numbers figures data system rules law action issue issues future deal case cases "
    "community communities centre region area areas work working families children members staff "
    "response pressure critics claim claims review update latest early later major key new latest"
).split()

AREAS: dict[str, dict[str, list[str]]] = {
    "industrial": {
        "actors": [
            "train drivers",
            "nurses",
            "teachers",
            "bin workers",
            "cabin crew",
            "lecturers",
            "dockers",
            "postal workers",
            "bus drivers",
            "care workers",
            "airport staff",
            "junior doctors",
            "civil servants",
            "refuse collectors",
            "paramedics",
            "firefighters",
        ],
        "verbs": ["walk out", "strike", "take industrial action", "stage a walkout", "go on strike"],
        "nouns": [
            "pay offer",
            "pay dispute",
            "picket line",
            "strike ballot",
            "union",
            "walkout",
            "strikes",
            "industrial action",
            "rosters",
            "pensions",
            "overtime ban",
            "strike dates",
            "members",
        ],
    },
    "conflict": {
        "actors": ["the army", "rebel forces", "militias", "the air force", "peacekeepers"],
        "verbs": ["launch an air strike", "carry out airstrikes", "shell", "advance on", "withdraw from"],
        "nouns": [
            "air strike",
            "airstrike",
            "drone strike",
            "ceasefire",
            "casualties",
            "convoy",
            "humanitarian corridor",
            "missile strike",
            "troops",
            "border",
        ],
    },
    "football": {
        "actors": ["the striker", "the captain", "the manager", "the goalkeeper", "the winger"],
        "verbs": ["scores", "signs", "is sidelined", "nets a hat-trick", "is sent off"],
        "nouns": [
            "striker",
            "goal",
            "hat-trick",
            "penalty",
            "transfer",
            "league",
            "derby",
            "clean sheet",
            "strike partnership",
            "injury",
            "fixture",
        ],
    },
    "weather": {
        "actors": ["forecasters", "residents", "emergency services", "the coastguard"],
        "verbs": ["warn", "brace for", "clean up after", "evacuate"],
        "nouns": [
            "lightning strike",
            "struck by lightning",
            "storm",
            "flood warning",
            "gusts",
            "heatwave",
            "rainfall",
            "power cuts",
            "landslide",
        ],
    },
    "trade": {
        "actors": ["negotiators", "the trade secretary", "exporters", "officials"],
        "verbs": ["strike a deal", "struck a deal", "sign", "walk away from", "extend"],
        "nouns": ["tariffs", "exports", "trade agreement", "quotas", "customs checks", "European Union"],
    },
    "elections": {
        "actors": ["voters", "candidates", "the electoral commission", "party activists"],
        "verbs": ["vote", "campaign", "count votes", "concede"],
        "nouns": [
            "polling station",
            "ballot box",
            "postal ballot",
            "turnout",
            "by-election",
            "recount",
            "ballot papers",
            "manifesto",
            "exit poll",
        ],
    },
    "business": {
        "actors": ["investors", "the chief executive", "shareholders", "analysts"],
        "verbs": ["report", "cut", "raise", "announce"],
        "nouns": ["profits", "shares", "takeover", "revenue", "forecast", "dividend", "job cuts"],
    },
    "science": {
        "actors": ["researchers", "astronomers", "scientists", "engineers"],
        "verbs": ["discover", "measure", "launch", "publish"],
        "nouns": ["telescope", "species", "study", "trial", "satellite", "fossil", "vaccine"],
    },
    "crime": {
        "actors": ["police", "detectives", "prosecutors", "the court"],
        "verbs": ["arrest", "charge", "sentence", "investigate"],
        "nouns": ["investigation", "trial", "fraud", "burglary", "sentence", "appeal", "evidence"],
    },
    "culture": {
        "actors": ["the author", "the band", "curators", "the director"],
        "verbs": ["unveil", "release", "win", "open"],
        "nouns": ["festival", "album", "exhibition", "award", "novel", "premiere", "gallery"],
    },
}
AREA_WEIGHTS = {
    "industrial": 12, "conflict": 8, "football": 10, "weather": 8, "trade": 6, "elections": 7,
    "business": 14, "science": 9, "crime": 12, "culture": 9,
}  # fmt: skip
TITLE_TEMPLATES = [
    "{Name} {actors} {verb} over {noun}",
    "{Place}: {actors} {verb} as {noun} row deepens",
    "{Org} faces {noun} as {actors} {verb}",
    "{actors_cap} to {verb} in {Place} {noun} dispute",
    "{Name} says {noun} will not stop {actors}",
    "{Number} {noun}: {actors} in {Place} {verb}",
    "Why {actors} in {Place} {verb}",
    "{Org} and {Name}: what the {noun} means",
    "{Place} {noun} leaves {Org} under pressure",
    "{actors_cap} {verb} after {Org} {noun} talks fail",
]
SENTENCES = [
    "{Name} said the {noun} at {Org} would go ahead in {Place}.",
    "{actors_cap} in {Place} will {verb} on {day}, according to {Org}.",
    "The {noun} follows months of {common} over {noun2} at {Org}.",
    "{Org} said it was {adj} that {actors} would {verb}.",
    "Officials in {Place} said {Number} {common} were affected by the {noun2}.",
    "{Name}, who leads {Org}, called the {noun} {adj}.",
    "A spokesperson for {Org} said talks with {Name} would continue this {common}.",
    "Critics said the {noun2} showed {common} in {Place} had run out of patience.",
    "The {fact} and the {fact2} were at the centre of the {noun}.",
    "{Name} pointed to the {fact} and said {Number} was the figure that mattered.",
    "At the {fact} in {Place}, the mood over the {fact2} was {adj}.",
    "Questions about the {fact3} and the {fact} remain unanswered.",
    "The {fact2}, the {fact3} and the {fact4} are all affected.",
]
FACTS = (
    "depot roster pension overtime tunnel bridge hospital runway harbour warehouse pipeline reservoir "
    "contract bonus inquiry audit leak memo petition subsidy levy tariff quota licence permit mortgage "
    "refinery smelter turbine reactor substation viaduct bypass ferry terminal platform signal junction "
    "ward clinic ambulance vaccine antibiotic scanner laboratory archive museum stadium arena pavilion "
    "festival gallery library cathedral chapel school campus dormitory canteen kitchen bakery brewery "
    "vineyard orchard fishery quarry colliery foundry mill factory plant workshop garage showroom "
    "helicopter drone satellite rocket probe telescope microscope battery charger cable router server "
    "algorithm password firewall ransomware breach outage glitch patch update upgrade recall lawsuit "
    "verdict appeal injunction warrant bail ransom heist fraud embezzlement bribery smuggling poaching "
    "flooding drought wildfire avalanche landslide tremor eruption tornado hailstorm blizzard heatwave "
    "mayor governor senator envoy ambassador admiral general colonel sergeant constable magistrate "
    "referendum coalition manifesto budget deficit surplus bond dividend merger takeover buyout "
    "pitch trophy medal podium relay marathon regatta derby final semifinal qualifier transfer loan "
    "lorry tanker barge trawler yacht tram coach minibus scooter tractor crane forklift excavator "
    "motorway roundabout underpass flyover footbridge towpath marina lighthouse pier promenade "
    "allotment orchard meadow moorland wetland estuary lagoon glacier canyon valley ridge summit "
    "census survey blueprint dossier ledger invoice receipt voucher coupon ticket fare "
    "timetable curfew lockdown quarantine evacuation rescue airlift convoy shelter bunker barracks "
    "helpline hotline app website portal database spreadsheet prototype patent trademark copyright "
    "sponsor donor charity foundation endowment scholarship bursary grant loan overdraft pension-pot "
    "diesel petrol hydrogen lithium cobalt copper nickel steel aluminium timber cement asphalt glass "
    "wheat barley maize rice sugar cocoa coffee tea salmon cod mackerel lamb beef poultry dairy "
    "asbestos mould damp subsidence sewage landfill recycling compost emissions smog pollen noise"
).split()
SUFFIXES = {
    "industrial": ["Union", "Rail", "Trust", "Workers' Union", "Council", "Group"],
    "football": ["FC", "United", "Athletic", "Rovers"],
    "business": ["Group", "Holdings", "plc", "Ltd"],
    "crime": ["Police", "Crown Court", "Constabulary"],
}
ADJECTIVES = [
    "disappointing",
    "inevitable",
    "regrettable",
    "unacceptable",
    "welcome",
    "premature",
    "historic",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]


def _name(rng: random.Random, parts: int = 2) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(parts)).capitalize()


@dataclass
class Storyline:
    """A running story: an area and the names that recur across its events."""

    id: int
    area: str
    person: str
    place: str
    org: str
    actors: str


@dataclass
class Event:
    """One thing that happened, reported by one or more outlets."""

    id: int
    storyline: Storyline
    ts: float
    number: str
    nouns: list[str]
    verb: str
    extra_name: str
    facts: list[str]


@dataclass
class Synthetic:
    """A labelled story."""

    feed: int
    item: ParsedItem
    event: int
    storyline: int
    industrial: bool
    ambiguous: bool  # uses strike/ballot/union in a non-industrial sense


@dataclass
class Corpus:
    """All stories plus the feeds they belong to."""

    feeds: list[FeedConfig]
    stories: list[Synthetic] = field(default_factory=list)


def _fill(template: str, ev: Event, rng: random.Random, area: dict[str, list[str]]) -> str:
    sl = ev.storyline
    values = {
        "Name": rng.choice([sl.person, sl.person, ev.extra_name]),
        "Place": sl.place,
        "Org": sl.org,
        "actors": sl.actors,
        "actors_cap": sl.actors[:1].upper() + sl.actors[1:],
        "verb": ev.verb,
        "noun": ev.nouns[0],
        "noun2": rng.choice(ev.nouns[1:] or ev.nouns),
        "Number": ev.number,
        "common": rng.choice(COMMON),
        "adj": rng.choice(ADJECTIVES),
        "day": rng.choice(DAYS),
        "fact": ev.facts[0],
        "fact2": rng.choice(ev.facts[1:3]),
        "fact3": rng.choice(ev.facts[2:5]),
        "fact4": rng.choice(ev.facts[3:]),
    }
    return template.format(**values)


def _report(ev: Event, rng: random.Random, base: tuple[str, list[str]] | None) -> tuple[str, str]:
    """A headline and a lead: a near-verbatim reprint of `base`, or an independent write-up."""
    area = AREAS[ev.storyline.area]
    if base is not None and rng.random() < 0.5:
        title, sentences = base
        if rng.random() < 0.4:
            title = title.replace(" as ", " while ", 1)
        lead = sentences[: rng.randint(2, len(sentences))]
        return title, " ".join(lead) + " (Wire)"
    title = _fill(rng.choice(TITLE_TEMPLATES), ev, rng, area)
    if rng.random() < 0.5:
        title += f": the {ev.facts[rng.randrange(3)]} question"
    facts = [p for p in SENTENCES if "{fact" in p]
    picks = [*rng.sample(facts, 2), *rng.sample([p for p in SENTENCES if p not in facts], 2)]
    rng.shuffle(picks)
    lead = [_fill(p, ev, rng, area) for p in picks]
    return title, " ".join(lead)


def generate(n_stories: int = 50_000, n_feeds: int = 200, seed: int = 7, days: float = 30.0) -> Corpus:
    """Generate a labelled corpus of about `n_stories` stories."""
    rng = random.Random(seed)
    now = time.time()
    feeds = [
        FeedConfig(
            url=f"http://127.0.0.1:9/feed/{i}.xml",
            title=f"{_name(rng, 2)} {rng.choice(['News', 'Post', 'Herald', 'Times', 'Wire', 'Review'])}",
        )
        for i in range(n_feeds)
    ]
    corpus = Corpus(feeds)
    storylines: list[Storyline] = []
    areas = list(AREA_WEIGHTS)
    weights = [AREA_WEIGHTS[a] for a in areas]
    event_id = 0
    while len(corpus.stories) < n_stories:
        if not storylines or rng.random() < 0.35:
            area = rng.choices(areas, weights)[0]
            spec = AREAS[area]
            storylines.append(
                Storyline(
                    len(storylines),
                    area,
                    person=f"{_name(rng)} {_name(rng, 3)}",
                    place=_name(rng, 3),
                    org=f"{_name(rng, 2)} {rng.choice(SUFFIXES.get(area, ['Council', 'Agency', 'Trust', 'Group']))}",
                    actors=rng.choice(spec["actors"]),
                )
            )
            sl = storylines[-1]
        else:
            sl = rng.choice(storylines[-400:])
        spec = AREAS[sl.area]
        ev = Event(
            event_id,
            sl,
            ts=now - rng.random() * days * 86400,
            number=rng.choice(
                [
                    f"{rng.randint(2, 99)}-hour",
                    f"{rng.randint(2, 40)}%",
                    f"£{rng.randint(2, 900)}m",
                    f"{rng.randint(100, 9000)}",
                ]
            ),
            nouns=rng.sample(spec["nouns"], 3),
            verb=rng.choice(spec["verbs"]),
            extra_name=f"{_name(rng)} {_name(rng, 3)}",
            facts=[*rng.sample(FACTS, 5), _name(rng, 3)],
        )
        event_id += 1
        reports = 1 if rng.random() < 0.7 else rng.randint(2, 6)
        outlets = rng.sample(range(n_feeds), reports)
        base = None
        for k, feed in enumerate(outlets):
            title, lead = _report(ev, rng, base)
            if base is None:
                base = (title, [s.strip() + "." for s in lead.split(".") if s.strip()])
            ts = ev.ts + k * rng.uniform(300, 4 * 3600)
            guid = f"ev{ev.id}-f{feed}"
            text = f"{title} {lead}".lower()
            ambiguous = sl.area != "industrial" and any(
                w in text for w in ("strik", "ballot", "union", "walk out")
            )
            item = ParsedItem(
                key=story_key(guid, None, title, ts),
                guid=guid,
                link=f"http://127.0.0.1:9/{feed}/{ev.id}",
                title=title,
                summary=lead,
                content="",
                author="",
                published=ts,
                content_hash=content_hash(title, lead, ts),
            )
            corpus.stories.append(Synthetic(feed, item, ev.id, sl.id, sl.area == "industrial", ambiguous))
    corpus.stories = corpus.stories[:n_stories]
    return corpus


def strikes_topic() -> TopicConfig:
    """The example config's Strikes topic (the one users get)."""
    return next(t for t in parse(example_text()).topics if t.name == "Strikes")


def by_feed(corpus: Corpus) -> Iterator[tuple[int, list[Synthetic]]]:
    """Stories grouped by feed in time order, in batches like successive refreshes."""
    ordered = sorted(corpus.stories, key=lambda s: s.item.published or 0)
    batch: dict[int, list[Synthetic]] = {}
    for i, story in enumerate(ordered, 1):
        batch.setdefault(story.feed, []).append(story)
        if i % 2000 == 0:
            yield from batch.items()
            batch = {}
    yield from batch.items()


def build_store(path: Path, corpus: Corpus) -> tuple[Store, dict[int, Synthetic]]:
    """Write the corpus through the real Store API; return the store and labels by story id."""
    store = Store(path, [strikes_topic()])
    store.sync_feeds(corpus.feeds)
    store.ensure_topics()
    feed_ids = {f.url: f.id for f in store.feeds()}
    labels: dict[int, Synthetic] = {}
    for feed, stories in by_feed(corpus):
        ids, _ = store.save_items(feed_ids[corpus.feeds[feed].url], [s.item for s in stories])
        labels.update(zip(ids, stories, strict=True))
        store.cluster_pending()  # as the app does after each refresh
        store.index_pending()  # and as every refresh does at its end (full-text index)
    store.db.conn.execute("ANALYZE")
    return store, labels
