"""action_human_handoff: the shop's contact options, when configured, and how to reach a physiotherapist."""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.contact import shop_contact


class ActionHumanHandoff(Action):
    """Answers topic `human_handoff`: the shop's contact details (utter_human_handoff) when they are configured,
    else an honest sentence that they are not (utter_human_handoff_unconfigured); then the way to a
    physiotherapist or huisarts (utter_human_handoff_care)."""

    def name(self) -> str:
        return "action_human_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        contact = shop_contact()
        if contact is None:
            dispatcher.utter_message(response="utter_human_handoff_unconfigured")
        else:
            dispatcher.utter_message(response="utter_human_handoff", **contact)
        dispatcher.utter_message(response="utter_human_handoff_care")
        return []
