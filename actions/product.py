"""action_product_recommendation: the shop's own products, explained honestly."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.catalogs import load_products, offer_label
from actions.recommender import product_advice
from common.safety import ALARM_SLOT, REMINDER_RESPONSE


class ActionProductRecommendation(Action):
    """Answers "welk product past bij mij?" and "helpt een brace?" (topic product_recommendation)."""

    def name(self) -> str:
        return "action_product_recommendation"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        score = tracker.get_slot("pijnscore")
        advice = product_advice(None if score is None else int(score), bool(tracker.get_slot(ALARM_SLOT)))
        if advice == "none":
            dispatcher.utter_message(response=REMINDER_RESPONSE)
            return []
        if advice == "doctor_first":
            dispatcher.utter_message(response="utter_product_recommendation_doctor_first")
        dispatcher.utter_message(response="utter_product_recommendation_intro")
        for product in load_products():
            dispatcher.utter_message(
                response="utter_product_recommendation_item",
                naam=product.name,
                beschrijving=product.description,
                prijs=product.price_label,
                actie=offer_label(product),
                past_als=product.fits_when,
                niet_voor=product.not_for,
                link=product.url,
            )
        return []
