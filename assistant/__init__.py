"""Rasa-server side of the assistant: custom NLU components and the safety policy.

Everything here runs inside the Rasa server (not the action server), so the safety net keeps
working when the action server is down.
"""
