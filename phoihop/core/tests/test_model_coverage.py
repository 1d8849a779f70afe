"""Every model of ours is under the permission mechanism and reachable in the admin."""

import pytest
from django.apps import apps
from django.contrib import admin

from phoihop.core import permissions


def our_models():
    return [
        model
        for config in apps.get_app_configs()
        if config.name.startswith("phoihop.")
        for model in config.get_models()
    ]


def inline_models() -> set[type]:
    found = set()
    for model_admin in admin.site._registry.values():
        for inline in getattr(model_admin, "inlines", ()):
            found.add(inline.model)
    return found


@pytest.mark.parametrize("model", our_models(), ids=lambda m: m._meta.label)
def test_model_has_a_permission_policy(model):
    permissions._policy_for(model)  # raises ImproperlyConfigured when missing


@pytest.mark.parametrize("model", our_models(), ids=lambda m: m._meta.label)
def test_model_is_in_the_admin(model):
    assert admin.site.is_registered(model) or model in inline_models(), (
        f"{model._meta.label} is neither registered nor an inline in the admin"
    )
