"""The web demo's parts other than its layout (which is `app.py`): upload checks, the handlers behind the
page and its API, and the page's texts and examples."""
