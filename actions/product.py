"""action_product_recommendation: the shop's own products, explained honestly."""

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.catalogs import load_products
from actions.questionnaire import ALARM_SLOT
from actions.recommender import product_advice


class ActionProductRecommendation(Action):
    """Answers "welk product past bij mij?" and "helpt een brace?" (topic product_recommendation)."""

    def name(self) -> str:
        return "action_product_recommendation"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[str, Any]]:
        score = tracker.get_slot("pijnscore")
        advice = product_advice(None if score is None else int(score), bool(tracker.get_slot(ALARM_SLOT)))
        if advice == "none":
            dispatcher.utter_message(response="utter_red_flag_reminder")
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
                actie=product.offer or "geen actie",
                past_als=product.fits_when,
                niet_voor=product.not_for,
                link=product.url,
            )
        return []
