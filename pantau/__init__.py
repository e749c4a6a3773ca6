"""Pantau: regional development information system for Indonesian regional governments."""
