"""Every fixed sentence a user can see. Nothing else shown is ours: the rest are quotes."""

SOURCE_DISCLAIMER = (
    "These are physicians' answers to other patients' questions, quoted word for word from "
    "a public Q&A collection. They are not advice about your case: please ask your own "
    "physician before acting on them."
)

# Every reply ends with one of these: the one that fits what the reply holds.
EMERGENCY_DISCLAIMER = (
    "The physicians' answers in this reply were written for other patients' questions, not for an "
    "emergency like the one you describe. Get urgent care first; they are not advice about your case."
)
NO_QUOTES_DISCLAIMER = (
    "This assistant only quotes physicians' answers from a public Q&A collection; it cannot advise "
    "you about your case. Please ask your own physician."
)

# The first thing of a reply to a message that describes an emergency (DESIGN §6.4) ...
URGENT_CARE_NOTICE = (
    "Call 911 or your local emergency number now, or go to the nearest emergency department. "
    "What you describe can be a sign of a serious reaction: trouble breathing, swallowing or "
    "speaking, changes in vision, weakness that spreads, swelling of the throat or tongue, or skin "
    "turning white or blue after filler. Do not wait for an answer here."
)
# ... and to one that describes signs of infection after an injection.
SAME_DAY_NOTICE = (
    "Contact the clinic that treated you today. Fever, chills, redness that spreads, warmth or pus "
    "after an injection can be signs of infection, which needs a doctor's care the same day; if you "
    "cannot reach the clinic, see a doctor or an urgent care centre today."
)
# The panel every page shows, whatever the detector makes of a message (web/html.py):
# the signs that need emergency care, in the words of the products' warnings and the
# filler literature (red_flags/signs.py), said plainly.
WARNING_SIGNS_TITLE = "Emergency warning signs"
WARNING_SIGNS_INTRO = (
    "Call 911 or your local emergency number, or go to the nearest emergency department, if after "
    "a Botox or filler injection you have:"
)
WARNING_SIGNS = (
    "trouble breathing, swallowing or speaking, or a voice that changes",
    "double or blurred vision, or both eyelids drooping",
    "weakness spreading to your arms, legs or neck, or loss of bladder control",
    "fast swelling of your throat, tongue, lips or face, hives all over, or fainting",
    "after filler: skin turning white, blue, purple or grey, a lace-like pattern, a cold patch, "
    "pain that keeps getting worse, or any change in your vision",
)
WARNING_SIGNS_INFECTION = (
    "Fever, pus, or redness or swelling that spreads: contact the clinic that treated you today."
)
WARNING_SIGNS_LINK = "Warning signs"
# Under an emergency notice the quotes are folded away behind this control (in the
# terminal: a heading).
OTHER_CASES = "Physicians' answers to other patients' questions ({n}), not about an emergency like yours"

NO_ANSWER = (
    "No physician answer in this collection addresses that question. The collection covers "
    "complications after cosmetic procedures; try asking about one of those."
)
# With a filter on who answered (filters.py); {filter} reads 'specialty "plastic surgeon"
# and rating at least 4.5'.
FILTERED_TO = "Only answers from physicians with {filter} are shown."
NO_ANSWER_FILTERED = (
    "No answer from a physician with {filter} addresses that question. Remove or loosen the "
    "filter to search every physician's answers."
)
NO_PHYSICIAN_MATCHES = "No physician in this collection has {filter}. Remove or loosen the filter."
FILTER_LABEL = "Filter physicians"
SPECIALTY_LABEL = "Specialty contains (e.g. plastic surgeon, dermatolog)"
MIN_RATING_LABEL = "Lowest rating"
RATING_CHOICES = [  # (lowest rating kept, how it reads)
    (0.0, "Any rating, unrated included"),
    (3.0, "3 stars or more"),
    (3.5, "3.5 stars or more"),
    (4.0, "4 stars or more"),
    (4.5, "4.5 stars or more"),
    (5.0, "5 stars"),
]

EMPTY_MESSAGE = "Please type a question."
MESSAGE_TOO_LONG = "Please keep a message under {n} characters."
CONVERSATION_TOO_LONG = "This conversation has reached {n} messages. Please clear it to ask more."
COMMENT_PLACEHOLDER = "Add a comment to your vote (optional)"
SEND_COMMENT = "Send comment"
COMMENT_THANKS = "Thank you: your comment is recorded with your vote."
TOO_MANY_VOTES = "Thank you: your votes for the last minute are recorded. Please wait a moment before voting again."
FEEDBACK_BUSY = "Thank you. Many votes are arriving right now, so this one was not recorded; please try again in a minute."
FEEDBACK_FULL = "Thank you. Feedback is not being recorded at the moment: its store is full."
SEARCHED_FOR = "Searched for:"
# A follow-up is searched together with what came before it; the reply can show that.
READ_TOGETHER = "Read together with your earlier question"
YOU_ASKED = "You asked:"
COPY_REPLY = "Copy this reply"
SOURCE_IN_FULL = "The whole answer"
OPEN_ORIGINAL = "Open the original page"
COPY_CONVERSATION = "Copy conversation"
COPIED = "Copied"
PORT_IN_USE = "Port {port} on {host} is in use: start with --port N (or ASSISTANT_PORT=N) to use another."
ELLIPSIS = "…"
ANSWERED_QUESTION = "Answer to the question:"
NO_ATTRIBUTION = "Physician not named on the page"

# The browser app
APP_TITLE = "Physician answers"
APP_INTRO = (
    "Ask about a complication after a cosmetic procedure. Every reply quotes physicians' "
    "answers from a Q&A collection word for word, with who wrote them; nothing is written "
    "by this assistant. Click a reply to see its sources in full."
)
EXAMPLE_QUESTIONS = [
    "Will my lip paralysis from Botox go away?",
    "Can Botox in my forehead spread to my upper lip?",
    "My smile is crooked after Botox in my masseter. What can I do?",
    "Does exercising the muscles make Botox wear off faster?",
]
PLACEHOLDER = "Describe what happened or ask a question…"
MESSAGE_LABEL = "Your question"
COMMENT_LABEL = "Comment on your vote"
CONVERSATION_LABEL = "Conversation"
ASK_BUTTON = "Ask"
CLEAR_BUTTON = "Clear conversation"
EXAMPLES_LABEL = "Examples"
SOURCES_TAB = "Sources"
BROWSE_TAB = "Browse"
REPLY_PICKER_LABEL = "Sources of reply"
BROWSE_PICKER_LABEL = "All {n} pages in the collection"
SOURCES_TITLE = "Sources"
PATIENT_ASKED = "The patient asked:"
OPEN_WHOLE_PAGE = "Open the whole page: the question and all {n} answers"
NO_SOURCES = "Ask a question: the physicians' answers quoted in a reply are shown here in full."
NO_SOURCES_FOR_REPLY = "Reply {n} quotes no physician answer, so it has no sources."
