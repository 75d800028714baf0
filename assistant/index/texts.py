"""What is encoded for a passage and for a thread's question: the same at every build,
so a text's vector can be found again by the text (reuse.py)."""

from __future__ import annotations

from assistant.models import Answer, Thread


def passage_context_text(thread: Thread, answer: Answer, chunk_text: str) -> str:
    """What is embedded for a passage: its topic first, so a short passage keeps it."""
    parts = [thread.title]
    if answer.headline and answer.headline.strip().lower() != thread.title.strip().lower():
        parts.append(answer.headline)
    parts.append(chunk_text)
    return "\n".join(parts)


def question_text(thread: Thread) -> str:
    return "\n".join(p for p in (thread.title, thread.question) if p)
