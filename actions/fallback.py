"""action_fallback_topics: ask to rephrase and offer the likely topics as buttons."""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from actions.topic_suggestions import buttons_for, likely_topics


class ActionFallbackTopics(Action):
    """Answers a message the assistant is too unsure about (topic `fallback`)."""

    def name(self) -> str:
        return "action_fallback_topics"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        topics = likely_topics(tracker.latest_message or {})
        dispatcher.utter_message(response="utter_fallback", buttons=buttons_for(topics))
        # End the turn: as Rasa's core fallback action this would otherwise be predicted again and again.
        return [FollowupAction("action_listen")]
