"""The complaintdesk HTTP API: a Chalice app, ``app`` is the Lambda handler in template.yaml.

The routes live in ``complaintdesk.routes`` (one blueprint per area, in the shared layer); this
module only assembles them, so importing it stays cheap on a cold start.
"""

from __future__ import annotations

from chalice.app import Chalice

from complaintdesk.cors import ConsoleCORS
from complaintdesk.routes import blueprints

app = Chalice(app_name="complaintdesk-api")
app.api.cors = ConsoleCORS()  # every route: the console's origin (complaintdesk.cors)

for _blueprint in blueprints():
    app.register_blueprint(_blueprint)
