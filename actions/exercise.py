"""The exercise questionnaire (exercise_recommendation_form) and action_exercise_recommendation."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.catalogs import Exercise, get_product, link_label, offer_label, price_label
from actions.questionnaire import (
    CONTRAINDICATIONS_SLOT,
    FAILURES_SLOT,
    PARSERS,
    SESSION_PAIN_SLOT,
    Answer,
    read_answer,
    retry_response,
    slots_to_ask,
)
from actions.recommender import OUTCOME_EXERCISES, OUTCOME_RED_FLAG, recommend
from common.safety import ALARM_SLOT, RED_FLAG_EMERGENCY, SAFETY_RESPONSES, SCREENING_SLOT

FORM_SLOTS = list(PARSERS)
EBOOK_ID = "oefenboek"
# Why exercises were left out, one response per contraindication: utter_exercise_recommendation_left_out_<id>.
LEFT_OUT_RESPONSE = "utter_exercise_recommendation_left_out_{}"


class ValidateExerciseRecommendationForm(FormValidationAction):
    """Reads free-text answers for the questionnaire's slots (custom slot mappings)."""

    def name(self) -> str:
        return "validate_exercise_recommendation_form"

    @staticmethod
    def _read(slot: str, tracker: Tracker) -> Answer:
        latest = tracker.latest_message or {}
        intent = latest.get("intent") or {}
        return read_answer(slot, latest.get("text"), intent.get("name"), intent.get("confidence") or 0.0)

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        """The domain's questions, without the contraindication question after pain of 8 or more."""
        return slots_to_ask(domain_slots, tracker.get_slot("pijnscore"))

    @staticmethod
    def _misses_in_a_row(tracker: Tracker) -> int:
        """Answers not understood in a row, this one included."""
        return int(tracker.get_slot(FAILURES_SLOT) or 0) + 1

    async def _extract(self, slot: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") != slot:
            return {}
        answer = self._read(slot, tracker)
        if answer.interrupt:
            return {}  # nothing extracted: the form steps aside, the rules answer, the form resumes
        if answer.understood:
            return {slot: answer.value}
        dispatcher.utter_message(response=retry_response(slot, self._misses_in_a_row(tracker)))
        return {slot: None}

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        """Extract and validate as usual, then count answers not understood in a row."""
        requested = tracker.get_slot("requested_slot")
        events = await super().run(dispatcher, tracker, domain)
        if requested in PARSERS:
            answer = self._read(requested, tracker)
            if answer.understood:
                events.append(SlotSet(FAILURES_SLOT, 0))
                if requested == "pijnscore":
                    # Kept for the rest of the session, also when the form stops before its end.
                    events.append(SlotSet(SESSION_PAIN_SLOT, answer.value))
            elif not answer.interrupt:
                events.append(SlotSet(FAILURES_SLOT, self._misses_in_a_row(tracker)))
        return events

    async def extract_klachtduur(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return await self._extract("klachtduur", dispatcher, tracker)

    async def extract_uitstraling(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return await self._extract("uitstraling", dispatcher, tracker)

    async def extract_pijnscore(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return await self._extract("pijnscore", dispatcher, tracker)

    async def extract_contra_indicaties(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return await self._extract(CONTRAINDICATIONS_SLOT, dispatcher, tracker)

    async def extract_alarm_check(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return await self._extract(SCREENING_SLOT, dispatcher, tracker)


def _item_fields(exercise: Exercise) -> dict[str, str]:
    return {
        "naam": exercise.name,
        "stappen": "\n".join(exercise.numbered_steps),
        "dosering": exercise.dose,
        "stop_als": exercise.stop_if,
        "niet_voor": exercise.not_for,
    }


class ActionExerciseRecommendation(Action):
    """Chooses exercises from the questionnaire's answers (actions/recommender.py) and sends them."""

    def name(self) -> str:
        return "action_exercise_recommendation"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        score = tracker.get_slot("pijnscore")
        result = recommend(
            duration=tracker.get_slot("klachtduur"),
            radiation=tracker.get_slot("uitstraling"),
            pain_score=None if score is None else int(score),
            alarm=bool(tracker.get_slot(SCREENING_SLOT)),
            contraindications=tracker.get_slot(CONTRAINDICATIONS_SLOT),
        )
        # The answers are used once: asking for exercises again starts the questions anew.
        events = [SlotSet(slot, None) for slot in FORM_SLOTS] + [SlotSet(FAILURES_SLOT, 0)]
        if result.outcome == OUTCOME_RED_FLAG:
            # SafetyNetPolicy asks which sign after a yes (utter_red_flag_ask_screening), so this runs only
            # where it did not: without knowing which sign, the most urgent tier.
            dispatcher.utter_message(response=SAFETY_RESPONSES[RED_FLAG_EMERGENCY])
            return events + [SlotSet(ALARM_SLOT, True)]
        if result.outcome != OUTCOME_EXERCISES:
            dispatcher.utter_message(response="utter_exercise_recommendation_severe_pain")
            return events
        dispatcher.utter_message(response="utter_exercise_recommendation_intro")
        for contraindication in result.left_out:
            dispatcher.utter_message(response=LEFT_OUT_RESPONSE.format(contraindication))
        for exercise in result.exercises:
            dispatcher.utter_message(response="utter_exercise_recommendation_item", **_item_fields(exercise))
        dispatcher.utter_message(response="utter_exercise_recommendation_stop_rules")
        if result.advise_physio:
            dispatcher.utter_message(response="utter_exercise_recommendation_radiating")
        if result.offer_ebook:
            ebook = get_product(EBOOK_ID)
            dispatcher.utter_message(
                response="utter_exercise_recommendation_ebook",
                boek=ebook.name,
                prijs=price_label(ebook),
                actie=offer_label(ebook),
                link=link_label(ebook),
            )
        return events
