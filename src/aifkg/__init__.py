"""aifkg: the open knowledge graph of Europe's EuroHPC AI Factories."""

__version__ = "0.1.0"
