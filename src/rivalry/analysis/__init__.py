"""Figures and analyses computed over the built store."""
