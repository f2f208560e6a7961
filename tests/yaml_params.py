"""Load data-driven test cases from a folder of YAML lists as pytest parameters."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml


def yaml_params(folder: Path) -> list:
    """Every item of every ``*.yaml`` list in ``folder``, named ``<file>: <item name>``."""
    params = []
    for path in sorted(folder.glob("*.yaml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8")):
            params.append(pytest.param(item, id=f"{path.stem}: {item['name']}"))
    return params
