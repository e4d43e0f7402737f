"""citebot: answers questions about a news article and cites it verbatim."""

__version__ = "0.1.0"
