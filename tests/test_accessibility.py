"""WCAG 2.1 AA in a real browser: axe-core in every state and scheme, the keyboard alone,
what a screen reader is given, and the reader's own settings (zoom, reduced motion)."""

from __future__ import annotations

import pytest

from assistant import wording

from .browser_support import (
    CONTRAST_JS,
    IN_VIEW_JS,
    SCREENSHOTS,
    new_page,
)

pytestmark = pytest.mark.browser

ORDINARY = "Will my lip paralysis from Botox go away?"
EMERGENCY = "I had Botox yesterday and now I have trouble swallowing and breathing, will it go away?"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def ask(page, message: str, replies_before: int, press_enter: bool = False):
    page.fill("#message textarea", message)
    if press_enter:
        page.press("#message textarea", "Enter")
    else:
        page.click("#send")
    page.wait_for_function(
        "n => document.querySelectorAll('#chat .pa-reply').length > n", arg=replies_before, timeout=60_000
    )
    page.wait_for_timeout(500)
    return page.locator("#chat .pa-reply").nth(replies_before)


def axe_violations(page) -> list[dict]:
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    return result.response["violations"]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("screen", ["desktop", "phone"])
def test_axe_finds_no_serious_or_critical_violation_in_any_state(browser, running_app, screen, scheme):
    """Issue 25: 21 serious violations on caf0654 (contrast of Ask, the selected tab, the
    rating box; a conversation the keyboard could not reach)."""
    page = new_page(browser, running_app.url, screen, scheme)
    summary, serious = [], []
    for state in ("first visit", "after a question", "after an emergency"):
        if state == "after a question":
            ask(page, ORDINARY, 0)
        elif state == "after an emergency":
            ask(page, EMERGENCY, 1)
        violations = axe_violations(page)
        summary.append(f"{screen}/{scheme}/{state}: " + (", ".join(f"{v['id']} ({v['impact']}, {len(v['nodes'])})"
                                                                   for v in violations) or "no violation"))
        serious += [f"{state}: {v['id']} {[n['target'] for n in v['nodes']][:3]}" for v in violations
                    if v["impact"] in ("serious", "critical")]
    print("\naxe-core " + "; ".join(AXE_TAGS) + "\n" + "\n".join(summary))
    page.context.close()
    assert serious == []


def focused(page) -> dict:
    return page.evaluate(
        """() => { const e = document.activeElement; const s = getComputedStyle(e);
                   return {tag: e.tagName, id: e.id, cls: e.className || '', text: (e.innerText || e.getAttribute('aria-label') || '').trim().slice(0, 60),
                           inMessage: !!e.closest('#message'), inReply: !!e.closest('.pa-reply'), inSources: !!e.closest('#sources'),
                           outline: s.outlineStyle, width: parseFloat(s.outlineWidth)}; }"""
    )


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_whole_flow_works_from_the_keyboard_with_a_visible_focus(browser, running_app, scheme):
    page = new_page(browser, running_app.url, "desktop", scheme)
    assert focused(page)["inMessage"], "the question box has the focus when the page opens"
    page.keyboard.type(ORDINARY)
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelectorAll('#chat .pa-reply').length > 0", timeout=60_000)
    page.wait_for_timeout(800)
    assert focused(page)["inMessage"], "after a reply the focus is back in the question box"

    # Backwards from the question box: the reply's votes, its copy button, then each card's links.
    seen = []
    for _ in range(40):
        page.keyboard.press("Shift+Tab")
        f = focused(page)
        seen.append(f)
        assert f["outline"] != "none" and f["width"] >= 2, f"no visible focus ring on {f} after {[x['text'] for x in seen[:-1]]}"
        if f["inReply"] and f["text"] == wording.SOURCE_IN_FULL:
            break
    texts = [f["text"] for f in seen]
    assert "Like" in texts and "Dislike" in texts and wording.COPY_REPLY in texts
    assert texts[-1] == wording.SOURCE_IN_FULL
    page.screenshot(path=str(SCREENSHOTS / f"keyboard-focus-{scheme}.png"))
    # Enter on "The whole answer" opens that answer in the Sources panel.
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector('#sources h3')?.innerText.includes('[1]')", timeout=10_000)
    # A vote from the keyboard opens the comment box.
    page.locator("#chat button[aria-label='Like']").last.focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("#comment textarea", timeout=10_000)

    # Forwards from the question box: Ask, the filters, the examples, clear and copy, the Sources tabs.
    page.locator("#message textarea").focus()
    forward = []
    for _ in range(40):
        page.keyboard.press("Tab")
        f = focused(page)
        if f["tag"] == "BODY":  # past the last control of the page
            break
        assert f["outline"] != "none" and f["width"] >= 2, f"no visible focus ring on {f}"
        forward.append(f["text"])
    for control in (wording.ASK_BUTTON, wording.FILTER_LABEL, wording.EXAMPLE_QUESTIONS[0], wording.CLEAR_BUTTON,
                    wording.COPY_CONVERSATION, wording.SOURCES_TAB):
        assert any(t.startswith(control) for t in forward), f"{control} not reached by Tab: {forward}"
    order = [next(i for i, t in enumerate(forward) if t.startswith(c))
             for c in (wording.ASK_BUTTON, wording.FILTER_LABEL, wording.CLEAR_BUTTON, wording.SOURCES_TAB)]
    assert order == sorted(order)
    page.screenshot(path=str(SCREENSHOTS / f"keyboard-focus-forward-{scheme}.png"))
    page.context.close()


