"""Rendering of engine results for people (text) and programs (JSON), shared by every front end."""
