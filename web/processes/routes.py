"""The process owners' blueprint with all its routes: importing this module registers them."""

from web.processes import forms_editor, migration, modeler, restore, upload, views
from web.processes.blueprint import bp

__all__ = ["bp", "forms_editor", "migration", "modeler", "restore", "upload", "views"]
