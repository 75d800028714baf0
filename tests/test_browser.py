"""End to end in a real browser: Debian's Chromium driven by Playwright against `python app.py`."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from assistant import wording

from .browser_support import (
    CONTRAST_JS,
    IN_VIEW_JS,
    SCREENSHOTS,
    RunningApp,
    new_page,
)
from .conftest import CORPUS, REPO
from .feedback_support import feedback_records

pytestmark = pytest.mark.browser

PHYSICIANS = {
    line.strip()
    for path in CORPUS.glob("*.txt")
    for line in path.read_text(encoding="utf-8").splitlines()
    if re.search(r", MD( \(retired\))?$", line.strip())
}


@pytest.fixture
def page(browser, running_app):
    page = new_page(browser, running_app.url, "desktop", "light")
    yield page
    page.context.close()


def ask(page, message: str, replies_before: int):
    page.fill("#message textarea", message)
    page.click("#send")
    page.wait_for_function(
        "n => document.querySelectorAll('#chat .pa-reply').length > n", arg=replies_before, timeout=60_000
    )
    return page.locator("#chat .pa-reply").nth(replies_before)


EMERGENCY = "I had Botox yesterday and now I have trouble swallowing and breathing, will it go away?"
WCAG_AA = 4.5  # minimum contrast for body text


def settled(page, reply):
    """The reply as shown once the chat has finished scrolling to it."""
    page.wait_for_function("e => e.getBoundingClientRect().top >= 0", arg=reply.element_handle(), timeout=5_000)
    page.wait_for_timeout(300)
    return reply


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("screen", ["desktop", "phone"])
def test_emergency_notice_is_the_first_thing_in_view_and_readable(browser, running_app, screen, scheme):
    page = new_page(browser, running_app.url, screen, scheme)
    ask(page, "Will my lip paralysis from Botox go away?", 0)  # a long reply before it, to scroll past
    reply = settled(page, ask(page, EMERGENCY, 1))
    page.screenshot(path=str(SCREENSHOTS / f"emergency-{screen}-{scheme}.png"))

    notice = reply.locator(":scope > :first-child")
    assert notice.inner_text() == wording.URGENT_CARE_NOTICE
    assert notice.evaluate(IN_VIEW_JS), "the urgent notice is not in view when the reply arrives"
    assert notice.evaluate(CONTRAST_JS) >= WCAG_AA
    # Nothing reassuring is read before it: the quotes are folded away behind a control
    # that says they are other patients' cases.
    control = reply.locator(".pa-other-cases > summary")
    cards = reply.locator(".pa-card")
    assert control.inner_text().strip() == wording.OTHER_CASES.format(n=cards.count())
    assert cards.count() >= 1 and not any(cards.nth(i).is_visible() for i in range(cards.count()))
    assert control.evaluate(CONTRAST_JS) >= WCAG_AA
    assert reply.locator(".pa-disclaimer").inner_text() == wording.EMERGENCY_DISCLAIMER
    # The sources panel leads with the notice too and keeps the answers folded.
    sources = page.locator("#sources .pa-sources")
    assert sources.locator(":scope > .pa-urgent").inner_text() == wording.URGENT_CARE_NOTICE
    assert not page.locator("#sources .pa-source").first.is_visible()

    control.click()
    assert cards.first.is_visible()
    page.context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("screen", ["desktop", "phone"])
def test_ordinary_reply_shows_its_first_quote_in_view_and_readable(browser, running_app, screen, scheme):
    page = new_page(browser, running_app.url, screen, scheme)
    ask(page, "Will my lip paralysis from Botox go away?", 0)
    reply = settled(page, ask(page, "Can Botox in my forehead spread to my upper lip?", 1))
    page.screenshot(path=str(SCREENSHOTS / f"ordinary-{screen}-{scheme}.png"))

    assert reply.locator(".pa-urgent").count() == 0 and reply.locator(".pa-other-cases").count() == 0
    card = reply.locator(".pa-card").first
    # The chat shows the start of the new reply, not its end: the best quote is in view.
    assert card.locator(".pa-cite").evaluate(IN_VIEW_JS) and card.locator(".pa-quote").evaluate(IN_VIEW_JS)
    for part in (".pa-quote", ".pa-author", ".pa-for", ".pa-cite"):
        assert card.locator(part).evaluate(CONTRAST_JS) >= WCAG_AA, part
    for part in (".pa-disclaimer", ".pa-copy"):
        assert reply.locator(part).evaluate(CONTRAST_JS) >= WCAG_AA, part
    page.context.close()


def test_conversation_with_sources_follow_up_and_abstention(page):
    page.screenshot(path=str(SCREENSHOTS / "1-first-visit.png"), full_page=True)

    reply = ask(page, "Will my lip paralysis from Botox go away?", 0)
    cards = reply.locator(".pa-card")
    assert cards.count() >= 1
    names = reply.locator(".pa-card .pa-author strong").all_inner_texts()
    assert names and set(names) <= PHYSICIANS
    assert reply.locator(".pa-disclaimer").inner_text() == wording.SOURCE_DISCLAIMER
    page.screenshot(path=str(SCREENSHOTS / "2-first-reply.png"), full_page=True)

    # The sources panel shows the first cited answer in full, with the quoted words highlighted.
    quote = cards.first.locator(".pa-quote").inner_text().strip("\u201c\u201d").strip(wording.ELLIPSIS)
    source = page.locator("#sources .pa-source").first
    assert source.locator("mark").inner_text() == quote
    full = source.locator(".pa-answer-full").inner_text()
    assert quote in full and len(full) >= len(quote)
    source.locator("details:not(.pa-asked) > summary").click()
    assert source.locator(".pa-page .pa-page-answer").count() >= 8  # the whole page opened
    page.screenshot(path=str(SCREENSHOTS / "3-sources.png"), full_page=True)

    follow_up = ask(page, "how long until it wears off?", 1)
    follow_up.locator(".pa-searched > summary").click()
    assert follow_up.locator(".pa-context").inner_text() == "Will my lip paralysis from Botox go away?"
    assert follow_up.locator(".pa-card").count() >= 1

    off_topic = ask(page, "What's a good recipe for banana bread?", 2)
    assert wording.NO_ANSWER in off_topic.inner_text()
    assert off_topic.locator(".pa-card").count() == 0
    assert page.locator("#sources").inner_text().strip() == wording.NO_SOURCES_FOR_REPLY.format(n=3)
    page.screenshot(path=str(SCREENSHOTS / "4-follow-up-and-no-answer.png"), full_page=True)

    # Clicking the first reply brings its sources back.
    page.locator("#chat .pa-reply").first.click()
    page.wait_for_function("() => document.querySelector('#sources h3')?.innerText.includes('[1]')", timeout=10_000)


def test_thumbs_are_recorded_in_the_feedback_store(page, running_app):
    ask(page, "Can Botox in my forehead spread to my upper lip?", 0)
    before = feedback_records(running_app.feedback)
    page.locator("#chat button[aria-label='Dislike']").last.click()
    page.wait_for_timeout(1500)
    lines = feedback_records(running_app.feedback)
    entry = lines[-1]
    assert len(lines) == len(before) + 1
    assert entry["vote"] == "down" and entry["message"] == "Can Botox in my forehead spread to my upper lip?"
    assert entry["answer_ids"] and entry["search_query"]


def test_browse_lists_every_page_and_opens_it(page):
    page.get_by_role("tab", name="Browse").click()
    page.locator("#page-picker input").click()
    options = page.get_by_role("option")
    assert options.count() == 3
    options.filter(has_text="Risk of Botox Migration in Face").click()
    page.wait_for_function("() => document.querySelector('#page h3').innerText === 'Risk of Botox Migration in Face'")
    assert page.locator("#page .pa-page-answer").count() == 8


HOSTILE_PAGE = """Eyebrow <script>window.__pwned = 'title'</script> twitch after Botox

