"""Streamlit entry file: page navigation and the sidebar line saying where quotes are solved.

Run with `streamlit run src/bng_optimiser/ui/app.py`. Streamlit reruns this file on every
interaction; the page bodies live in `pages/`, one file each.
"""

from pathlib import Path

import streamlit as st

from bng_optimiser.ui.state import choose_backend

PAGES_DIR = Path(__file__).parent / "pages"

st.set_page_config(page_title="BNG optimiser", page_icon="🌿", layout="wide")
page = st.navigation(
    [
        st.Page(PAGES_DIR / "quote.py", title="Quote", icon="🧮", default=True),
        st.Page(PAGES_DIR / "history.py", title="History", icon="🗂️"),
        st.Page(PAGES_DIR / "admin.py", title="Admin", icon="🔧"),
    ]
)
choice = choose_backend()
st.sidebar.caption(("🟢 " if choice.mode == "api" else "🟠 ") + choice.explanation)
page.run()
