"""PM Mentor: cited career advice for product managers.

    from mentor import Mentor
    answer = Mentor.from_settings().ask("How do I get to Director?", level="Senior PM")
"""

from mentor.answer import Answer, Citation
from mentor.core import Mentor
from mentor.errors import (
    ConfigError,
    EngineUnavailableError,
    FrameworkError,
    IndexMissingError,
    InputError,
    MentorError,
)

__all__ = [
    "Answer", "Citation", "Mentor",
    "MentorError", "ConfigError", "FrameworkError", "InputError", "IndexMissingError", "EngineUnavailableError",
]
