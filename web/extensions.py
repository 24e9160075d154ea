"""Flask extensions, created unbound here and bound to an app in create_app."""

from __future__ import annotations

from flask_babel import Babel
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from engine.db.models import Base


class ModelBase(Base):
    """The web app's models share the engine's metadata, naming convention and column types.

    Flask-SQLAlchemy copies a model class that derives from DeclarativeBase directly, and the
    engine's Base carries a registry and a type map that cannot be copied together; an abstract
    subclass lets Flask-SQLAlchemy build its model class on top of Base instead.
    """

    __abstract__ = True


db = SQLAlchemy(model_class=ModelBase)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
