"""SafetyNetPolicy: alarm signs win, always, in the middle of a form too.

In Rasa 3.6 an active form outranks rules: RulePolicy predicts the form's next step as a
"no user" prediction, which beats every other policy. This policy makes the same kind of
prediction with a higher priority whenever the latest user message carries a safety intent
(forced by ``assistant.components.SafetyNet`` or predicted by the classifier):

1. the tier's response (``utter_red_flag_*`` or ``utter_crisis``) as the first reply,
2. ``action_deactivate_loop`` when a form was active (no exercises or products after an alarm),
3. ``action_listen``.

For the rest of the session (also after a yes on the questionnaire's screening question), a
request for exercises or products gets ``utter_red_flag_reminder``
instead of the form. Nothing here calls the action server.
"""

from __future__ import annotations

from typing import Any

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_DEACTIVATE_LOOP_NAME, ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, UserUttered
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from common.safety import ALARM_SLOT, BLOCKED_AFTER_ALARM, RED_FLAG_INTENTS, REMINDER_RESPONSE, SAFETY_RESPONSES


def _session_events(tracker: DialogueStateTracker) -> list[Any]:
    events = list(tracker.events)
    for index in range(len(events) - 1, -1, -1):
        if isinstance(events[index], SessionStarted):
            return events[index:]
    return events


def next_safety_action(tracker: DialogueStateTracker) -> str | None:
    """The action this policy insists on, or None to let the other policies decide."""
    events = _session_events(tracker)
    last_user = next((i for i in range(len(events) - 1, -1, -1) if isinstance(events[i], UserUttered)), None)
    if last_user is None:
        return None
    intent = events[last_user].intent.get("name")
    done = [e.action_name for e in events[last_user + 1 :] if isinstance(e, ActionExecuted)]

    if intent in SAFETY_RESPONSES:
        first = SAFETY_RESPONSES[intent]
    elif intent in BLOCKED_AFTER_ALARM and (
        tracker.get_slot(ALARM_SLOT)
        or any(isinstance(e, UserUttered) and e.intent.get("name") in RED_FLAG_INTENTS for e in events[:last_user])
    ):
        first = REMINDER_RESPONSE
    else:
        return None

    if not done:
        return first
    if done[-1] == first and tracker.active_loop_name:
        return ACTION_DEACTIVATE_LOOP_NAME
    if done[-1] in (first, ACTION_DEACTIVATE_LOOP_NAME):
        return ACTION_LISTEN_NAME
    return None


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class SafetyNetPolicy(Policy):
    """Deterministic policy that puts the safety answer first (see module docstring)."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # Above RulePolicy (6), so it also wins over an active form.
        return {"priority": 7}

    def train(self, training_trackers: list[TrackerWithCachedStates], domain: Domain, **kwargs: Any) -> Resource:
        missing = [r for r in [*SAFETY_RESPONSES.values(), REMINDER_RESPONSE] if r not in domain.action_names_or_texts]
        if missing:
            raise ValueError(f"SafetyNetPolicy: the domain lacks the safety responses {missing}")
        return self._resource

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        probabilities = self._default_predictions(domain)
        action = next_safety_action(tracker)
        if action is None:
            return self._prediction(probabilities)
        probabilities[domain.index_for_action(action)] = 1.0
        return self._prediction(probabilities, is_no_user_prediction=True)

    @classmethod
    def _metadata_filename(cls) -> str:
        return "safety_net_policy"

    def _metadata(self) -> dict[str, Any]:
        return {"priority": self.priority}
