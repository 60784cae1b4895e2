"""action_product_recommendation: the shop's own products, explained honestly."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.catalogs import link_label, load_products, offer_label, price_label
from actions.questionnaire import SESSION_PAIN_SLOT
from actions.recommender import product_advice
from common.safety import ALARM_SLOT, REMINDER_RESPONSE


class ActionProductRecommendation(Action):
    """Answers "welk product past bij mij?" and "helpt een brace?" (topic product_recommendation)."""

    def name(self) -> str:
        return "action_product_recommendation"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        # The questionnaire's current answer, else the last score given in this session.
        score = tracker.get_slot("pijnscore")
        if score is None:
            score = tracker.get_slot(SESSION_PAIN_SLOT)
        advice = product_advice(None if score is None else int(score), bool(tracker.get_slot(ALARM_SLOT)))
        if advice == "none":
            dispatcher.utter_message(response=REMINDER_RESPONSE)
            return []
        if advice == "doctor_first":
            # Pain 8/10 or more: the huisarts first, and no brace or other product offered.
            dispatcher.utter_message(response="utter_product_recommendation_doctor_first")
            return []
        dispatcher.utter_message(response="utter_product_recommendation_intro")
        for product in load_products():
            dispatcher.utter_message(
                response="utter_product_recommendation_item",
                naam=product.name,
                beschrijving=product.description,
                prijs=price_label(product),
                actie=offer_label(product),
                past_als=product.fits_when,
                niet_voor=product.not_for,
                link=link_label(product),
            )
        return []
