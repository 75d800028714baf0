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
    launch_browser,
    new_page,
    require_chromium,
)
from .conftest import CORPUS, REPO

pytestmark = pytest.mark.browser

PHYSICIANS = {
    line.strip()
    for path in CORPUS.glob("*.txt")
    for line in path.read_text(encoding="utf-8").splitlines()
    if re.search(r", MD( \(retired\))?$", line.strip())
}


@pytest.fixture(scope="module")
def browser():
    """One Chromium for the module (Playwright's sync API allows one instance at a time)."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = launch_browser(p)
        yield browser
        browser.close()


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
    for part in (".pa-disclaimer", ".pa-searched"):
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
    searched = follow_up.locator(".pa-searched").inner_text()
    assert "Will my lip paralysis from Botox go away?" in searched and "how long until it wears off?" in searched
    assert follow_up.locator(".pa-card").count() >= 1

    off_topic = ask(page, "What's a good recipe for banana bread?", 2)
    assert wording.NO_ANSWER in off_topic.inner_text()
    assert off_topic.locator(".pa-card").count() == 0
    assert page.locator("#sources").inner_text().strip() == wording.NO_SOURCES_FOR_REPLY.format(n=3)
    page.screenshot(path=str(SCREENSHOTS / "4-follow-up-and-no-answer.png"), full_page=True)

    # Clicking the first reply brings its sources back.
    page.locator("#chat .pa-reply").first.click()
    page.wait_for_function("() => document.querySelector('#sources h3')?.innerText.includes('[1]')", timeout=10_000)


def test_thumbs_are_recorded_in_the_feedback_file(page, running_app):
    ask(page, "Can Botox in my forehead spread to my upper lip?", 0)
    before = running_app.feedback.read_text().splitlines() if running_app.feedback.exists() else []
    page.locator("#chat button[aria-label='Dislike']").last.click()
    page.wait_for_timeout(1500)
    lines = running_app.feedback.read_text().splitlines()
    entry = json.loads(lines[-1])
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
