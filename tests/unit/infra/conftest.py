from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture
def patched_moto() -> Iterator[None]:
    """moto in-process as the local stack runs it: with infra/local/moto_patches applied (the
    credentials and region come from the suite's autouse fixture)."""
    from moto import mock_aws

    from infra.local import moto_patches

    moto_patches.apply()
    try:
        with mock_aws():
            yield
    finally:
        moto_patches.remove()  # the process's other tests run moto as it is
