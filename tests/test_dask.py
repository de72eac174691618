"""The Dask executor: a build on a Dask cluster equals a local build byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsarchive.run.executor import DaskExecutor, SerialExecutor, shares_files
from newsarchive.run.session import build

from sitekit import make_site, md, snapshot

distributed = pytest.importorskip(
    "distributed", reason="Dask is an optional extra: pip install 'newsarchive[dask]'")


def _articles(count: int) -> dict[str, str]:
    return {f"{i:04d}.md": md(f"Dispatch {i}", f"2010-{i % 12 + 1:02d}-{i % 28 + 1:02d}T06:00:00Z",
                              f"Text of dispatch {i}.\n\nAnother *paragraph*.",
                              topics=f"[Region{i % 5}]", source=f"Wire{i % 3}")
            for i in range(230)}  # above the size where the builder sends work out


def test_dask_build_equals_local_build(tmp_path: Path) -> None:
    articles = _articles(230)
    local = make_site(tmp_path / "local", articles)
    remote = make_site(tmp_path / "remote", articles)
    build(local, executor=SerialExecutor(), use_cache=False)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        executor = DaskExecutor(client)
        assert not shares_files(executor)
        report = build(remote, executor=executor)
        executor.close()
    assert report.sources_read == 230 and not report.errors
    assert snapshot(remote.output_dir) == snapshot(local.output_dir)
