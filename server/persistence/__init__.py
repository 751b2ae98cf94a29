"""The database: SQLAlchemy models, the engine, repositories and Alembic migrations.

Repositories are the only code that opens sessions.
"""
