"""Every fixed sentence a user can see. Nothing else shown is ours: the rest are quotes."""

SOURCE_DISCLAIMER = (
    "These are physicians' answers to other patients' questions, quoted word for word from "
    "a public Q&A collection. They are not advice about your case: please ask your own "
    "physician before acting on them."
)

URGENT_CARE_NOTICE = (
    "Trouble breathing, swallowing or speaking, double vision, or weakness that spreads can "
    "be signs of a serious reaction. Call 911 or your local emergency number, or go to the "
    "nearest emergency department, now."
)

NO_ANSWER = (
    "No physician answer in this collection addresses that question. The collection covers "
    "complications after cosmetic procedures; try asking about one of those."
)

EMPTY_MESSAGE = "Please type a question."
SEARCHED_FOR = "Searched for:"
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
