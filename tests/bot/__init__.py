"""Tests of the Telegram and web bot front ends (``bot`` package)."""
