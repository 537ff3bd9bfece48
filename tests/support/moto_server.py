"""``python -m tests.support.moto_server [moto.server's arguments]``: moto's own server, with one
patch of the local stack's (infra/local/moto_patches, habit 3): Step Functions programs parsed once
and kept (in build/asl-programs), instead of ANTLR parsing a plan at each state machine creation
and each execution start. What the server answers is moto's own; only its CPU is spared."""

from __future__ import annotations

from moto.server import main

from tests.support.aws import keep_asl_programs

if __name__ == "__main__":
    keep_asl_programs()
    main()
