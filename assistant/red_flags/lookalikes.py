"""What the semantic evidence compares a message with besides the signs (signs.py): the
ordinary effects of these treatments, questions about warning signs, and other everyday
messages that share an emergency's words.
"""

from __future__ import annotations

# Look-alikes: what the semantic evidence compares a message with besides the signs.
LOOKALIKES: dict[str, tuple[str, ...]] = {
    "ordinary": (  # the expected local effects of these treatments
        "I can't drink through a straw or whistle after a lip flip",
        "it is hard to say words with p and b since my lip flip",
        "water dribbles from the corner of my mouth since Botox around my lips",
        "my eyes feel dry since the crows feet Botox",
        "the filler in my lips looks too big and I want it dissolved",
        "a bruise that is turning green and yellow and fading",
        "a small hard lump in my lip that does not hurt",
        "my lip feels weak and droops after Botox",
        "my smile is uneven and crooked after Botox",
        "my eyebrow droops after Botox in my forehead",
        "one eyelid is slightly heavy after forehead Botox",
        "I drool a little when I drink since the lip flip",
        "I have a bruise where the needle went in",
        "my lips are swollen and lumpy after lip filler",
        "there is a small lump where the filler was injected",
        "my lip feels numb and tingly after filler",
        "I have a mild headache after Botox",
        "the injection site is tender and a little sore",
        "my Botox didn't work and my lines are still there",
        "my forehead feels tight and heavy after Botox",
        "my jaw feels weak when I chew after masseter Botox",
        "small red dots at the injection points that fade",
        "swelling and puffiness under my eyes after tear trough filler",
        "my vision is fine and my breathing is normal",
        "I can swallow, talk and breathe without any problem",
    ),
    "figurative": (  # symptom words not about the body
        "the price took my breath away",
        "I nearly died laughing",
        "I choked when I saw the bill",
        "that news was hard to swallow",
        "I went white as a sheet when I saw the needle but it was fine",
        "I was blind to how much it would cost",
        "I'm feeling blue about the results",
        "my bank account is bleeding after all these appointments",
        "the results were double what I expected",
        "I nearly fainted when I saw how good it looks",
        "my jaw dropped at the quote",
        "the whole experience left me cold",
    ),
    "not_bodily": (  # the same words about things
        "which lipstick shade goes with a blue dress",
        "my after photo is blurry",
        "the clinic room was freezing cold",
        "white nail polish and a black dress for the party",
        "my eyes are blue and I want to keep them that colour",
        "the lines on my forehead faded",
        "my phone screen has a grey patch on it",
    ),
    "story": (  # someone else's, or the past, or read about
        "my friend had this happen years ago but she is fine now",
        "I read a story online about someone going blind from filler, how rare is that",
        "I watched a documentary about a bad reaction",
        "it happened to me once years ago and went away completely",
        "I had this after a treatment last year but it cleared up",
        "my aunt had trouble swallowing after Botox a long time ago and recovered",
    ),
    "question": (  # asking about a risk, not describing one
        "can Botox cause trouble breathing?",
        "what should I do if my lip turns white after filler?",
        "how common is blindness after filler?",
        "what are the warning signs to watch for after my injection?",
        "I'm worried about getting double vision, is that possible?",
        "should I go to the hospital if I get a reaction?",
    ),
}
