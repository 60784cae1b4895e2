"""A throwaway PostgreSQL database on the real server (trust auth), for one test or one bench experiment."""

from __future__ import annotations

from typing import List, Optional

from tests.support.services import POSTGRES_USER


class PostgresDatabase:
    """A fresh PostgreSQL database, created by create() and dropped by drop()."""

    def __init__(self, host: str, port: int, name: str):
        self.host, self.port, self.name, self.user = host, port, name, POSTGRES_USER

    def url(self, host: Optional[str] = None, port: Optional[int] = None) -> str:
        return f"postgresql://{self.user}@{host or self.host}:{port or self.port}/{self.name}"

    def _admin(self):
        import psycopg2

        connection = psycopg2.connect(host=self.host, port=self.port, user=self.user, dbname="postgres")
        connection.autocommit = True
        return connection

    def create(self) -> PostgresDatabase:
        connection = self._admin()
        try:
            with connection.cursor() as cursor:
                cursor.execute(f'CREATE DATABASE "{self.name}"')
        finally:
            connection.close()
        return self

    def drop(self) -> None:
        connection = self._admin()
        try:
            with connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        finally:
            connection.close()

    def set_read_only(self, read_only: bool) -> None:
        """Make new sessions of this database read-only (or writable again) and end the current ones."""
        connection = self._admin()
        try:
            with connection.cursor() as cursor:
                cursor.execute(
                    f'ALTER DATABASE "{self.name}" SET default_transaction_read_only = {"on" if read_only else "off"}'
                )
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = %s AND pid <> pg_backend_pid()",
                    (self.name,),
                )
        finally:
            connection.close()

    def query(self, sql: str, *args) -> List[tuple]:
        import psycopg2

        connection = psycopg2.connect(host=self.host, port=self.port, user=self.user, dbname=self.name)
        try:
            with connection, connection.cursor() as cursor:
                cursor.execute(sql, args)
                return cursor.fetchall() if cursor.description else []
        finally:
            connection.close()
