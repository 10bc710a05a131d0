"""Kedro's project settings: the defaults."""
