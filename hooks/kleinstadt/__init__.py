"""Kleinstadtgeschichten: the content model, its validation and the views derived from it.

Nothing in this package imports MkDocs: `make check`, the build hook, the scaffolder and the
tests all share it, and a later move to another generator only replaces the adapter.
"""
