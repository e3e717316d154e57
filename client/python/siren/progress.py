"""A fit's progress: the history of PROGRESS events, and a tqdm bar (the widget in notebooks)."""
from __future__ import annotations

from typing import Any, Dict, List, Optional

from ._stubs import jobs_pb2


def progress_record(progress: "jobs_pb2.Progress") -> Dict[str, Any]:
    """One PROGRESS event as a flat dict: step, total_steps, loss, the metrics (e.g. psnr), speed, times."""
    record: Dict[str, Any] = {
        "step": progress.step,
        "total_steps": progress.total_steps,
        "loss": progress.loss,
    }
    if progress.total_epochs > 0:  # a fit counted in the reference's epochs
        record["epoch"] = progress.epoch
        record["total_epochs"] = progress.total_epochs
    for name in sorted(progress.metrics):
        record[name] = progress.metrics[name]
    record["steps_per_second"] = progress.steps_per_second
    record["eta_seconds"] = progress.eta_seconds
    record["elapsed_seconds"] = progress.elapsed_seconds
    return record


class ProgressHistory:
    """The progress records a job's watches received, one per step (a repeated step replaces its record)."""

    def __init__(self) -> None:
        self.records: List[Dict[str, Any]] = []

    def add(self, progress: "jobs_pb2.Progress") -> Optional[Dict[str, Any]]:
        """Records a progress; returns the record, or None for one without a step yet."""
        if progress.step <= 0:
            return None  # not started: no figures yet
        record = progress_record(progress)
        if self.records and self.records[-1]["step"] == record["step"]:
            self.records[-1] = record
        elif self.records and self.records[-1]["step"] > record["step"]:
            return None  # an older figure arriving late (e.g. a snapshot after a re-watch)
        else:
            self.records.append(record)
        return record

    def frame(self) -> Dict[str, List[Any]]:
        """Column-wise: ``{"step": [...], "loss": [...], "psnr": [...], ...}`` (pandas.DataFrame accepts it).

        A column a record lacks holds None there.
        """
        columns: List[str] = []
        for record in self.records:
            for key in record:
                if key not in columns:
                    columns.append(key)
        return {column: [record.get(column) for record in self.records] for column in columns}


class ProgressDisplay:
    """A tqdm.auto bar over a job's steps with loss and metrics after it; does nothing when disabled."""

    def __init__(self, job_id: str, enabled: bool = True) -> None:
        self._job_id = job_id
        self._enabled = enabled
        self._bar: Any = None

    def update(self, progress: "jobs_pb2.Progress") -> None:
        if not self._enabled or progress.total_steps <= 0:
            return
        if self._bar is None:
            from tqdm.auto import tqdm

            # The speed and time left are the server's (tqdm's own would time the events' arrival).
            self._bar = tqdm(total=int(progress.total_steps), desc=f"fit {self._job_id}", unit="step", leave=True,
                             bar_format="{desc}: {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt}{postfix}")
        self._bar.total = int(progress.total_steps)
        self._bar.n = int(progress.step)
        figures = {"loss": f"{progress.loss:.4g}"}
        for name in sorted(progress.metrics):
            figures[name] = f"{progress.metrics[name]:.4g}"
        figures["steps/s"] = f"{progress.steps_per_second:.1f}"
        if progress.eta_seconds > 0:
            figures["eta"] = f"{progress.eta_seconds:.0f}s"
        self._bar.set_postfix(figures, refresh=False)
        self._bar.refresh()

    def close(self, state: str = "") -> None:
        if self._bar is not None:
            if state:
                self._bar.set_description_str(f"fit {self._job_id} {state}", refresh=False)
            self._bar.close()
            self._bar = None
