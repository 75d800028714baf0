"""The signs that need care now, as clinicians list them and as patients write them.

Sources, one per kind of emergency:

- Distant spread of botulinum toxin: the boxed warning on every botulinum toxin product's
  US label (BOTOX, Dysport, Xeomin, Jeuveau, Daxxify): "symptoms ... may include asthenia,
  generalized muscle weakness, diplopia, blurred vision, ptosis, dysphagia, dysphonia,
  dysarthria, urinary incontinence, respiratory difficulties, and breathing difficulties"
  (hours to weeks after the injection; swallowing and breathing difficulties can be life
  threatening).
- Anaphylaxis: Sampson HA et al., "Second symposium on the definition and management of
  anaphylaxis", J Allergy Clin Immunol 2006;117:391-7, and the World Allergy Organization
  Anaphylaxis Guidance 2020 (Cardona V et al., World Allergy Organ J 2020;13:100472):
  sudden skin or mucosal signs (hives or itching all over, swollen lips, tongue or throat)
  with trouble breathing (wheeze, a tight or closing throat, a changed voice), faintness
  or collapse, or persistent vomiting.
- Filler in or pressing on a blood vessel (vascular occlusion): DeLorenzi C,
  "Complications of injectable fillers, part 2: vascular complications", Aesthet Surg J
  2014;34:584-600; Cohen JL et al., "Treatment of hyaluronic acid filler-induced impending
  necrosis with hyaluronidase: consensus recommendations", Aesthet Surg J 2015;35:844-9;
  Beleznay K et al., "Avoiding and treating blindness from fillers: a review of the world
  literature", Dermatol Surg 2015;41:1097-117: pain out of proportion or getting worse;
  blanching; skin that stays white when pressed or is slow to turn pink again; a
  lace-like, net-like or mottled pattern (livedo); dusky, blue, purple, grey or black
  skin; a cool patch; blisters, pustules or dark scabs on it; any change of vision, eye
  pain or a drooping eyelid after filler.
- Infection (the same-day tier): Funt D, Pavicic T, "Dermal fillers in aesthetics: an
  overview of adverse events and treatment approaches", Clin Cosmet Investig Dermatol
  2013;6:295-316: fever or chills; pus or discharge; redness, warmth, swelling or a
  tender lump that spreads or grows day by day.

Each sign has word patterns (over reading.normalise()d text; `near` joins word groups
within a clause) and descriptions in lay words for the semantic evidence. Neither alone
decides: model.py weighs them with the context (is it figurative, someone else's story,
already over, only a question?), trained on 900 messages written blind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from assistant.models import Urgency
from assistant.red_flags.words import (
    BREATH,
    CHANGE,
    COLD,
    DIFFICULTY,
    FACE,
    FAST,
    FOOD,
    LIMBS,
    PAIN,
    SEVERE,
    SKIN_COLOUR,
    SKIN_PLACE,
    SPEAK,
    SPREAD,
    STUCK,
    SWALLOW,
    SWELLING,
    THROAT_TONGUE,
    VISION,
    WEAK,
    WORSE,
    near,
)


class Kind(str, Enum):
    TOXIN_SPREAD = "toxin_spread"
    ANAPHYLAXIS = "anaphylaxis"
    VASCULAR = "vascular_occlusion"
    INFECTION = "infection"

    @property
    def urgency(self) -> Urgency:
        return Urgency.SAME_DAY if self is Kind.INFECTION else Urgency.EMERGENCY


@dataclass(frozen=True)
class Sign:
    key: str
    kind: Kind
    name: str  # what the reply's red_flags call it
    patterns: tuple[str, ...]
    descriptions: tuple[str, ...]  # how patients describe it, for the semantic evidence
    # A sign that is an emergency only beside another (dizziness, vomiting: anaphylaxis
    # needs them with skin or breathing signs); the patterns-only rule needs a partner.
    weak: bool = False

    @property
    def urgency(self) -> Urgency:
        return self.kind.urgency


T, A, V, I = Kind.TOXIN_SPREAD, Kind.ANAPHYLAXIS, Kind.VASCULAR, Kind.INFECTION

SIGNS: tuple[Sign, ...] = (
    # --- Distant spread of botulinum toxin (boxed warning)
    Sign("breathing", T, "trouble breathing", (
        near(DIFFICULTY, BREATH),
        near(BREATH, r"short|shallow|half|stops?|stopping|quick|fast|heavy|fill|bottom|deep|enough|straw|stirrer|"
             r"catch|effort|work|sat on|sitting on|squeez\w*|tight", 4),
        r"\bwheez\w*|\bwhistl\w* when i breathe|\bgasp\w*|\bgulp\w* (?:for )?air|suffocat\w*|\bwinded\b|out of breath|"
        r"short(?:ness)? of br[ea]{1,2}th|catch (?:my|her|his) br[ea]{1,2}th|(?:get|getting|enough) air|air hung\w*|"
        + near(r"chest", r"tight\w*|heavy|sat on|sitting on|squeez\w*|crushed|cannot fill", 3),
    ), (
        "I can't breathe properly and I'm struggling to get air in",
        "I'm short of breath and have to stop to catch my breath walking across a room",
        "every breath stops halfway, I can't get a full breath in",
        "it feels like breathing through a straw",
        "my chest feels tight and heavy and I can't fill my lungs",
        "I'm wheezing and gasping for air",
        "breathing is hard work and gets worse lying down",
        "he is breathing very shallow and fast and can't take a deep breath",
    )),
    Sign("swallowing", T, "trouble swallowing", (
        near(DIFFICULTY, SWALLOW),
        near(FOOD, STUCK, 6),
        r"\bchok(?:e|es|ed|ing)\b|wrong (?:way|pipe)|comes? (?:back )?out (?:of )?my nose",
        near(DIFFICULTY, r"(?:get|keep|force) (?:\w+ ){0,2}down", 2),
        near(r"spit|saliva|dribbl\w*", r"cannot|unable|swallow\w*|get (?:it )?down|keep spitting|into a tissue", 4),
    ), (
        "I have trouble swallowing, food and drink get stuck in my throat",
        "I choke when I drink and liquid comes back out of my nose",
        "every sip goes down the wrong way and I end up coughing",
        "I can't get my own saliva down and keep spitting into a tissue",
        "food sticks halfway down and I can barely eat",
        "swallowing takes a lot of effort and pills won't go down",
        "she coughs and splutters every time she eats or drinks",
    )),
    Sign("speech", T, "trouble speaking", (
        near(DIFFICULTY, SPEAK),
        r"\bslur\w*|\bslurr\w*|garbl\w*|mumbl\w*|sound\w* (?:like (?:i am|i'm|she is|he is|she's|he's) )?drunk|"
        r"talk\w* like (?:i am|i'm|she is|he is|she's|he's|someone|somebody)? ?drunk|"
        r"(?:say|saying|said|use|using) the wrong words?|wrong words?|words (?:come|are coming|coming) out|"
        r"mushy|slushy|marbles|mouthful of|"
        + near(r"speech|voice|words|talking", r"slow|thick|slurred|weird|strange|different|odd|funny|nasal|jumbled|mixed", 3) + "|"
        + near(r"mouth|lips|tongue", r"(?:will not|cannot|unable to) (?:shape|form|make|say)|clumsy|thick|fat|heavy|too big|useless", 3),
    ), (
        "my speech is slurred and my words come out wrong",
        "I sound drunk when I talk but I haven't had a drink",
        "I keep saying the wrong words and my tongue feels clumsy",
        "it takes real effort to get a sentence out and my mouth won't shape the words",
        "my tongue feels fat and thick and my words are mushy",
        "he talks like he has a mouthful of marbles",
    )),
    Sign("voice", T, "hoarse or weak voice", (
        r"\bhoarse\w*|\bhorse voice|" + near(r"voice", r"hoarse|raspy|croaky|gone|lost|weak\w*|chang\w*|different|quiet|"
                                              r"nasal|wobbly|breathy|strange|faint|whisper\w*|small|tiny|thin|other", 3),
    ), (
        "my voice has gone hoarse and weak",
        "my voice sounds nasal and weak and it's an effort to talk",
        "I can only whisper, my voice has gone",
    )),
    Sign("vision", T, "double or blurred vision", (
        r"doubl\w* (?:vis[io]{1,2}n|visoin)|(?:see|seeing|sees|saw) (?:double|two of|2 of)|two of everything|2 of everything|"
        r"(?:look|looks|looking|are|is|words are|letters are) doubl\w*|\bdoubling\b|ghost\w* (?:image|copy)|"
        + near(r"blur\w*|fuzzy|foggy|cloudy|hazy|swim\w*", VISION + r"|everything|things|words|letters|page|screen|sign\w*", 4) + "|"
        + near(r"eyes?", r"(?:cannot|will not|do not|does not|unable to) (?:focus|work together|line up)", 3) + "|"
        + near(r"(?:cannot|unable to|barely|hardly) (?:read|see)", r"since|after|anything|properly|clearly|straight|words|page", 4),
    ), (
        "I have double vision and see two of everything",
        "my vision is blurred and my eyes will not focus",
        "the words on the page swim together and I can't read",
        "I see a ghost image next to everything",
    )),
    Sign("eyelids", T, "drooping eyelids that spread", (
        near(r"both(?: of)?(?: my| her| his)? (?:eye ?)?lids|both(?: my| her| his)? eyes|eyelids|lids", r"droop\w*|clos\w*|fall\w*|shut|heavy", 5),
        r"(?:cannot|unable to|barely|hardly) (?:keep|hold) (?:my |her |his )?eyes open",
    ), (
        "both my eyelids are drooping and I can't keep my eyes open",
    )),
    Sign("weakness", T, "weakness spreading beyond the treated area", (
        near(WEAK, LIMBS, 4),
        near(r"weak\w*", r"spread\w*|all over|everywhere|whole", 8),
        near(DIFFICULTY, r"(?:lift|raise|move|hold|grip)\w*(?: up)?(?: my| her| his)? (?:arms?|legs?|head|hands?|a cup|a kettle|things)|"
             r"climb\w*|grip\w*|stand\w*|walk\w*|get up|stairs|rise|brush (?:my|her|his) hair|open (?:a )?jar", 3),
        r"\bhold (?:my |her |his )?head up\b|head (?:keeps |is )?(?:dropping|drooping|flopping|falling|lolling|nodding)|"
        r"too weak to|(?:legs|knees) (?:gave|give|giving|keep giving) (?:way|out)|"
        r"(?:cannot|unable to|struggl\w* to) get (?:up )?(?:the )?stairs",
    ), (
        "the weakness is spreading to my arms and legs",
        "my whole body feels weak and heavy",
        "my neck is too weak to hold my head up and it keeps dropping forward",
        "she can't get up from a chair or climb the stairs any more",
        "my arms feel like lead and I can't lift a kettle",
        "my legs keep giving way when I walk",
    )),
    Sign("bladder", T, "loss of bladder control", (
        near(r"bladder|pee\w*|urin\w*|wee|wees|wetting|wet myself|wet herself|wet himself|toilet",
             r"control\w*|leak\w*|cannot hold|hold|wet\w*|myself|accident\w*|in time", 4),
        r"incontinen\w*|wet (?:myself|herself|himself|the bed)|peed (?:myself|herself|himself)|accidents? (?:with|of) (?:my )?bladder",
    ), (
        "I have lost control of my bladder",
        "I've wet myself with no warning, which has never happened before",
        "I can't hold my pee any more",
    )),
    # --- Anaphylaxis (Sampson 2006; WAO 2020)
    Sign("throat", A, "throat or tongue swelling", (
        near(THROAT_TONGUE, SWELLING, 4),
        r"(?:hand|something) (?:squeezing|round|around|tight round|closing) (?:my )?throat|throat (?:is |feels )?(?:closing|tight|narrow\w*)|"
        r"(?:cannot|can't) close (?:my|her|his) mouth",
    ), (
        "my throat and tongue are swelling up",
        "my throat feels tight like it is closing",
        "it feels like a hand squeezing my throat from the inside",
        "my tongue is swelling and I can't close my mouth",
    )),
    Sign("face_swelling", A, "face, lips or eyes swelling fast", (
        near(FACE, SWELLING, 4) + r"(?=.*\b(?:" + FAST + r")\b)",
        near(FACE + r"|whole face", r"swel\w*|swol+en|puff\w*|ballon\w*|balloon\w*|blow\w* up|huge|massive|slits|closing|shut", 4)
        + r"(?=[^|]*\b(?:" + FAST + r"|vomit\w*|dizzy|itch\w*|hives|cannot breathe|throat)\b)",
    ), (
        "my face and lips are swelling up fast, bigger every minute",
        "my eyes are swelling shut and my lips are huge within minutes of the injection",
        "my face is ballooning and I feel dizzy",
    )),
    Sign("hives", A, "hives or itching all over", (
        near(r"hives|welts|rash\w*|itch\w*|bumps|blotches|red patches|raised|spots", r"all over|everywhere|whole body|my body|"
             r"all (?:my )?body|chest and back|arms and|spreading|legs", 5),
    ), (
        "I have hives all over my body and my face is swelling",
        "raised itchy welts are spreading over my chest and back",
        "red itchy bumps all over my body since the injection",
    )),
    Sign("faint", A, "fainting or collapse", (
        r"\bfaint\w*|passed out|pass(?:ing)? out|black(?:ed|ing)? out|collaps\w*|lost consciousness",
    ), (
        "I fainted and feel like I'm going to pass out",
        "I collapsed after the injection",
    )),
    Sign("dizzy", A, "dizziness or a racing heart", (
        r"light-? ?headed|\bdizz\w*|room (?:is )?spinning|heart (?:is )?(?:racing|pounding|going (?:so )?fast|beating (?:so )?fast)|"
        r"palpitat\w*",
    ), (
        "I feel light-headed and my heart is racing",
        "I feel dizzy and have to lie down",
    ), weak=True),
    Sign("vomiting", A, "vomiting with swelling", (
        r"\bvomit\w*|throw\w* up|threw up|being sick|\bsick\b",
    ), (
        "I threw up and my face is swelling",
    ), weak=True),
    Sign("allergy", A, "allergic reaction", (r"anaphyla\w*|allergic reaction|allergy attack",), (
        "I'm having an allergic reaction to the injection",
    )),
    # --- Filler in or pressing on a blood vessel (DeLorenzi 2014; Cohen 2015; Beleznay 2015)
    Sign("skin_colour", V, "skin turning white, blue, purple, grey or mottled", (
        near(CHANGE + "|" + SKIN_PLACE, SKIN_COLOUR, 3),
        r"\b(?:lacy|lace-like|net-like|web-like|spider ?web|mottled|marbled|livedo|blanched|blanching|dusky)\b",
    ), (
        "the skin near my filler turned white and then blue",
        "the skin around the filler looks dusky, mottled and grey",
        "there is a purple net-like pattern under the skin where the filler went",
        "a blotchy patch that is part pale part dusky near the filler",
        "the tip of my nose has gone a purple colour",
        "a white strip of skin runs up from where the filler went in",
        "the area has gone dark, almost black",
    )),
    Sign("cold", V, "a cold patch", (
        near(COLD, SKIN_PLACE + r"|touch|feel\w*", 3),
    ), (
        "the skin around the filler feels cold to the touch compared to the other side",
        "the patch is icy cold and paler than the rest of my face",
    )),
    Sign("refill", V, "skin that stays white when pressed", (
        r"stays? (?:white|pale)|(?:does not|did not|will not) (?:go|turn|come) (?:back )?(?:pink|red)|"
        r"(?:colou?r|pink) (?:takes|took|is slow|comes? back slow)|slow to (?:go|turn|come) back|"
        r"takes? (?:ages|long|forever|a while|a long time|\d+ seconds) (?:for (?:the )?(?:colou?r|pink)|to (?:go|turn|come))|"
        + near(r"press\w*|push\w*", r"white|pale|colou?r|pink|ages|seconds|slow\w*", 8),
    ), (
        "when I press the area it stays white and is slow to turn pink again",
        "the colour takes ages to come back after I press my finger on it",
    )),
    Sign("pain", V, "pain that is severe or getting worse", (
        near(SEVERE, PAIN, 6),
        near(PAIN, WORSE, 15),
        r"hurts? (?:more|a lot more) than|more (?:painful|sore) (?:by|every|than)",
    ), (
        "severe pain after my filler that keeps getting worse",
        "the pain is out of proportion and more intense every hour",
        "it hurts more than it should and it is getting worse, not better",
    )),
    Sign("blisters", V, "blisters, pustules or dark scabs", (
        r"\bblister\w*|\bpustul\w*|white-?head\w* spots|\bscab\w*|\bcrust\w*|\bnecros\w*|skin (?:is )?dying|dead skin",
    ), (
        "blisters are forming in one patch where the filler went",
        "tiny pustules in one patch and the skin around them is dusky",
        "a dark crusty scab is forming where the filler was",
    )),
    Sign("filler_vision", V, "a change of vision", (
        near(r"eyes?|vis[io]{1,2}n|sight|see\w*|colou?rs?",
             r"dark|black|blind|gr[ae]y|gone|went out|lost|losing|loss|spot|blob|shadow|curtain|dim\w*|fog\w*|mist\w*|"
             r"steam\w*|brightness|washed out|faded|less|blurr?\w*|hazy", 6),
        r"(?:cannot|unable to|barely|hardly) see (?:out of|anything|properly|clearly|well|straight|with|from|through)|"
        r"(?:cannot|unable to|barely|hardly) see$|\bblind\w*|seeing less",
    ), (
        "I suddenly lost the vision in one eye after filler",
        "there is a dark spot or shadow in my vision since the filler",
        "it is like a curtain came down over half my vision",
        "my sight in one eye is dim and misty since the filler",
        "colours look washed out in one eye after the filler",
    )),
    Sign("eye_after_filler", V, "eye pain or a drooping eyelid after filler", (
        near(r"eye ?lid|eyelid|lid", r"droop\w*|dropp\w*|drop|fall\w*|fell|heavy|cannot open", 4),
        near(r"eye|eyes", r"pain\w*|hurt\w*|ache\w*|aching", 3),
    ), (
        "my eye hurts and the eyelid dropped right after the filler near it",
    )),
    # --- Infection: the same-day tier (Funt & Pavicic 2013)
    Sign("fever", I, "fever or chills", (
        r"\bfever\w*|\btemp(?:erature)? (?:of|is|was|went|has)|(?:high|running a) temp\w*|\bchills\b|shiver\w*|\bsweats\b|hot and cold",
    ), (
        "I have a fever and chills since the filler",
    )),
    Sign("discharge", I, "pus or discharge", (
        r"\bpus\b|\bpuss\b|ooz\w*|discharg\w*|weeping|gunk|gooey|yellow\w* (?:stuff|head|fluid|crust|liquid)|"
        r"green\w* (?:stuff|gunk|fluid|liquid)|abscess|" + near(r"leak\w*|coming out", r"yellow\w*|green\w*|stuff|fluid|liquid", 4)
        + r"|smells? (?:bad|off|funny|foul)",
    ), (
        "the injection site is oozing pus",
        "yellow or green stuff is coming out of an injection point and it smells",
    )),
    Sign("spreading", I, "redness or swelling that spreads or grows", (
        near(r"red\w*|swel\w*|swol+en|warm|hot|lump|firm|hard", SPREAD, 8),
        r"red (?:streaks?|lines?)|(?:hot|warm) to (?:the )?touch|hot,? (?:and |n )?(?:hard|red)|red,? (?:and |n )?hot|"
        r"angry red|turned angry",
    ), (
        "the injection site is red, warm, swollen and getting bigger every day",
        "a hot hard tender lump that grows and hurts more each day",
        "the redness is spreading across my cheek more each day",
    )),
)

def compiled_patterns() -> list[tuple[Sign, re.Pattern]]:
    return [(sign, re.compile(pattern)) for sign in SIGNS for pattern in sign.patterns]
