"""Keeping the knowledge current: live reload and rollback, the feedback store, suggestions."""
