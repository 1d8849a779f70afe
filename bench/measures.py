"""The measures of each scale; each returns a JSON-able dict with its reference beside it."""

from __future__ import annotations
