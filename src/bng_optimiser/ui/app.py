"""Streamlit entry file: page navigation and the sidebar line saying where quotes are solved.

Run with `streamlit run src/bng_optimiser/ui/app.py`. Streamlit reruns this file on every
interaction; the page bodies live in `views/`, one file each. The folder is not called
`pages/` because Streamlit treats a `pages/` folder next to the entry file as the legacy
multipage layout on a server's first script run, which skips this file.
"""

from pathlib import Path

import streamlit as st

from bng_optimiser.ui.state import choose_backend

VIEWS_DIR = Path(__file__).parent / "views"

st.set_page_config(page_title="BNG optimiser", page_icon=":material/eco:", layout="wide")
page = st.navigation(
    [
        st.Page(
            VIEWS_DIR / "quote.py", title="Quote", icon=":material/request_quote:", default=True
        ),
        st.Page(VIEWS_DIR / "history.py", title="History", icon=":material/history:"),
        st.Page(VIEWS_DIR / "admin.py", title="Admin", icon=":material/admin_panel_settings:"),
    ]
)
choice = choose_backend()
icon = ":material/cloud_done:" if choice.mode == "api" else ":material/computer:"
st.sidebar.caption(f"{icon} {choice.explanation}")
page.run()
