"""The Gradio app: a chat of quoted answers, a sources panel, a browser of pages, an API."""

from __future__ import annotations

import gradio as gr

from .. import wording
from ..compose import turn_to_dict
from ..service import Assistant
from ..settings import Settings
from .feedback import FeedbackLog
from .html import page_html, reply_html, sources_html, user_message_html


def build_app(assistant: Assistant, settings: Settings) -> gr.Blocks:
    threads = assistant.index.thread_by_id
    feedback = FeedbackLog(settings.feedback_path, settings.feedback_per_minute, settings.max_message_chars)
    browse_choices = [(t.title, t.id) for t in assistant.index.threads]
    max_chars, max_turns = settings.max_message_chars, settings.max_turns

    def ask(messages: list[str]) -> dict:
        """The conversation's replies, exactly as `python -m assistant ask --json` prints them."""
        if not isinstance(messages, list) or not messages or not all(isinstance(m, str) for m in messages):
            raise gr.Error("messages must be a non-empty list of strings")
        if len(messages) > max_turns or any(len(m) > max_chars for m in messages):
            raise gr.Error(f"at most {max_turns} messages of at most {max_chars} characters each")
        return {"turns": [turn_to_dict(t) for t in assistant.converse(messages)]}

    def respond(message: str, turns: list):
        """The chat is rebuilt from the server's own record of the conversation (turns),
        never from what the browser sends back."""
        message = message.strip() if isinstance(message, str) else ""
        refusal = (
            wording.EMPTY_MESSAGE if not message
            else wording.MESSAGE_TOO_LONG.format(n=max_chars) if len(message) > max_chars
            else wording.CONVERSATION_TOO_LONG.format(n=max_turns) if len(turns) >= max_turns
            else None
        )
        if refusal:
            gr.Warning(refusal)
            return gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
        history = [t["message"] for t in turns] + [message]
        turn = turn_to_dict(assistant.reply(history))
        turns = [*turns, turn]
        n = len(turns)
        return "", chat_messages(turns), turns, sources_html(turn, n, threads), gr.update(choices=list(range(1, n + 1)), value=n)

    def show_reply(number, turns: list):
        number = _valid_number(number, turns)
        if number is None:
            return sources_html(None, None, threads)
        return sources_html(turns[number - 1], number, threads)

    def select_reply(turns: list, event: gr.SelectData):
        number = _valid_number(_turn_number(event.index), turns)
        if number is None:
            return gr.skip(), gr.skip()
        return sources_html(turns[number - 1], number, threads), gr.update(value=number)

    def vote(turns: list, event: gr.LikeData, request: gr.Request):
        number = _valid_number(_turn_number(event.index), turns)
        if number is None:
            return
        if not feedback.record(turns[number - 1], "up" if event.liked else "down", session=request.session_hash):
            gr.Warning(wording.TOO_MANY_VOTES)

    def clear():
        return "", [], [], sources_html(None, None, threads), gr.update(choices=[], value=None)

    with gr.Blocks(title=wording.APP_TITLE, analytics_enabled=False) as app:
        # Kept on the server per browser session; Gradio drops it after session_ttl_s, and
        # keeps at most max_sessions sessions (launch's state_session_capacity).
        turns = gr.State([], time_to_live=settings.session_ttl_s)
        gr.Markdown(f"# {wording.APP_TITLE}\n{wording.APP_INTRO}")
        with gr.Row():
            with gr.Column(scale=3):
                chatbot = gr.Chatbot(
                    label=wording.CONVERSATION_LABEL,
                    height=560,
                    autoscroll=False,  # each new reply is shown from its start (html.SCROLL_TO_NEW_REPLY_JS)
                    render_markdown=False,  # corpus text is escaped HTML, never Markdown
                    sanitize_html=True,
                    allow_tags=False,
                    feedback_options=["Like", "Dislike"],
                    elem_id="chat",
                )
                with gr.Row():
                    box = gr.Textbox(placeholder=wording.PLACEHOLDER, show_label=False, scale=5, elem_id="message", max_length=max_chars)
                    send = gr.Button(wording.ASK_BUTTON, variant="primary", scale=1, elem_id="send")
                gr.Examples(wording.EXAMPLE_QUESTIONS, inputs=box, label=wording.EXAMPLES_LABEL)
                clear_button = gr.Button(wording.CLEAR_BUTTON, elem_id="clear")
            with gr.Column(scale=2):
                with gr.Tabs():
                    with gr.Tab(wording.SOURCES_TAB, id="sources"):
                        reply_picker = gr.Dropdown(choices=[], label=wording.REPLY_PICKER_LABEL, elem_id="reply-picker")
                        sources = gr.HTML(sources_html(None, None, threads), elem_id="sources")
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
        for trigger in (box.submit, send.click):
            trigger(respond, [box, turns], outputs, api_visibility="private", concurrency_id="reply")
        reply_picker.input(show_reply, [reply_picker, turns], sources, api_visibility="private", queue=False)
        chatbot.select(select_reply, [turns], [sources, reply_picker], api_visibility="private", queue=False)
        chatbot.like(vote, [turns], None, api_visibility="private", queue=False)
        clear_button.click(clear, None, outputs, api_visibility="private", queue=False)
        page_picker.change(lambda tid: page_html(threads[tid]) if tid in threads else "", page_picker, page,
                           api_visibility="private", queue=False)
        gr.api(ask, api_name="ask", concurrency_id="reply")
    return app


def chat_messages(turns: list[dict]) -> list[dict]:
    """The chat as shown: each turn's message and its reply."""
    chat = []
    for turn in turns:
        chat.append({"role": "user", "content": user_message_html(turn["message"])})
        chat.append({"role": "assistant", "content": reply_html(turn)})
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
