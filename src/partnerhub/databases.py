"""The database settings: one primary (``DATABASE_URL``) and optional PostgreSQL read replicas.

Read by settings.py; kept apart so that the rules can be tested without reloading the settings.
"""

import dj_database_url
from dj_database_url import DBConfig

from partnerhub.env import ImproperlyConfiguredValue

PRIMARY_ALIAS = "default"
REPLICA_ALIAS_PREFIX = "replica_"
POSTGRESQL_ENGINE = "django.db.backends.postgresql"


def replica_alias(position: int) -> str:
    """``replica_1``, ``replica_2``… in the order of ``DATABASE_REPLICA_URLS``."""
    return f"{REPLICA_ALIAS_PREFIX}{position}"


def replica_databases(primary: DBConfig, urls: list[str], conn_max_age: int) -> dict[str, DBConfig]:
    """The DATABASES entries of the read replicas named by ``urls``.

    Replicas are streaming copies of a PostgreSQL primary: a replica of SQLite, or of another
    engine than the primary's, is refused rather than silently served stale or foreign data.
    In tests each replica mirrors the primary's test database (Django's ``TEST["MIRROR"]``), so
    a suite run with replicas configured still reads what it wrote."""
    if not urls:
        return {}
    if primary["ENGINE"] != POSTGRESQL_ENGINE:
        raise ImproperlyConfiguredValue(
            "DATABASE_REPLICA_URLS needs a PostgreSQL primary: DATABASE_URL names another database engine"
        )
    replicas = {}
    for position, url in enumerate(urls, start=1):
        replica = dj_database_url.parse(url, conn_max_age=conn_max_age)
        if replica["ENGINE"] != POSTGRESQL_ENGINE:
            raise ImproperlyConfiguredValue(
                f"DATABASE_REPLICA_URLS: replica {position} ({replica['ENGINE']}) is not PostgreSQL"
            )
        replica["TEST"] = {"MIRROR": PRIMARY_ALIAS}
        replicas[replica_alias(position)] = replica
    return replicas
