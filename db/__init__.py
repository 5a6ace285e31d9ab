"""Monitoring database: schema, engine, initialisation and imports."""
