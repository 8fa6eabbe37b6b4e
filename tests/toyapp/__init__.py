"""A toy confidential model, installed for the tests only: its registration in apps.py
is its only wiring, and tests/core/test_registration_is_enough.py shows that it is enough."""
