"""Overlaps moved out of analysis with their tables: the state moved, the data did not."""

import importlib

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from partnerhub.core.models import Event
from partnerhub.overlaps.models import OverlapPair
from tests.core.factories import hidden_overlap_pair
from tests.support.personas import Cast

pytestmark = pytest.mark.django_db

RENAMING = importlib.import_module("partnerhub.overlaps.migrations.0002_content_types_follow_the_models")
MOVED_TABLES = {"OverlapPair": "analysis_overlappair", "OverlapRun": "analysis_overlaprun"}


@pytest.mark.parametrize(("model", "table"), MOVED_TABLES.items())
def test_moved_models_keep_their_tables(model, table):
    assert apps.get_model("overlaps", model)._meta.db_table == table
    assert table in connection.introspection.table_names()


def test_shared_countries_keep_their_table():
    through = apps.get_model("overlaps", "OverlapPair").countries.through
    assert through._meta.db_table == "analysis_overlappair_countries"


def test_migration_state_holds_overlaps_in_overlaps_only():
    state = MigrationExecutor(connection).loader.project_state()
    assert ("overlaps", "overlappair") in state.models and ("overlaps", "overlaprun") in state.models
    assert ("analysis", "overlappair") not in state.models and ("analysis", "overlaprun") not in state.models


def test_content_type_names_the_new_app():
    assert ContentType.objects.get_for_model(OverlapPair).app_label == "overlaps"
    assert not ContentType.objects.filter(app_label="analysis", model__startswith="overlap").exists()


def test_history_written_under_the_old_app_follows_the_pair(cast: Cast):
    pair = hidden_overlap_pair(cast, secret="moved")
    old = ContentType.objects.create(app_label="analysis", model="overlappair")
    Event.objects.create(name="overlap.decided", content_type=old, object_id=pair.pk)
    RENAMING.rename_content_types(apps, None)
    assert Event.objects.get(name="overlap.decided").content_type.model_class() is OverlapPair
    assert not ContentType.objects.filter(pk=old.pk).exists()
