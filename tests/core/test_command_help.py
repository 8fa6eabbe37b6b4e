"""Every command of the hub explains itself with --help, in English and in French (an operator's first step)."""

import pytest
from django.core.management import get_commands, load_command_class
from django.utils import translation

HUB_COMMANDS = sorted(name for name, app in get_commands().items() if app.startswith("partnerhub"))


def test_the_hub_has_its_own_commands():
    assert {"import-iati", "sync-iati", "load-facts", "rebuild-search-index"} <= set(HUB_COMMANDS)


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("name", HUB_COMMANDS)
def test_help_describes_the_command(name, language):
    command = load_command_class(get_commands()[name], name)
    with translation.override(language):
        text = command.create_parser("partnerhub", name).format_help()
    assert text.startswith(f"usage: partnerhub {name}")
    if command.help:
        first_words = " ".join(str(command.help).split()[:3])
        assert first_words in " ".join(text.split())
