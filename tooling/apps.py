"""App configuration for the demo and benchmark tooling."""

from django.apps import AppConfig


class ToolingConfig(AppConfig):
    name = "tooling"
