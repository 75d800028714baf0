"""The word groups sign patterns are built from, and near() that joins two of them.

Each group tolerates inflection (\\w*) and the misspellings patients make; patterns run over
reading.normalise()d text, in which "|" marks a clause barrier.
"""


def near(a: str, b: str, gap: int = 3) -> str:
    """Word groups a and b within gap words of each other, in either order, in one clause
    (the clause barrier "|" is not a gap character)."""
    between = rf"(?:[^\w|]+\w+){{0,{gap}}}?[^\w|]+"
    return rf"(?:\b(?:{a})\b{between}\b(?:{b})\b|\b(?:{b})\b{between}\b(?:{a})\b)"


# Word groups. Each tolerates inflection (\w*) and the misspellings patients make.
DIFFICULTY = (
    r"trouble|troubl\w*|difficult\w*|dificult\w*|hard|harder|problems?|struggl\w*|cannot|unable(?: to)?|barely|"
    r"hardly|impossible|labou?red|effort|hard work|so much work|issues?"
)
BREATH = r"br[ea]{1,2}th\w*|breth\w*|air|lungs?|inhal\w*"
SWALLOW = r"sw[aou]l+[aou]w?\w*|swal+ow\w*|swolow\w*"
SPEAK = r"speak\w*|spe+ch|talk\w*|words?|pronounc\w*|sentences?"
VISION = r"vis[io]{1,2}n\w*|eyesight|sight|eyes?|see|seeing|read|reading"
THROAT_TONGUE = r"thr[oa]{1,2}t\w*|t[ou]ng\w*|toung\w*|airway|windpipe"
SWELLING = r"swel+\w*|swol+en|puff\w*|clos\w*|tight\w*|thick\w*|huge|bigger|shut\w*|squeez\w*|narrow\w*|blow\w* up|ballon\w*|balloon\w*"
FOOD = r"food|foods|drinks?|drinking|water|liquids?|fluids?|pills?|tablets?|saliva|spit|tea|coffee|sips?|bread|meals?|eat|eating|bite|bites|mouthful"
STUCK = (
    r"stuck|lodged|wrong way|wrong pipe|nose|go down|goes down|going down|get down|won'?t go|choke|chok\w*|"
    r"cough\w*|splutter\w*|sputter\w*|gag\w*|halfway"
)
LIMBS = r"arms?|legs?|hands?|whole body|body|all over|everywhere|shoulders|neck|knees|grip|limbs"
WEAK = r"weak\w*|heavy|wobbly|jelly|floppy|limp|gave out|give out|giving out|gave way|giving way|like lead|no strength|dead weight"
SKIN_COLOUR = (
    r"white|whitish|pale|paler|pallid|blanch\w*|blue|bluish|blueish|purple\w*|violet|plum|lilac|gr[ae]y|greyish|grayish|"
    r"dusky|ashen|mottl\w*|blotch\w*|lacy|lace|net|netted|web|webbed|spider ?web|marbl\w*|livedo|black|blackish|"
    r"dark|darker|darkened|bruised"
)
SKIN_PLACE = (
    r"skin|patch|area|spot|bit|tip|nose|lips?|chin|cheeks?|forehead|brows?|temple|jaw\w*|side|corner|border|"
    r"strip|line|mark|blotch|it|she|he"
)
CHANGE = r"turn\w*|went|going|gone|goes|became|become|becoming|look\w*|is|are|got|getting|has|have|appear\w*|formed|forming|showing|looks"
COLD = r"cold|colder|cool|cooler|icy|ice cold|chilly|freezing|frozen"
SEVERE = (
    r"severe|excruciat\w*|unbearable|intense|extreme|terrible|worst|agoni\w*|horrible|awful|throbbing|killing|"
    r"so bad|really bad|so much|crying|screaming|out of proportion|(?:[89]|10) ?(?:out of|/) ?10"
)
PAIN = r"pain\w*|hurt\w*|ache|aching|aches|sore|throb\w*|sting\w*|burn\w*"
WORSE = r"worse|worsening|increasing|more and more|by the (?:minute|hour)|every (?:minute|hour)|more painful|more sore"
FAST = r"fast|quick\w*|rapid\w*|by the minute|every minute|in minutes|so quick|within minutes|suddenly|all of a sudden"
FACE = r"face|lips?|eyes?|eyelids?|lids|cheeks?|mouth|tongue|neck"
SPREAD = (
    r"spread\w*|bigger|growing|grown|expanding|every day|each day|worse|twice|creeping|larger|more and more|"
    r"more today|than yesterday|than yday|came back|coming back|every morning|past the line"
)
