"""Streamlit front end: quote form, job status, results, quote history and administration."""
