"""FollowUpPolicy: keeps the slot ``last_topic``, the subject the conversation is about (issue 12 item 6).

It never predicts an action (all its probabilities are 0, so it never wins and never gets in the way of
``SafetyNetPolicy`` or the rules). It only returns, with its prediction, a ``SlotSet`` of ``last_topic`` when the
latest message is an FAQ question whose subject differs from the slot (``assistant.followups.subject_of_turn``).
Rasa applies a policy's events whether or not the policy wins, and before it runs the predicted action, so the
answer of the same turn (``utter_faq/<aspect>``) already sees the new subject and picks its variation
(``condition`` on ``last_topic`` in ``data/responses/faq.yml``). It runs in the Rasa server: it works with the
action server down.
"""

from __future__ import annotations

from typing import Any

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from assistant.followups import load_followups, subject_of_turn

SUBJECT_SLOT = "last_topic"
RETRIEVAL_INTENT = "faq"


def answered_topic(parse_data: dict[str, Any]) -> str | None:
    """The FAQ topic that answers a message (the response selector's key after the gates), or None."""
    if (parse_data.get("intent") or {}).get("name") != RETRIEVAL_INTENT:
        return None
    selector = (parse_data.get("response_selector") or {}).get(RETRIEVAL_INTENT) or {}
    key = (selector.get("response") or {}).get("intent_response_key") or ""
    prefix = f"{RETRIEVAL_INTENT}/"
    return key[len(prefix) :] if key.startswith(prefix) else None


def subject_update(tracker: DialogueStateTracker) -> SlotSet | None:
    """The ``SlotSet`` that brings ``last_topic`` up to date with the latest message, or None."""
    latest = tracker.latest_message
    if latest is None or not latest.text or latest.intent.get("name") != RETRIEVAL_INTENT:
        return None
    parse_data = {**(latest.parse_data or {}), "intent": latest.intent}
    topic = answered_topic(parse_data)
    if topic is None:
        return None
    previous = tracker.get_slot(SUBJECT_SLOT)
    subject = subject_of_turn(latest.text, topic, previous)
    return None if subject == previous else SlotSet(SUBJECT_SLOT, subject)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class FollowUpPolicy(Policy):
    """Sets ``last_topic`` for the answer of the turn; predicts nothing itself (see the module docstring)."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # Below every other policy (TEDPolicy has 1): its all-zero prediction never wins anyway.
        return {"priority": 0}

    def train(self, training_trackers: list[TrackerWithCachedStates], domain: Domain, **kwargs: Any) -> Resource:
        if SUBJECT_SLOT not in {slot.name for slot in domain.slots}:
            raise ValueError(f"FollowUpPolicy: the domain lacks the slot {SUBJECT_SLOT}")
        load_followups()  # fail at training, naming the file and field, if followups.yml is broken
        return self._resource

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        update = subject_update(tracker)
        return self._prediction(self._default_predictions(domain), events=[update] if update else None)

    @classmethod
    def _metadata_filename(cls) -> str:
        return "followup_policy"

    def _metadata(self) -> dict[str, Any]:
        return {"priority": self.priority}
