"""Errors written for the person who reads them: one clear sentence each."""


class MentorError(Exception):
    """Base of every error the mentor reports to a user instead of a traceback."""


class ConfigError(MentorError):
    """A setting, framework file or engine name is wrong."""


class FrameworkError(ConfigError):
    """The career framework file is missing or inconsistent."""


class InputError(MentorError):
    """The user asked for something we cannot do as asked (empty query, bad level)."""


class IndexMissingError(MentorError):
    """The index has not been built yet."""


class EngineUnavailableError(MentorError):
    """An LLM engine is not installed, not configured or not reachable."""
