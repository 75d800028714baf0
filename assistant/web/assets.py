"""The page's own style sheet and script, given to Gradio at launch (server.py)."""

from __future__ import annotations

import json

from assistant import wording

# Every colour set here is set for both schemes (Gradio marks dark mode with a .dark
# ancestor), text and background together, so no pair depends on the theme's defaults.
# One selector per .dark rule: Gradio prefixes each rule with its container, and in a
# selector list it puts the prefix inside the others' .dark, where they never match.
CSS = """
/* Room above a reply scrolled to its start, for the chat's floating label. */
.pa-reply { display: flex; flex-direction: column; gap: .6em; scroll-margin-top: 3rem; }
.pa-urgent, .pa-same-day, .pa-notice { padding: .6em .8em; border-left: 4px solid; border-radius: 4px; }
.pa-urgent { background: #fde8e8; color: #7f1d1d; border-color: #c81e1e; font-weight: 600; }
.dark .pa-urgent { background: #450a0a; color: #fee2e2; border-color: #f87171; }
.pa-same-day { background: #fff7ed; color: #7c2d12; border-color: #ea580c; font-weight: 600; }
.dark .pa-same-day { background: #431407; color: #ffedd5; border-color: #fb923c; }
.pa-notice { background: #f3f4f6; color: #111827; border-color: #6b7280; }
.dark .pa-notice { background: #1f2937; color: #f3f4f6; border-color: #9ca3af; }
.pa-other-cases > summary { cursor: pointer; font-weight: 600; padding: .4em .6em; border: 1px solid #6b7280; border-radius: 6px; }
.pa-other-cases[open] > summary { margin-bottom: .6em; }
.pa-other-cases .pa-card + .pa-card { margin-top: .6em; }
.pa-card { border: 1px solid #d1d5db; border-radius: 8px; padding: .6em .8em; }
.dark .pa-card { border-color: #4b5563; }
.pa-cite { font-weight: 700; color: #1d4ed8; }
.dark .pa-cite { color: #93c5fd; }
.pa-quote { margin: .3em 0; font-style: italic; white-space: pre-wrap; }
.pa-author { font-size: .92em; }
.pa-for, .pa-searched, .pa-disclaimer { font-size: .8em; color: #4b5563; }
.dark .pa-for { color: #d1d5db; }
.dark .pa-searched { color: #d1d5db; }
.dark .pa-disclaimer { color: #d1d5db; }
.pa-user { white-space: pre-wrap; }
.pa-plain { display: none; }
.pa-context { font-style: italic; margin: .2em 0 0 .8em; }
.pa-copy { align-self: flex-start; font-size: .8em; padding: .15em .6em; border: 1px solid #6b7280; border-radius: 6px;
           background: transparent; color: #1f2937; cursor: pointer; }
.dark .pa-copy { color: #e5e7eb; }
.pa-searched > summary { cursor: pointer; }
.pa-links { font-size: .85em; display: flex; gap: 1em; flex-wrap: wrap; margin-top: .2em; }
.pa-links a, .pa-cite a { color: #1d4ed8; text-decoration: underline; }
.dark .pa-links a { color: #93c5fd; }
.pa-cite .pa-original { margin-left: .8em; font-weight: 400; font-size: .9em; }
.pa-source { scroll-margin-top: 1rem; }
/* A phone: one scrolling page, not a chat box scrolling inside it. */
@media (max-width: 640px) {
  #chat { height: auto !important; max-height: none !important; }
  #chat .bubble-wrap { height: auto !important; max-height: none !important; overflow: visible !important; }
}
.pa-source { border-bottom: 1px solid #e5e7eb; padding: .8em 0; }
.pa-answer-full, .pa-answer-text, .pa-question { white-space: pre-wrap; margin: .4em 0; }
.pa-answer-full mark { background: #fef08a; color: #111827; }
.dark .pa-answer-full mark { background: #854d0e; color: #fefce8; }
.pa-page-answer { border-top: 1px dashed #d1d5db; padding: .5em 0; }
.pa-cited { background: #fefce8; color: #111827; }
.dark .pa-cited { background: #422006; color: #fefce8; }
.pa-headline { font-weight: 600; }
/* The warning signs: calm, readable, always there. */
.pa-warning details { background: #fff7ed; color: #431407; border: 1px solid #c2410c; border-radius: 8px; padding: .5em .9em; }
.dark .pa-warning details { background: #2a1208; color: #ffedd5; border-color: #fb923c; }
.pa-warning summary { cursor: pointer; }
.pa-warning h2 { display: inline; font-size: 1.05em; margin: 0; color: inherit; }
.pa-warning p, .pa-warning ul { margin: .35em 0; font-size: .95em; }
.pa-warning ul { padding-left: 1.3em; }
.pa-warning-infection { font-weight: 600; }
/* Once the panel is scrolled out of view, a link to it stays in the top corner (inside
   the room a reply scrolled into view keeps above it: .pa-reply's scroll margin). */
.pa-warning-link { position: fixed; right: .6rem; top: .4rem; z-index: 50; padding: .3em .8em; border-radius: 999px;
                   background: #9a3412; color: #ffffff; font-weight: 700; font-size: .9em; text-decoration: none;
                   box-shadow: 0 1px 4px rgba(0, 0, 0, .35); visibility: hidden; }
.pa-warning-link.pa-shown { visibility: visible; }
.dark .pa-warning-link { background: #fdba74; color: #1c0a02; }
/* Readable controls (WCAG AA, 4.5:1) in both schemes: Gradio's orange primary button,
   selected tab and pale footer link are not. */
#send { background: #c2410c !important; color: #ffffff !important; border-color: #9a3412 !important; }
#send:hover { background: #9a3412 !important; }
button[role="tab"][aria-selected="true"] { color: #9a3412 !important; border-color: #9a3412 !important; }
.dark button[role="tab"][aria-selected="true"] { color: #fdba74 !important; border-color: #fdba74 !important; }
.show-api, .show-api span { color: #4b5563 !important; }
.dark .show-api { color: #d1d5db !important; }
input::placeholder, textarea::placeholder { color: #6b7280 !important; opacity: 1; }
/* An empty dropdown (the reply picker before the first reply) draws its input "subdued". */
input.subdued { color: #4b5563 !important; }
.dark input.subdued { color: #d1d5db !important; }
.dark input::placeholder { color: #9ca3af !important; }
.dark textarea::placeholder { color: #9ca3af !important; }
/* A focus ring that shows in both schemes, on everything that takes focus. */
:focus-visible { outline: 3px solid #1d4ed8 !important; outline-offset: 2px !important; }
.dark :focus-visible { outline-color: #93c5fd !important; }
@media (prefers-reduced-motion: reduce) {
  * { scroll-behavior: auto !important; transition: none !important; animation: none !important; }
}
/* A name or title with no spaces (10,000 characters of it, say) wraps instead of pushing
   the panel sideways. */
.pa-reply, .pa-sources, .pa-page, .pa-user { overflow-wrap: anywhere; min-width: 0; }
"""

