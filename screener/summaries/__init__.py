"""Summaries for a clinician and for machines: one neutral report, a writer per format behind one
registry (export.py), FHIR, and the caseload. Never imports Rich, so `score --json`, `--csv` and
every export stay quick.
"""
