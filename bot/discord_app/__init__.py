"""The Discord skin: translate events into engine calls and engine results into messages."""
