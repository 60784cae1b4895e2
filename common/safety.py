"""The names of the safety net, defined once: intents, urgency tiers, their responses and slots.

Used by the Rasa server (``assistant.components.SafetyNet``, ``assistant.policy.SafetyNetPolicy``,
``assistant.alarm_signs``) and the action server (``actions.questionnaire``, ``actions.exercise``,
``actions.product``). The same names appear in ``domain.yml``, the NLU data and
``assistant/alarm_signs.yml``; ``SafetyNetPolicy.train`` fails when the domain lacks a response named
here, and the lexicon loader fails when ``alarm_signs.yml`` names another tier or response.
"""

from __future__ import annotations

from typing import Final

# Urgency tiers of assistant/alarm_signs.yml, most urgent first: the most urgent tier of a message's signs wins.
TIER_CRISIS: Final = "crisis"
TIER_EMERGENCY: Final = "emergency"
TIER_TODAY: Final = "today"
TIER_SOON: Final = "soon"
TIER_ORDER: Final = (TIER_CRISIS, TIER_EMERGENCY, TIER_TODAY, TIER_SOON)

# Safety intents: predicted by the classifiers or forced by the safety net.
CRISIS: Final = "crisis"
RED_FLAG_EMERGENCY: Final = "red_flag_emergency"
RED_FLAG_TODAY: Final = "red_flag_today"
RED_FLAG_SOON: Final = "red_flag_soon"

# The intent forced for each tier, in tier order (most urgent first).
TIER_INTENTS: Final = {
    TIER_CRISIS: CRISIS,
    TIER_EMERGENCY: RED_FLAG_EMERGENCY,
    TIER_TODAY: RED_FLAG_TODAY,
    TIER_SOON: RED_FLAG_SOON,
}
SAFETY_INTENTS: Final = tuple(TIER_INTENTS.values())
# The medical tiers (the "tier" of the parse data's "alarm"), most urgent first.
MEDICAL_TIERS: Final = (TIER_EMERGENCY, TIER_TODAY, TIER_SOON)

# The alarm signs of assistant/alarm_signs.yml (NHG-Standaard M54, KNGF-richtlijn 2021) and crisis: the ids of
# the parse data's "alarm" ("signs", "ask") and of the follow-up questions (utter_red_flag_ask_<sign>).
ALARM_SIGNS: Final = (
    "cauda_equina",
    "progressive_weakness",
    "fever",
    "trauma",
    "cancer",
    "weight_loss",
    "night_pain",
    "sudden_severe",
    "chest_breathing",
    "steroids_osteoporosis",
    "immunosuppression",
    "iv_drug_use",
    "inflammatory",
    "age_onset",
    "both_legs",
    "night_sweats",
    "sexual_dysfunction",
    "crisis",
)
# The urgency categories of the Nederlandse Triage Standaard (NHG-TriageWijzer): U1 levensbedreigend (direct),
# U2 spoed (binnen 1 uur), U3 dringend (binnen enkele uren), U4 niet dringend (binnen 24 uur), U5 advies.
NTS_CATEGORIES: Final = ("U1", "U2", "U3", "U4", "U5")
# The key SafetyNet puts into every parsed message (tier, signs, ask, crisis).
ALARM_PARSE_KEY: Final = "alarm"
# A follow-up question for a sign whose tier the message does not settle: utter_red_flag_ask_<sign>.
ASK_RESPONSE_PREFIX: Final = "utter_red_flag_ask_"
# Intents after which no exercises or products are offered for the rest of the session (not crisis:
# its answer is a helpline, not a medical alarm sign).
RED_FLAG_INTENTS: Final = (RED_FLAG_EMERGENCY, RED_FLAG_TODAY, RED_FLAG_SOON)

# The response that answers each safety intent first.
SAFETY_RESPONSES: Final = {
    CRISIS: "utter_crisis",
    RED_FLAG_EMERGENCY: "utter_red_flag_emergency",
    RED_FLAG_TODAY: "utter_red_flag_today",
    RED_FLAG_SOON: "utter_red_flag_soon",
}
# Answer to a request for exercises or products after an alarm sign in the same session.
REMINDER_RESPONSE: Final = "utter_red_flag_reminder"
# The requests that get the reminder instead of their answer after an alarm sign.
BLOCKED_AFTER_ALARM: Final = frozenset({"exercise_recommendation", "product_recommendation"})

# Slots (domain.yml).
# The questionnaire's screening question: "do you have one of these alarm signs?" (yes/no).
SCREENING_SLOT: Final = "alarm_check"
# Set by action_exercise_recommendation after a yes on the screening question: no exercises or
# products for the rest of the session.
ALARM_SLOT: Final = "alarm_gemeld"
