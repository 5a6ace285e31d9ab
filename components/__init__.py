"""Figure builders (build_*, no Streamlit) and renderers (render_*) shared by the pages."""