# Run once when the page loads. Each new reply is shown from its start, not its end: an
# urgent notice is its first line, and otherwise the best quote is (Gradio's own
# autoscroll, to the bottom, is off). And the copy buttons.
PAGE_JS = """
() => {
  let seen = 0;
  const show = () => {
    const replies = document.querySelectorAll('#chat .pa-reply');
    if (replies.length > seen) {
      replies[replies.length - 1].scrollIntoView({block: 'start'});
      // Focus goes back to the question box (it was on Ask, or nowhere, while the reply was
      // computed): the next question can be typed at once, and Shift+Tab reaches the reply.
      const box = document.querySelector('#message textarea');
      const active = document.activeElement;
      if (box && (!active || active === document.body || active.closest('#send') || active === box)) {
        box.focus({preventScroll: true});
      }
    }
    seen = replies.length;
  };
  // Icons that say nothing of their own (a dropdown's arrow) are hidden from screen readers.
  const hideIcons = () => document.querySelectorAll('svg:not([aria-hidden]):not([aria-label])')
    .forEach(icon => { if (!icon.querySelector('title')) icon.setAttribute('aria-hidden', 'true'); });
  // The conversation scrolls inside its box: a keyboard must be able to reach and scroll it
  // (set again whenever the page changes, in case the box is drawn anew).
  const focusable = () => {
    const chat = document.querySelector('#chat');
    if (chat && chat.getAttribute('tabindex') !== '0') chat.setAttribute('tabindex', '0');
  };
  new MutationObserver(() => { show(); hideIcons(); focusable(); })
    .observe(document.body, {childList: true, subtree: true});
  hideIcons();
  focusable();
  // The "Warning signs" link shows while the panel itself is out of view.
  const watchPanel = () => {
    const panel = document.querySelector('#warning-signs');
    if (!panel) return setTimeout(watchPanel, 200);
    const link = document.querySelector('.pa-warning-link');
    new IntersectionObserver(([entry]) => link.classList.toggle('pa-shown', !entry.isIntersecting)).observe(panel);
  };
  watchPanel();
  // "Copy this reply" and "Copy conversation": the plain text each reply carries
  // (html.plain_text), never its HTML.
  const copy = async (text, button) => {
    await navigator.clipboard.writeText(text);
    const label = button.textContent;
    button.textContent = COPIED;
    setTimeout(() => { button.textContent = label; }, 1500);
  };
  document.addEventListener('click', e => {
    const one = e.target.closest('#chat .pa-copy');
    if (one) { e.stopPropagation(); copy(one.closest('.pa-reply').querySelector('.pa-plain').textContent, one); return; }
    // "The whole answer" on a card: the Sources panel shows that reply (the chat's select
    // event), then scrolls to the answer: one tap, also on a phone where it is far below.
    const link = e.target.closest('#chat .pa-source-link');
    if (link) {
      e.preventDefault();
      const reply = link.closest('.pa-reply');
      const k = [...document.querySelectorAll('#chat .pa-reply')].indexOf(reply) + 1;
      const tab = [...document.querySelectorAll('button[role=tab]')].find(b => b.textContent.trim() === SOURCES_TAB);
      if (tab) tab.click();
      const until = Date.now() + 5000;
      const go = () => {
        const title = document.querySelector('#sources h3');
        const href = link.getAttribute('href');  // "#pa-src-N" (Gradio's sanitizer drops data- attributes)
        const target = /^#pa-src-\\d+$/.test(href) && document.querySelector('#sources ' + href);
        if (title && title.textContent.includes('[' + k + ']') && target) {
          // again a moment later: the chat may scroll back to the tapped message it focuses
          for (const wait of [0, 250, 600]) setTimeout(() => target.scrollIntoView({block: 'start'}), wait);
        } else if (Date.now() < until) setTimeout(go, 50);
      };
      go();
      return;
    }
    // "Warning signs": open the panel and bring it into view, from anywhere on the page.
    const warning = e.target.closest('.pa-warning-link');
    if (warning) {
      e.preventDefault();
      const panel = document.querySelector('#warning-signs');
      if (panel) {
        panel.querySelector('details').open = true;
        panel.scrollIntoView({block: 'start', behavior: matchMedia('(prefers-reduced-motion: reduce)').matches ? 'auto' : 'smooth'});
      }
      return;
    }
    const all = e.target.closest('#copy-conversation');
    if (all) {
      const texts = [...document.querySelectorAll('#chat .pa-plain')].map(p => p.textContent);
      if (texts.length) copy(texts.join('\\n\\n\\n'), all);
    }
  }, true);
}
"""

PAGE_JS = PAGE_JS.replace("COPIED", json.dumps(wording.COPIED)).replace("SOURCES_TAB", json.dumps(wording.SOURCES_TAB))
