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
BUSY = "The assistant is busy answering other people right now. Please try again in a moment."
SEARCHED_FOR = "Searched for:"
ELLIPSIS = "…"
ANSWERED_QUESTION = "Answer to the question:"
NO_ATTRIBUTION = "Physician not named on the page"
