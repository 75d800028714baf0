"""Everyday messages that no health page answers, used to calibrate abstention per corpus.

How close an unrelated message comes to a corpus depends on the corpus: against the three
bundled Botox pages these messages reach at most 0.27, against MEDIQA's 1,657 general
health pages 0.38, and some messages of the evaluation set 0.44 there ("how to unclog a
sink" half-matches a page on chemical burns). So the relevance
floor is not one number for every corpus: relevance.py asks these messages of the loaded
corpus and sets the floor just above what they reach.

Written for this purpose, separately from (and without reading) the evaluation set
bench/off_topic_general.json, which measures the result. Many domains, several phrasings
each, some of them household matters that brush against health words (cleaning
products, pests, pets), because those are the ones a large health corpus half-matches.
"""

from __future__ import annotations

OFF_TOPIC_PROBES: tuple[str, ...] = (
    # vehicles
    "my car makes a grinding noise when I brake, do I need new pads?",
    "how often should I rotate the tires on a pickup truck",
    "the check engine light came on after I filled up with gas",
    "what is the best way to jump start a dead battery",
    # money and paperwork
    "can I deduct my home office on my federal tax return?",
    "how do I roll over an old 401k into an IRA",
    "what happens if I pay my credit card bill two days late",
    "how long does it take to renew a passport by mail",
    # cooking
    "how long do I roast a 12 pound turkey at 325 degrees",
    "my sourdough bread comes out flat and dense, what am I doing wrong?",
    "can I substitute baking soda for baking powder in cookies",
    "what wine goes well with grilled salmon",
    # house and garden
    "how do I fix a toilet that keeps running after it flushes",
    "what paint finish is best for a kitchen wall",
    "my tomato plants have yellow leaves at the bottom",
    "how do I get rid of ants in the kitchen without spraying",
    "how to remove mold from the grout in my shower",
    "when should I plant tulip bulbs in the fall",
    "the wifi router keeps dropping the connection every evening",
    # pets
    "how often should I feed a six month old puppy",
    "my cat keeps scratching the couch, how do I stop her",
    "what size tank does a goldfish need",
    # computers and phones
    "my laptop fan is loud and the battery drains fast",
    "how do I transfer photos from my iphone to a windows pc",
    "excel formula to count cells that contain text",
    "python script throws a key error when reading a json file",
    # travel, sport, leisure
    "what is the cheapest time of year to fly to Japan",
    "do I need a visa to visit Canada from Mexico",
    "how do I improve my golf swing to stop slicing",
    "which hiking boots are good for wide feet",
    "how many players are on a rugby union team",
    "easy chords for a beginner guitar song",
    # work, school, law
    "how do I write a cover letter for a teaching job",
    "can my landlord keep my security deposit for normal wear",
    "tips for studying for the bar exam while working full time",
    "what is the difference between an llc and an s corp",
    # shopping and clothes
    "how do I get red wine out of a white cotton shirt",
    "is it worth buying an extended warranty for a washing machine",
    "which is better for a small apartment, a gas or electric stove",
    "how do I shrink a wool sweater that stretched",
)

# Harder: everyday messages that share a health corpus's words (a pet's health, a plant's
# disease, cooking with medicinal herbs, a child's timetable, a car's "symptoms"), so a
# health page half-matches them. Written for calibration, not from any evaluation set.
HARD_OFF_TOPIC_PROBES: tuple[str, ...] = (
    # pets and animals
    "my dog keeps vomiting after eating grass, should I change his food",
    "my cat has a runny eye and keeps sneezing, is it a cold",
    "how do I get my puppy to stop biting when he is teething",
    "our rabbit stopped eating hay and seems bloated",
    "my horse is limping on his front left leg after a ride",
    "what vaccines does a kitten need in the first year",
    "my parrot is pulling out his feathers",
    "how often should I deworm my dog",
    # plants and garden
    "my tomato leaves have black spots, is it blight",
    "how do I treat root rot in a peace lily",
    "white powdery mildew on my zucchini plants",
    "my basil is wilting even though I water it every day",
    "aphids all over my roses, what spray is safe",
    "why are the leaves on my fiddle leaf fig turning brown",
    # cooking with herbs and foods
    "how do I make a turmeric latte with oat milk",
    "can I freeze fresh ginger for cooking",
    "recipe for garlic and honey chicken wings",
    "how long do I steep chamomile for iced tea",
    "what can I use instead of eggs when baking a cake",
    "how do I ferment cabbage into sauerkraut at home",
    # children, school, family
    "what time does the school bus usually come in the morning",
    "my son has football practice and homework, how do I plan his week",
    "ideas for a seven year old's birthday party at home",
    "how much pocket money should a ten year old get",
    "my daughter wants to quit piano lessons, should I let her",
    # cars and machines
    "my car engine is overheating on the motorway",
    "the washing machine is leaking water from the bottom",
    "my laptop battery is swollen, is it dangerous to use",
    "the car makes a knocking sound when it is cold in the morning",
    "my bike chain keeps slipping off when I change gear",
    # money, work, sport, beauty (not medical)
    "how do I cure a leather baseball glove",
    "what is a good treatment for a scratched wooden table",
    "which nail polish colour lasts longest",
    "best hair dye for covering grey at home",
    "my team keeps losing, how do we improve our defence",
    "how do I stop my glasses fogging up with a mask",
    "the company is bleeding money, how do we cut costs",
    "what are the symptoms of a failing hard drive",
    "how do I diagnose why my wifi keeps dropping",
    "what causes rust on a car and how do I stop it spreading",
)
