"""The Gradio app: a chat of quoted answers, a sources panel, a browser of pages, an API."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

import gradio as gr

from assistant import wording
from assistant.errors import SettingsError
from assistant.models import MAX_SPECIALTY_CHARS, AnswerFilter, Turn
from assistant.reply.compose import turn_to_dict
from assistant.service import Assistant
from assistant.settings import Settings
from assistant.text_gate import InvalidTextError, clean_text
from assistant.web.feedback import MAX_COMMENT_CHARS, FeedbackStore, Outcome
from assistant.web.html import page_html, reply_html, shortened, sources_html, user_message_html, warning_panel_html


@dataclass(frozen=True)
class ShownReply:
    """One reply in a browser's conversation, as the server keeps it (the session's state)."""

    turn: Turn
    reply_id: str = field(default_factory=lambda: uuid.uuid4().hex)  # names the reply in feedback


def build_app(assistant: Assistant, settings: Settings) -> gr.Blocks:
    threads = assistant.index.thread_by_id
    feedback = FeedbackStore(settings.feedback_path, settings.feedback_per_minute, settings.feedback_global_per_minute)
    browse_choices = [(t.title, t.id) for t in assistant.index.threads]
    max_chars, max_turns = settings.max_message_chars, settings.max_turns

    def ask(messages: list[str], specialty: str | None = None, min_rating: float | None = None) -> dict:
        """The conversation's replies, exactly as `python -m assistant ask --json` prints them;
        specialty and min_rating: only physicians with these (as `ask --specialty --min-rating`)."""
        if not isinstance(messages, list) or not messages or not all(isinstance(m, str) for m in messages):
            raise gr.Error("messages must be a non-empty list of strings")
        if len(messages) > max_turns or any(len(m) > max_chars for m in messages):
            raise gr.Error(f"at most {max_turns} messages of at most {max_chars} characters each")
        if sum(len(m) for m in messages) > settings.max_request_chars:
            raise gr.Error(f"at most {settings.max_request_chars} characters in all the messages of one request")
        try:
            messages = [clean_text(m, f"message {n}") for n, m in enumerate(messages, start=1)]
            answer_filter = AnswerFilter.of(specialty, min_rating)
        except (SettingsError, InvalidTextError) as exc:
            raise gr.Error(str(exc)) from None
        return {"turns": [turn_to_dict(t) for t in assistant.converse(messages, answer_filter=answer_filter)]}

    def respond(message: str, turns: list[ShownReply], specialty: str | None = None, min_rating: float | None = None):
        """The chat is rebuilt from the server's own record of the conversation (turns),
        never from what the browser sends back."""
        try:
            message = clean_text(message, "Your message").strip() if isinstance(message, str) else ""
            answer_filter = AnswerFilter.of(specialty, min_rating)
        except (SettingsError, InvalidTextError) as exc:
            gr.Warning(str(exc))
            return gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
        refusal = (
            wording.EMPTY_MESSAGE if not message
            else wording.MESSAGE_TOO_LONG.format(n=max_chars) if len(message) > max_chars
            else wording.CONVERSATION_TOO_LONG.format(n=max_turns) if len(turns) >= max_turns
            else None
        )
        if refusal:
            gr.Warning(refusal)
            return gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
        history = [shown.turn.message for shown in turns] + [message]
        turn = assistant.reply(history, answer_filter=answer_filter)
        turns = [*turns, ShownReply(turn)]
        n = len(turns)
        return "", chat_messages(turns), turns, sources_html(turn, n), gr.update(choices=reply_choices(turns), value=n)

    def show_reply(number, turns: list[ShownReply]):
        number = _valid_number(number, turns)
        if number is None:
            return sources_html(None, None)
        return sources_html(turns[number - 1].turn, number)

    def select_reply(turns: list[ShownReply], event: gr.SelectData):
        number = _valid_number(_turn_number(event.index), turns)
        if number is None:
            return gr.skip(), gr.skip()
        return sources_html(turns[number - 1].turn, number), gr.update(value=number)

    def vote(turns: list[ShownReply], event: gr.LikeData, request: gr.Request):
        """Record the vote (a second vote on the reply replaces the first) and offer a comment."""
        number = _valid_number(_turn_number(event.index), turns)
        if number is None:
            return gr.skip(), gr.skip()
        choice = "up" if event.liked else "down"
        shown = turns[number - 1]
        if not _recorded(feedback.record(shown.turn, choice, request.session_hash, shown.reply_id)):
            return gr.skip(), gr.skip()
        return {"number": number, "vote": choice}, gr.update(visible=True)

    def send_comment(comment: str, voted: dict | None, turns: list[ShownReply], request: gr.Request):
        number = _valid_number((voted or {}).get("number") if isinstance(voted, dict) else None, turns)
        if number is None or not isinstance(comment, str) or not comment.strip() or voted.get("vote") not in ("up", "down"):
            return gr.skip(), gr.skip()
        try:
            comment = clean_text(comment, "Your comment")
        except InvalidTextError as exc:
            gr.Warning(str(exc))
            return gr.skip(), gr.skip()
        shown = turns[number - 1]
        if not _recorded(feedback.record(shown.turn, voted["vote"], request.session_hash, shown.reply_id, comment)):
            return gr.skip(), gr.skip()
        gr.Info(wording.COMMENT_THANKS)
        return "", gr.update(visible=False)

    def clear():
        return "", [], [], sources_html(None, None), gr.update(choices=[], value=None), None, gr.update(visible=False)

    with gr.Blocks(title=wording.APP_TITLE, analytics_enabled=False) as app:
        # Kept on the server per browser session; Gradio drops it after session_ttl_s, and
        # keeps at most max_sessions sessions (launch's state_session_capacity).
        turns = gr.State([], time_to_live=settings.session_ttl_s)
        gr.Markdown(f"# {wording.APP_TITLE}\n{wording.APP_INTRO}")
        gr.HTML(warning_panel_html(), elem_id="warning-panel")
        with gr.Row():
            with gr.Column(scale=3):
                chatbot = gr.Chatbot(
                    label=wording.CONVERSATION_LABEL,
                    height=560,
                    autoscroll=False,  # each new reply is shown from its start (assets.PAGE_JS)
                    render_markdown=False,  # corpus text is escaped HTML, never Markdown
                    sanitize_html=True,
                    allow_tags=False,
                    feedback_options=["Like", "Dislike"],
                    buttons=[],  # no share, and no copy of raw HTML: each reply has its own plain-text copy
                    elem_id="chat",
                )
                voted = gr.State(None)  # the reply last voted on, which a comment joins
                with gr.Row(visible=False, elem_id="comment-row") as comment_row:
                    comment = gr.Textbox(placeholder=wording.COMMENT_PLACEHOLDER, label=wording.COMMENT_LABEL,
                                         show_label=False, scale=5,
                                         max_length=MAX_COMMENT_CHARS, elem_id="comment")
                    send_comment_button = gr.Button(wording.SEND_COMMENT, scale=1, elem_id="send-comment")
                with gr.Row():
                    box = gr.Textbox(placeholder=wording.PLACEHOLDER, label=wording.MESSAGE_LABEL, show_label=False, scale=5,
                                     elem_id="message", max_length=max_chars, autofocus=True)
                    send = gr.Button(wording.ASK_BUTTON, variant="primary", scale=1, elem_id="send")
                with gr.Accordion(wording.FILTER_LABEL, open=False, elem_id="filters"):
                    with gr.Row():
                        specialty = gr.Textbox(label=wording.SPECIALTY_LABEL, max_length=MAX_SPECIALTY_CHARS,
                                               elem_id="specialty", scale=3)
                        # A list, not a slider: a slider's number box showed a typed 7 while 5 applied.
                        min_rating = gr.Dropdown(choices=[(label, value) for value, label in wording.RATING_CHOICES],
                                                 value=0.0, label=wording.MIN_RATING_LABEL, elem_id="min-rating", scale=2)
                examples = gr.Examples(wording.EXAMPLE_QUESTIONS, inputs=box, label=wording.EXAMPLES_LABEL)
                with gr.Row():
                    clear_button = gr.Button(wording.CLEAR_BUTTON, elem_id="clear")
                    # Copies in the browser (assets.PAGE_JS): the plain text of every reply.
                    gr.Button(wording.COPY_CONVERSATION, elem_id="copy-conversation")
            with gr.Column(scale=2):
                with gr.Tabs():
                    with gr.Tab(wording.SOURCES_TAB, id="sources"):
                        reply_picker = gr.Dropdown(choices=[], label=wording.REPLY_PICKER_LABEL, elem_id="reply-picker")
                        sources = gr.HTML(sources_html(None, None), elem_id="sources")
                    with gr.Tab(wording.BROWSE_TAB, id="browse"):
                        page_picker = gr.Dropdown(
                            choices=browse_choices,
                            value=browse_choices[0][1] if browse_choices else None,
                            label=wording.BROWSE_PICKER_LABEL.format(n=len(browse_choices)),
                            elem_id="page-picker",
                        )
                        page = gr.HTML(
                            page_html(assistant.index.threads[0]) if browse_choices else "", elem_id="page"
                        )

        outputs = [box, chatbot, turns, sources, reply_picker]
        for trigger in (box.submit, send.click, examples.load_input_event.then):  # an example click asks it
            trigger(respond, [box, turns, specialty, min_rating], outputs, api_visibility="private", concurrency_id="reply")
        reply_picker.input(show_reply, [reply_picker, turns], sources, api_visibility="private", queue=False)
        chatbot.select(select_reply, [turns], [sources, reply_picker], api_visibility="private", queue=False)
        chatbot.like(vote, [turns], [voted, comment_row], api_visibility="private", queue=False)
        for trigger in (comment.submit, send_comment_button.click):
            trigger(send_comment, [comment, voted, turns], [comment, comment_row], api_visibility="private", queue=False)
        # The button and the chat's own trash icon both forget everything: the messages, the
        # conversation the next follow-up would be read with, the sources and the picker.
        for trigger in (clear_button.click, chatbot.clear):
            trigger(clear, None, [*outputs, voted, comment_row], api_visibility="private", queue=False)
        page_picker.change(lambda tid: page_html(threads[tid]) if tid in threads else "", page_picker, page,
                           api_visibility="private", queue=False)
        gr.api(ask, api_name="ask", concurrency_id="reply")
    return app


FEEDBACK_NOTICES = {
    Outcome.SESSION_RATE: wording.TOO_MANY_VOTES,
    Outcome.GLOBAL_RATE: wording.FEEDBACK_BUSY,
    Outcome.FULL: wording.FEEDBACK_FULL,
}


def _recorded(outcome: Outcome) -> bool:
    """Whether a vote was kept; when not, the voter is told why (a notice, not an error)."""
    if outcome is not Outcome.RECORDED:
        gr.Warning(FEEDBACK_NOTICES[outcome])
    return outcome is Outcome.RECORDED


def reply_choices(turns: list[ShownReply]) -> list[tuple[str, int]]:
    """The reply picker's entries: each reply by the question it answered."""
    return [(f"{n}. {shortened(shown.turn.message)}", n) for n, shown in enumerate(turns, start=1)]


def chat_messages(turns: list[ShownReply]) -> list[dict]:
    """The chat as shown: each turn's message and its reply."""
    chat = []
    for shown in turns:
        chat.append({"role": "user", "content": user_message_html(shown.turn.message)})
        chat.append({"role": "assistant", "content": reply_html(shown.turn)})
    return chat


def _valid_number(number, turns: list) -> int | None:
    """A reply number from the browser, if it names one of this conversation's replies."""
    if isinstance(number, str) and number.strip().isdigit():
        number = int(number)
    if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= len(turns):
        return None
    return number


def _turn_number(index) -> int | None:
    """1-based reply number of a chat message index (user and assistant messages alternate)."""
    if isinstance(index, (list, tuple)) and index:
        index = index[0]
    if isinstance(index, bool) or not isinstance(index, int) or index < 0:
        return None
    return index // 2 + 1
