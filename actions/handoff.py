"""action_human_handoff: the shop's contact options and how to reach a physiotherapist."""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.contact import shop_contact


class ActionHumanHandoff(Action):
    """Answers topic `human_handoff` with response utter_human_handoff, filled from configuration."""

    def name(self) -> str:
        return "action_human_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(response="utter_human_handoff", **shop_contact())
        return []