My eyebrow twitches after Botox <img src=x onerror="window.__pwned='question'"> what now?

Doctor Answers 1

Eyebrow twitch ![x](http://127.0.0.1:9/tracker.png)
{{ voteCount >= 0 ? '+' + (voteCount + 1) : (voteCount + 1) }}
An eyebrow twitch after Botox settles on its own. <script>window.__pwned = 'answer'</script> See ![x](http://127.0.0.1:9/tracker.png) and [click](javascript:window.__pwned='link') for eyebrow twitch advice.

Jane Roe, MD
Boston Plastic Surgeon

These answers are for educational purposes and should not be relied upon."""


def test_hostile_page_is_shown_as_text_and_runs_nothing(browser, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    (corpus / "hostile.txt").write_text(HOSTILE_PAGE, encoding="utf-8")
    linked = {"id": "linked", "title": "Chin filler lump", "url": "https://example.org/chin-filler-lump",
              "answers": [{"id": "linked#1", "text": "A chin filler lump can be massaged or dissolved with hyaluronidase."}]}
    script = {"id": "script", "title": "Chin filler script", "url": "javascript:alert(1)",
              "answers": [{"id": "script#1", "text": "A chin filler lump answer with a script link."}]}
    (corpus / "linked.jsonl").write_text(json.dumps(linked) + "\n" + json.dumps(script) + "\n", encoding="utf-8")
    app = RunningApp(corpus, tmp_path)
    try:
        page = browser.new_page()
        requests = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(app.url)
        page.wait_for_selector("#message textarea", timeout=60_000)
        reply = ask(page, "my eyebrow twitches after Botox", 0)
        text = reply.inner_text()
        assert "<script>window.__pwned = 'answer'</script>" in text
        assert "![x](http://127.0.0.1:9/tracker.png)" in text
        assert "[click](javascript:window.__pwned='link')" in text
        page.get_by_role("tab", name="Browse").click()
        page.locator("#page-picker input").click()
        page.get_by_role("option").filter(has_text="Eyebrow").click()
        page.wait_for_function("() => document.querySelector('#page h3').innerText.startsWith('Eyebrow')")
        assert "<img src=x onerror=" in page.locator("#page").inner_text()
        assert "<script>" in page.locator("#page h3").inner_text()
        page.screenshot(path=str(SCREENSHOTS / "5-hostile-page.png"), full_page=True)
        # A thread's web address opens the original page in a new tab, without opener;
        # the thread whose url is javascript: was refused when the corpus was read.
        lump = ask(page, "I have a lump from chin filler", 1)
        original = lump.locator("a.pa-original")
        assert original.count() == 1 and original.get_attribute("href") == "https://example.org/chin-filler-lump"
        assert original.get_attribute("target") == "_blank" and original.get_attribute("rel") == "noopener noreferrer"
        assert page.locator("#sources a.pa-original").first.get_attribute("href") == "https://example.org/chin-filler-lump"
        assert "Chin filler script" not in lump.inner_text()
        assert page.evaluate("() => window.__pwned") is None
        assert page.locator("#chat img[src='x'], #page img, #sources img, a[href^='javascript']").count() == 0
        assert not [u for u in requests if "tracker.png" in u]
        page.close()
    finally:
        app.stop()


def test_api_endpoint_with_gradio_client(running_app):
    from gradio_client import Client

    client = Client(running_app.url, verbose=False)
    result = client.predict(["Will my lip paralysis from Botox go away?", "how long until it wears off?"], api_name="/ask")
    first, second = result["turns"]
    assert second["search_query"].startswith(first["message"])
    answers = {
        a["id"]: a
        for path in (REPO / "tests" / "golden").glob("*.json")
        for a in json.loads(path.read_text(encoding="utf-8"))["answers"]
    }
    for turn in (first, second):
        assert turn["quotes"] and not turn["abstained"]
        for quote in turn["quotes"]:
            assert quote["text"] in answers[quote["answer_id"]]["text"]
            assert quote["author"] == answers[quote["answer_id"]]["author"]
    off = client.predict(["What is the capital of Australia?"], api_name="/ask")
    assert off["turns"][0]["abstained"] and off["turns"][0]["quotes"] == []
    filtered = client.predict(["Will my lip paralysis from Botox go away?"], "dermatolog", 4.5, api_name="/ask")
    quotes = filtered["turns"][0]["quotes"]
    assert quotes and all(
        answers[q["answer_id"]]["author"]["rating"] >= 4.5 and "Dermatologic" in answers[q["answer_id"]]["author"]["title"]
        for q in quotes
    )


# ---------------------------------------------------------------------------------------
# The chat as a patient experiences it (issue 11)

def picker_entries(page) -> list[str]:
    """The reply picker's entries as listed (Gradio marks the chosen one with a check)."""
    page.locator("#reply-picker input").click()
    return [t.split("\n")[-1].strip() for t in page.get_by_role("option").all_inner_texts()]


def plain(page, selector: str) -> str:
    """Click a copy control and read back what it put on the clipboard."""
    page.locator(selector).click()
    return page.evaluate("() => navigator.clipboard.readText()")


def test_clear_forgets_the_conversation_not_just_the_messages(page):
    ask(page, "Will my lip paralysis from Botox go away?", 0)
    page.locator("#clear").click()
    page.wait_for_function("() => document.querySelectorAll('#chat .pa-reply').length === 0")
    reply = ask(page, "how long will it take?", 0)
    # Not read with the cleared question: it is about nothing on its own, so nothing is quoted.
    assert reply.locator(".pa-searched").count() == 0 and reply.locator(".pa-card").count() == 0
    assert page.locator("#sources").inner_text().strip() == wording.NO_SOURCES_FOR_REPLY.format(n=1)
    assert picker_entries(page) == ["1. how long will it take?"]
    page.keyboard.press("Escape")
    # The chat's own trash icon forgets everything too.
    ask(page, "Will my lip paralysis from Botox go away?", 1)
    page.locator("#chat button[aria-label='Clear']").click()
    # The icon empties the chat in the browser at once; the panel follows the server's clear.
    page.wait_for_function("t => document.querySelector('#sources .pa-empty')?.textContent === t",
                           arg=wording.NO_SOURCES, timeout=10_000)
    assert page.locator("#chat .pa-reply").count() == 0
    reply = ask(page, "how long will it take?", 0)
    assert reply.locator(".pa-searched").count() == 0 and reply.locator(".pa-card").count() == 0


def test_copy_gives_plain_text_with_quote_physician_and_question(page):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    reply = ask(page, "Will my lip paralysis from Botox go away?", 0)
    text = plain(page, "#chat .pa-reply >> nth=0 >> .pa-copy")
    first_quote = reply.locator(".pa-quote").first.inner_text().strip("\u201c\u201d").strip(wording.ELLIPSIS)
    name = reply.locator(".pa-author strong").first.inner_text()
    assert "<" not in text and text.startswith(f"{wording.YOU_ASKED} Will my lip paralysis from Botox go away?")
    assert first_quote in text and name in text and wording.ANSWERED_QUESTION in text
    assert text.rstrip().endswith(wording.SOURCE_DISCLAIMER)
    ask(page, "how long until it wears off?", 1)
    both = plain(page, "#copy-conversation")
    assert both.count(wording.YOU_ASKED) == 2 and "<" not in both


def test_a_follow_up_says_briefly_what_it_was_read_with(page):
    long_question = "Will my lip paralysis from Botox go away? " + "I am very worried about it. " * 100
    ask(page, long_question, 0)
    reply = ask(page, "how long until it wears off?", 1)
    detail = reply.locator(".pa-searched")
    assert detail.locator("summary").inner_text() == wording.READ_TOGETHER
    assert not detail.locator(".pa-context").is_visible()  # folded until asked for
    detail.locator("summary").click()
    shown = detail.locator(".pa-context").inner_text()
    assert shown.startswith("Will my lip paralysis from Botox go away?") and len(shown) <= 170 and shown.endswith(wording.ELLIPSIS)


def test_an_example_click_asks_it_and_the_picker_names_the_question(page):
    page.get_by_text(wording.EXAMPLE_QUESTIONS[1], exact=True).click()
    page.wait_for_function("() => document.querySelectorAll('#chat .pa-reply').length === 1", timeout=60_000)
    assert page.locator("#chat .pa-user").first.inner_text() == wording.EXAMPLE_QUESTIONS[1]
    assert page.locator("#chat .pa-card").count() >= 1
    assert picker_entries(page) == [f"1. {wording.EXAMPLE_QUESTIONS[1]}"]
    assert page.locator("#chat button[aria-label*='hare' i]").count() == 0  # no share icon


def test_two_votes_on_a_reply_leave_one_record_with_its_comment(page, running_app):
    ask(page, "Does exercising the muscles make Botox wear off faster?", 0)
    before = feedback_records(running_app.feedback)
    page.locator("#chat button[aria-label='Like']").last.click()
    page.wait_for_selector("#comment textarea", timeout=10_000)
    page.locator("#chat button[aria-label='Dislike']").last.click()
    page.fill("#comment textarea", "It answered a different question.")
    page.locator("#send-comment").click()
    page.wait_for_function("() => !document.querySelector('#comment textarea')?.offsetParent", timeout=10_000)
    lines = feedback_records(running_app.feedback)
    assert len(lines) == len(before) + 1
    record = lines[-1]
    assert record["vote"] == "down" and record["comment"] == "It answered a different question."


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_phone_reaches_a_replys_sources_in_one_tap(browser, running_app, scheme):
    page = new_page(browser, running_app.url, "phone", scheme)
    ask(page, "Will my lip paralysis from Botox go away?", 0)
    settled(page, ask(page, "Can Botox in my forehead spread to my upper lip?", 1))
    page.locator("#chat .pa-reply").first.locator(".pa-source-link").nth(1).tap()  # an older reply's 2nd quote
    target = page.locator("#sources #pa-src-2")
    page.wait_for_function("e => e.getBoundingClientRect().top >= 0 && e.getBoundingClientRect().top < innerHeight",
                           arg=target.element_handle(), timeout=10_000)
    assert page.locator("#sources h3").first.inner_text() == f"{wording.SOURCES_TITLE} [1]"
    assert target.locator(".pa-cite").evaluate(IN_VIEW_JS)
    # One scrolling page: the chat does not scroll inside it.
    assert page.evaluate("() => { const b = document.querySelector('#chat .bubble-wrap'); return b.scrollHeight <= b.clientHeight + 1; }")
    page.screenshot(path=str(SCREENSHOTS / f"phone-sources-{scheme}.png"))
    page.context.close()


APP_TEXT = [  # every element whose colour the app sets
    ".pa-urgent", ".pa-same-day", ".pa-notice", ".pa-cite", ".pa-quote", ".pa-author", ".pa-for", ".pa-links a",
    ".pa-disclaimer", ".pa-searched > summary", ".pa-copy", ".pa-other-cases > summary", "#sources mark",
]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_colour_the_app_sets_is_readable(browser, running_app, scheme):
    page = new_page(browser, running_app.url, "desktop", scheme)
    for n, message in enumerate([
        "Will my lip paralysis from Botox go away?", "how long until it wears off?",
        "I had Botox yesterday and now I have trouble swallowing, will it go away?",
        "pus and a fever where I had Botox in my masseter", "What's a good recipe for banana bread?",
    ]):
        ask(page, message, n)
    page.locator("#chat .pa-other-cases > summary").first.click()
    page.locator("#chat .pa-searched > summary").first.click()
    page.locator("#reply-picker input").click()
    page.get_by_role("option").first.click()
    page.wait_for_selector("#sources mark")
    page.screenshot(path=str(SCREENSHOTS / f"desktop-{scheme}-conversation.png"), full_page=True)
    for selector in APP_TEXT:
        elements = page.locator(selector)
        assert elements.count() >= 1, selector
        for i in range(elements.count()):
            assert elements.nth(i).evaluate(CONTRAST_JS) >= WCAG_AA, selector
    page.context.close()


@pytest.mark.parametrize("screen, scheme", [("phone", "dark"), ("desktop", "light")])
def test_filter_controls_narrow_the_quotes_and_the_reply_says_so(browser, running_app, screen, scheme):
    page = new_page(browser, running_app.url, screen, scheme)
    page.get_by_text(wording.FILTER_LABEL).click()
    page.fill("#specialty textarea, #specialty input", "dermatologic")
    page.locator("#min-rating input").click()
    page.get_by_role("option", name="4.5 stars or more").click()
    assert page.locator("#min-rating input").input_value() == "4.5 stars or more"
    reply = settled(page, ask(page, "Will my lip paralysis from Botox go away?", 0))
    page.screenshot(path=str(SCREENSHOTS / f"filtered-{screen}-{scheme}.png"))

    notice = reply.locator(":scope > :first-child")
    assert notice.inner_text() == wording.FILTERED_TO.format(filter='specialty "dermatologic" and rating at least 4.5')
    assert notice.evaluate(IN_VIEW_JS) and notice.evaluate(CONTRAST_JS) >= WCAG_AA
    authors = reply.locator(".pa-author").all_inner_texts()
    assert authors and all("Dermatologic Surgeon" in a for a in authors)
    ratings = [float(m) for a in authors for m in re.findall(r"(\d\.\d) out of 5", a)]
    assert len(ratings) == len(authors) and min(ratings) >= 4.5
    page.context.close()


@pytest.mark.parametrize("screen", ["desktop", "phone"])
def test_a_very_long_name_wraps_instead_of_pushing_the_sources_panel_sideways(browser, running_app, screen):
    """Issue 22 #7: a 10,000-character name overflowed the Sources panel sideways."""
    from assistant.models import Answer, Author, Quote, SearchQuery, Thread, Turn
    from assistant.web.html import sources_html

    answer = Answer("x#1", "Swelling settles in two weeks.", None, Author("A" * 10_000 + ", MD", "B" * 3000, 4.0, 3))
    thread = Thread("x", "T" * 5000, (answer,), "Q" * 5000)
    turn = Turn("q", SearchQuery("q", (("q", 1.0),)), False, ("d",), (Quote(answer, thread, 0, 10, 1.0, 1.0),))
    fragment = sources_html(turn, 1)
    page = new_page(browser, running_app.url, screen, "light")
    page.evaluate("html => { document.querySelector('#sources').innerHTML = html; }", fragment)
    panel = page.locator("#sources")
    page.screenshot(path=str(SCREENSHOTS / f"long-name-{screen}.png"))
    widths = panel.evaluate("e => [e.scrollWidth, e.clientWidth, document.documentElement.scrollWidth, innerWidth]")
    assert widths[0] <= widths[1] + 1, widths  # nothing wider than the panel
    assert widths[2] <= widths[3] + 1, widths  # and the page does not scroll sideways
    page.context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("screen", ["desktop", "phone"])
def test_the_warning_signs_are_in_view_and_readable_on_the_first_visit(browser, running_app, screen, scheme):
    """Issue 23: a safety net that does not depend on detection."""
    page = new_page(browser, running_app.url, screen, scheme)
    page.screenshot(path=str(SCREENSHOTS / f"first-visit-{screen}-{scheme}.png"))
    panel = page.locator("#warning-signs")
    assert panel.locator("h2").inner_text() == wording.WARNING_SIGNS_TITLE
    assert panel.locator("li").all_inner_texts() == list(wording.WARNING_SIGNS)
    assert panel.evaluate(IN_VIEW_JS), "the warning signs are not in view on the first visit"
    for part in ("h2", "p", "li", ".pa-warning-infection"):
        items = panel.locator(part)
        for i in range(items.count()):
            assert items.nth(i).evaluate(CONTRAST_JS) >= WCAG_AA, part
    page.context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_on_a_phone_the_warning_signs_are_one_tap_away_and_cover_no_urgent_notice(browser, running_app, scheme):
    page = new_page(browser, running_app.url, "phone", scheme)
    link = page.locator(".pa-warning-link")
    assert not link.is_visible()  # the panel itself is in view
    ask(page, "Will my lip paralysis from Botox go away?", 0)
    reply = settled(page, ask(page, EMERGENCY, 1))
    notice = reply.locator(".pa-urgent")
    assert notice.evaluate(IN_VIEW_JS)
    assert link.is_visible() and link.evaluate(CONTRAST_JS) >= WCAG_AA
    box, over = notice.bounding_box(), link.bounding_box()
    assert over["y"] + over["height"] <= box["y"] or over["y"] >= box["y"] + box["height"], "the link covers the notice"
    page.screenshot(path=str(SCREENSHOTS / f"warning-link-phone-{scheme}.png"))
    page.locator("#warning-signs details > summary").evaluate("e => e.parentElement.open = false")  # folded meanwhile
    link.tap()
    panel = page.locator("#warning-signs")
    page.wait_for_function("() => Math.abs(document.querySelector('#warning-signs').getBoundingClientRect().top) < 2", timeout=5_000)
    page.wait_for_timeout(600)
    assert panel.locator("details").evaluate("e => e.open")
    assert panel.locator("h2").evaluate(IN_VIEW_JS) and panel.locator("li").first.evaluate(IN_VIEW_JS)
    page.context.close()
