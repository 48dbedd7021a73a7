"""Staff pages: sign-in, the feedback list and an item's thread."""

from flask import Blueprint

bp = Blueprint("staff", __name__)
