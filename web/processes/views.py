"""The "Processen" section: every process with its versions (who deployed them, when, content
hash, running cases), each version's diagrams and files, and downloads."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable

from flask import render_template, send_file
from flask_login import current_user
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response

from engine import VersionInfo
from web.access import can_manage_process
from web.cases.diagram import diagrams, ordered_for
from web.engine_access import current_engine
from web.models import display_names
from web.processes import queries, sources
from web.processes.blueprint import bp

MEDIA_TYPES = {".bpmn": "application/xml", ".dmn": "application/xml", ".xml": "application/xml"}


def _names(infos: Iterable[VersionInfo]) -> dict[str, str]:
    return display_names({info.deployed_by for info in infos})


@bp.get("/processen")
def index() -> str:
    summaries = [s for s in queries.overview() if can_manage_process(current_user, s.process_id)]
    return render_template(
        "processes/index.html",
        summaries=summaries,
        names=_names(s.latest for s in summaries),
    )


@bp.get("/processen/<process_id>")
def process(process_id: str) -> str:
    rows = queries.version_rows(process_id)
    return render_template(
        "processes/process.html",
        process_id=process_id,
        rows=rows,
        latest=rows[0].info,
        names=_names(row.info for row in rows),
        migratable=any(row.open_cases and not row.latest for row in rows),
    )


@bp.get("/processen/<process_id>/versies/<int:number>")
def version(process_id: str, number: int) -> str:
    info = queries.version(process_id, number)
    files = current_engine().version_files(info.id)
    described = diagrams(info.id)
    rows = queries.version_rows(process_id)
    return render_template(
        "processes/version.html",
        info=info,
        latest=rows[0].info,
        open_cases=next(row.open_cases for row in rows if row.info.id == info.id),
        model_files=[(name, len(content)) for name, content in files if sources.is_model(name)],
        form_count=sum(1 for name, _content in files if sources.is_form(name)),
        diagram_files=ordered_for(list(described.files), process_id),
        forms=sorted(sources.form_uses(files).values(), key=lambda use: use.name),
        names=_names([info]),
    )


@bp.get("/processen/<process_id>/versies/<int:number>/bestanden/<path:name>")
def download(process_id: str, number: int, name: str) -> Response:
    info = queries.version(process_id, number)
    for file_name, content in current_engine().version_files(info.id):
        if file_name == name:
            suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
            return send_file(
                io.BytesIO(content),
                mimetype=MEDIA_TYPES.get(suffix, "application/json"),
                as_attachment=True,
                download_name=name.rsplit("/", 1)[-1],
            )
    raise NotFound()


@bp.get("/processen/<process_id>/versies/<int:number>/bestanden.zip")
def download_zip(process_id: str, number: int) -> Response:
    info = queries.version(process_id, number)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in current_engine().version_files(info.id):
            archive.writestr(name, content)
    buffer.seek(0)
    return send_file(
        buffer,
        mimetype="application/zip",
        as_attachment=True,
        download_name=f"{process_id}-v{number}.zip",
    )
