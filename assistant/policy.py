"""SafetyNetPolicy: alarm signs win, always, in the middle of a form too.

In Rasa 3.6 an active form outranks rules: RulePolicy predicts the form's next step as a
"no user" prediction, which beats every other policy. This policy makes the same kind of
prediction with a higher priority whenever the latest user message carries an alarm: the
``alarm`` key that ``assistant.components.SafetyNet`` puts into the parse data (where a tracker lacks
it, the same lexicon reads the message's text), or a safety intent. For that turn it plans the replies:

1. the medical tier's response (``utter_red_flag_emergency|today|soon``), then ``utter_crisis``
   when a crisis came with it (both answers, the medical one first);
2. or, when the message names a sign whose tier depends on a fact it lacks (``alarm.ask``), the
   follow-up question ``utter_red_flag_ask_<sign>``; the next message is read by
   ``assistant.triage_followup.resolve_answer`` and answered with the tier it sets (an answer that
   does not settle it gets the more urgent tier, a new alarm sign in it wins), or with
   ``utter_red_flag_settled_<sign>`` when it settles that there is no alarm;
3. ``action_deactivate_loop`` when a form was active (no exercises or products after an alarm),
4. ``action_listen``.

A yes on the exercise questionnaire's screening question is asked about the same way
(``utter_red_flag_ask_screening``: which sign?); an answer naming none gets the 112 tier.

For the rest of the session after a medical tier's response (not after a settled "no", not after
a crisis answer alone), a request for exercises or products gets ``utter_red_flag_reminder``
instead of the form. Nothing here calls the action server.
"""

from __future__ import annotations

from typing import Any

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_DEACTIVATE_LOOP_NAME, ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from assistant.alarm_signs import assess
from assistant.triage_followup import (
    ASKABLE,
    SCREENING,
    SETTLED_WITHOUT_ALARM,
    UNSETTLED_TIER,
    ask_response,
    asked_sign,
    most_urgent,
    resolve_answer,
    settled_response,
)
from common.safety import (
    ALARM_PARSE_KEY,
    ALARM_SLOT,
    BLOCKED_AFTER_ALARM,
    CRISIS,
    REMINDER_RESPONSE,
    SAFETY_RESPONSES,
    SCREENING_SLOT,
    TIER_CRISIS,
    TIER_EMERGENCY,
    TIER_INTENTS,
    TIER_SOON,
    TIER_TODAY,
)

MEDICAL_TIER_RESPONSES = {
    tier: SAFETY_RESPONSES[TIER_INTENTS[tier]] for tier in (TIER_EMERGENCY, TIER_TODAY, TIER_SOON)
}
CRISIS_RESPONSE = SAFETY_RESPONSES[CRISIS]
INTENT_TIERS = {intent: tier for tier, intent in TIER_INTENTS.items() if tier != TIER_CRISIS}
# Every response this policy can predict: SafetyNetPolicy.train checks the domain has them.
POLICY_RESPONSES = (
    *SAFETY_RESPONSES.values(),
    REMINDER_RESPONSE,
    *(ask_response(sign) for sign in ASKABLE),
    *(settled_response(sign) for sign in SETTLED_WITHOUT_ALARM),
)


def _session_events(tracker: DialogueStateTracker) -> list[Any]:
    events = list(tracker.events)
    for index in range(len(events) - 1, -1, -1):
        if isinstance(events[index], SessionStarted):
            return events[index:]
    return events


def _alarm(user: UserUttered) -> dict[str, Any] | None:
    """The message's ``alarm`` parse data; read from its text with the same lexicon when it lacks the key.

    The key is missing where Rasa rebuilds a message from its intent: ``rasa test core --e2e`` puts a story's
    message into the tracker with the story's intent and only the response selector's parse data, so the
    SafetyNet's output of the same text is not there. Without text (an intent payload) there is nothing to read.
    """
    alarm = (user.parse_data or {}).get(ALARM_PARSE_KEY)
    if isinstance(alarm, dict):
        return alarm
    if user.text and not user.text.startswith("/"):
        return assess(user.text).as_parse_data()
    return None


def _pending_question(events: list[Any], last_user: int) -> str | None:
    """The sign the assistant asked about right before the latest user message, if it did."""
    for event in reversed(events[:last_user]):
        if isinstance(event, UserUttered):
            return None
        if isinstance(event, ActionExecuted) and event.action_name not in (
            ACTION_LISTEN_NAME,
            ACTION_DEACTIVATE_LOOP_NAME,  # a question in the middle of a form ends it
        ):
            return asked_sign(event.action_name)
    return None


def _tier_replies(tier: str | None, crisis: bool) -> list[str]:
    replies = [MEDICAL_TIER_RESPONSES[tier]] if tier else []
    return replies + [CRISIS_RESPONSE] if crisis else replies