def test_a_screen_reader_hears_the_urgent_notice_first_then_the_quotes_with_their_authors(browser, running_app):
    page = new_page(browser, running_app.url, "desktop", "light")
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.get_by_role("main").count() == 1
    assert page.get_by_role("heading", level=1).inner_text() == wording.APP_TITLE
    assert page.get_by_role("heading", name=wording.WARNING_SIGNS_TITLE).count() == 1
    assert page.get_by_role("textbox", name=wording.MESSAGE_LABEL).count() == 1
    reply = ask(page, EMERGENCY, 0)
    # New replies arrive inside a log (a polite live region), the urgent notice as an alert.
    assert reply.evaluate("e => !!e.closest('[role=log]')")
    tree = reply.aria_snapshot()
    lines = [line.strip() for line in tree.splitlines() if line.strip()]
    assert lines[0].startswith("- alert:") and wording.URGENT_CARE_NOTICE[:40] in lines[0]
    assert page.locator("[role=alert]").count() == 1  # the Sources panel repeats it without announcing it again
    reply.locator(".pa-other-cases > summary").click()
    tree = reply.aria_snapshot()
    cards = reply.locator(".pa-card")
    for i in range(cards.count()):
        quote = cards.nth(i).locator(".pa-quote").inner_text()[:30]
        author = cards.nth(i).locator(".pa-author").inner_text()[:12]
        assert tree.index(quote) < tree.index(author), "each quote is read, then who said it"
    alert_at = tree.index(wording.URGENT_CARE_NOTICE[:40])
    assert alert_at < tree.index(cards.nth(0).locator(".pa-quote").inner_text()[:30])
    # Icons carry no text of their own for a screen reader.
    assert page.evaluate("[...document.querySelectorAll('svg')].every(s => s.getAttribute('aria-hidden') === 'true' "
                         "|| s.closest('[aria-label]') || s.closest('button'))")
    page.context.close()


@pytest.mark.parametrize("width", [320, 640])
def test_the_page_reflows_at_320_px_and_at_200_percent_zoom_without_losing_content(browser, running_app, width):
    """WCAG 1.4.10: 320 CSS px wide (a phone), and 640 (a 1280 px window at 200% zoom)."""
    context = browser.new_context(viewport={"width": width, "height": 800}, device_scale_factor=2)
    page = context.new_page()
    page.goto(running_app.url)
    page.wait_for_selector("#message textarea", timeout=60_000)
    reply = ask(page, ORDINARY, 0)
    page.screenshot(path=str(SCREENSHOTS / f"reflow-{width}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth + 1"), "the page scrolls sideways"
    card = reply.locator(".pa-card").first
    box = card.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1
    assert card.locator(".pa-quote").evaluate(CONTRAST_JS) >= 4.5
    for part in (".pa-quote", ".pa-author"):
        assert card.locator(part).evaluate("e => e.scrollWidth <= e.clientWidth + 1"), f"{part} is cut off"
    context.close()


def test_reduced_motion_means_no_animated_scrolling(browser, running_app):
    context = browser.new_context(viewport={"width": 390, "height": 844}, reduced_motion="reduce", is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    page.goto(running_app.url)
    page.wait_for_selector("#message textarea", timeout=60_000)
    ask(page, ORDINARY, 0)
    assert page.evaluate("getComputedStyle(document.documentElement).scrollBehavior") == "auto"
    link = page.locator(".pa-warning-link")
    link.tap()
    # No smooth scrolling: the panel is in place at once, not after an animation.
    page.wait_for_timeout(60)
    assert page.locator("#warning-signs h2").evaluate(IN_VIEW_JS)
    context.close()
