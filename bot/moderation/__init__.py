"""Moderators' tools: the feedback store, suggestions from unanswered questions, explanations.

(Live reload and rollback are the engine's lifecycle: bot/engine/lifecycle.py.)
"""
