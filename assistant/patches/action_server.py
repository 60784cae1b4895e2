"""Calls to the action server time out after a few seconds and end in an apology instead of silence.

Rasa issue: no Rasa issue found that was fixed; the open pull request rasa#13015 ("configurable client
timeouts", OSS-757, not merged) asks for the timeout. Rasa 3.6 waits ``DEFAULT_REQUEST_TIMEOUT`` (300 s) and, when
a custom action fails, continues as if it had said nothing. Written for Rasa 3.6.21.

Wraps ``RemoteAction.run`` (every custom action and form validation): the call is cancelled after
``assistant.action_endpoint.action_timeout()`` seconds, and when the action server cannot be reached, times out
or answers with an error (not a rejection), the action returns
``assistant.action_endpoint.events_for_unavailable_action`` (``utter_actions_unavailable``; the rules are in
that module's docstring).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from assistant.action_endpoint import action_timeout, events_for_unavailable_action
from assistant.failures import ACTIONS_RESPONSE
from assistant.patches import Target

logger = logging.getLogger(__name__)

TARGETS = (
    Target("rasa.core.actions.action", "RemoteAction.run", ("self", "output_channel", "nlg", "tracker", "domain")),
    Target("rasa.core.actions.action", "ActionExecutionRejection", ("action_name", "message")),
)


def install() -> None:
    from rasa.core.actions.action import ActionExecutionRejection, RemoteAction

    original = RemoteAction.run

    async def run(self: Any, output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> Any:
        timeout = action_timeout()
        try:
            return await asyncio.wait_for(original(self, output_channel, nlg, tracker, domain), timeout)
        except ActionExecutionRejection:
            raise  # a deliberate answer of the action server, handled by Rasa
        except asyncio.TimeoutError:
            reason = f"no answer within {timeout:g} s"
        except Exception as error:  # connection refused, HTTP 5xx, invalid answer, ...
            cause = error.__cause__ or error.__context__
            reason = f"{type(error).__name__}: {error}" + (f" ({type(cause).__name__})" if cause else "")
        logger.error(
            f"Custom action '{self.name()}' failed ({reason}); the user gets '{ACTIONS_RESPONSE}'. "
            f"Check the action server at '{getattr(self.action_endpoint, 'url', None)}'."
        )
        return await events_for_unavailable_action(self.name(), output_channel, nlg, tracker, domain)

    run.__doc__ = original.__doc__
    RemoteAction.run = run
    logger.debug(f"Custom actions time out after {action_timeout():g} s.")
