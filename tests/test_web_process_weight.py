"""A web process carries only what serving requests needs: the libraries that draw charts,
PDFs and spreadsheets, the statistics and the model are imported where they are used, so a
Twilio webhook's worker does not hold them (210 MiB a worker with them, against about 130)."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Imported only by the code that uses them: trend charts, the spike test, the XLSX export,
# the PDF report, and the classifier (in workers, or in-process on first use).
HEAVY = ("matplotlib", "scipy", "openpyxl", "weasyprint", "numpy", "torch", "sklearn", "PIL")

PROGRAM = """
import json, sys
import app
app.create_app()
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


def test_building_the_app_imports_no_chart_pdf_spreadsheet_statistics_or_model_library():
    environment = {
        **os.environ,
        # This checkout's code, whatever an installed copy points at.
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/never-connected",
        "REDIS_URL": "",
        "CLASSIFIER": "",
    }
    run = subprocess.run(
        [sys.executable, "-c", PROGRAM],
        env=environment,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    imported = set(json.loads(run.stdout.strip().splitlines()[-1]))
    assert "flask" in imported and "app" in imported
    assert sorted(imported.intersection(HEAVY)) == []
