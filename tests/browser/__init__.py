"""Browser suite: the real app in headless Chromium."""
