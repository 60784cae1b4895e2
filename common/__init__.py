"""Framework-free code shared by the Rasa server (``assistant/``) and the action server (``actions/``).

Nothing in this package imports rasa or rasa_sdk, so the action server can use it without pulling
Rasa in, and the Rasa server without pulling in the action server:

- ``common.data_files``: the one loader of the project's YAML data (validated, cached, one error type);
- ``common.safety``: the names of the safety intents, urgency tiers, responses and slots.
"""
