"""The personas of the sign-in tests serve the security tests too."""

from tests.auth.conftest import sample, signed_in_app, users_file  # noqa: F401  (fixtures)
