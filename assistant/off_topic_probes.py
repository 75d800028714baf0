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