def _answer_plan(user: UserUttered, sign: str) -> list[str]:
    """The replies to the answer on the follow-up question about ``sign``."""
    alarm = _alarm(user)
    resolution = resolve_answer(sign, user.text)
    tiers = [resolution.tier]
    if alarm is None:
        # A message without text (an intent payload): the safety intent is all there is.
        tiers.append(INTENT_TIERS.get(user.intent.get("name")))
        crisis = user.intent.get("name") == CRISIS
    else:
        # A new alarm sign in the answer wins when it is more urgent; a sign that needs asking
        # again is read from the same answer (no second question in a row). A tier that only the
        # classifier saw counts when it is an emergency: an answer talks about the sign asked about
        # ("ja, bewust afgevallen met een dieet"), and the classifier hears the sign in it.
        lexicon_signs = [s for s in alarm.get("signs") or [] if s.get("sign") != TIER_CRISIS]
        if lexicon_signs or alarm.get("tier") == TIER_EMERGENCY:
            tiers.append(alarm.get("tier"))
        new_ask = alarm.get("ask")
        if new_ask and new_ask != sign:
            tiers.append(resolve_answer(new_ask, user.text).tier if new_ask in ASKABLE else TIER_EMERGENCY)
        crisis = bool(alarm.get("crisis"))
    tier = most_urgent(tiers)
    if tier is None and sign in SETTLED_WITHOUT_ALARM:
        return [settled_response(sign), *([CRISIS_RESPONSE] if crisis else [])]
    if tier is None:
        tier = UNSETTLED_TIER[sign]
    return _tier_replies(tier, crisis)


def _message_plan(user: UserUttered) -> list[str] | None:
    """The replies to a message that is no answer to a follow-up question (None: not an alarm)."""
    intent = user.intent.get("name")
    alarm = _alarm(user)
    if alarm is None:  # an intent payload: its intent is all there is
        return [SAFETY_RESPONSES[intent]] if intent in SAFETY_RESPONSES else None
    ask, crisis = alarm.get("ask"), bool(alarm.get("crisis"))
    tiers = [alarm.get("tier")]
    if ask:
        if not tiers[0] and not crisis and ask in ASKABLE:
            return [ask_response(ask)]
        # Never a question next to a crisis or a settled sign: the more urgent tier the sign can have.
        tiers.append(UNSETTLED_TIER.get(ask) or INTENT_TIERS.get(intent) or TIER_EMERGENCY)
    else:
        tiers.append(INTENT_TIERS.get(intent))  # the classifier's red flag, kept by the net
        crisis = crisis or intent == CRISIS
    replies = _tier_replies(most_urgent(tiers), crisis)
    return replies or None


def _locked(tracker: DialogueStateTracker, events: list[Any]) -> bool:
    """Whether a medical tier was answered earlier in this session (no exercises or products now)."""
    return bool(tracker.get_slot(ALARM_SLOT)) or any(
        isinstance(e, ActionExecuted) and e.action_name in MEDICAL_TIER_RESPONSES.values() for e in events
    )


def alarm_locked(tracker: DialogueStateTracker) -> bool:
    """Whether exercises and products are locked in the tracker's current session (the lock of ``_locked``).

    ``assistant.patches.session_rollover`` carries this into a new session as ``ALARM_SLOT``, so a rollover of a
    long conversation keeps the lock.
    """
    return _locked(tracker, _session_events(tracker))


def _next_step(replies: list[str], done: list[str], active_loop: str | None) -> str | None:
    if done[: len(replies)] != replies[: len(done)]:
        return None  # something else answered this turn: leave it to the other policies
    if len(done) < len(replies):
        return replies[len(done)]
    if done and done[-1] == replies[-1] and active_loop:
        return ACTION_DEACTIVATE_LOOP_NAME
    if done and done[-1] in (replies[-1], ACTION_DEACTIVATE_LOOP_NAME):
        return ACTION_LISTEN_NAME
    return None


def _screening_yes_index(events: list[Any], last_user: int) -> int | None:
    """Where the form took a yes on the screening question in this turn (None: it did not)."""
    for index in range(last_user + 1, len(events)):
        event = events[index]
        if isinstance(event, SlotSet) and event.key == SCREENING_SLOT and event.value is True:
            return index
    return None


def next_safety_action(tracker: DialogueStateTracker) -> str | None:
    """The action this policy insists on, or None to let the other policies decide."""
    events = _session_events(tracker)
    last_user = next((i for i in range(len(events) - 1, -1, -1) if isinstance(events[i], UserUttered)), None)
    if last_user is None:
        return None
    user = events[last_user]
    done = [e.action_name for e in events[last_user + 1 :] if isinstance(e, ActionExecuted)]

    sign = _pending_question(events, last_user)
    replies = _answer_plan(user, sign) if sign else _message_plan(user)
    if replies is not None:
        return _next_step(replies, done, tracker.active_loop_name)

    screening_yes = _screening_yes_index(events, last_user)
    if screening_yes is not None and not tracker.active_loop_name:
        # The questionnaire is complete with a yes on the screening question: ask which sign.
        after = [e.action_name for e in events[screening_yes:] if isinstance(e, ActionExecuted)]
        return _next_step([ask_response(SCREENING)], after, None)

    if user.intent.get("name") in BLOCKED_AFTER_ALARM and _locked(tracker, events[:last_user]):
        return _next_step([REMINDER_RESPONSE], done, tracker.active_loop_name)
    return None


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class SafetyNetPolicy(Policy):
    """Deterministic policy that puts the safety answer first (see module docstring)."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # Above RulePolicy (6), so it also wins over an active form.
        return {"priority": 7}

    def train(self, training_trackers: list[TrackerWithCachedStates], domain: Domain, **kwargs: Any) -> Resource:
        missing = [r for r in POLICY_RESPONSES if r not in domain.action_names_or_texts]
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
