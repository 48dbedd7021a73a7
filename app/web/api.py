"""The JSON API for partner apps."""

from flask import Blueprint

bp = Blueprint("api", __name__)
