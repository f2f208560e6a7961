"""Tests of the dialog layer: answer parsing, questions, flows."""
