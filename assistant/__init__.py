"""Physician-answer assistant: answers with nothing but physicians' quoted words."""

__version__ = "0.1.0"
