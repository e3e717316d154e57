"""Job states and priorities as Python enums (their values are the CLI's lower-case names)."""
from __future__ import annotations

import enum
from typing import Any, Union

from ._stubs import jobs_pb2
from .errors import InvalidArgument


class JobState(str, enum.Enum):
    """Where a job is. A ``str`` enum: ``job.state == "succeeded"`` works too."""

    UNSPECIFIED = "unspecified"
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"
    INTERRUPTED = "interrupted"  # the server shut down mid-fit; a checkpoint was saved
    PAUSED = "paused"  # stopped with its state saved; Job.resume() queues it again

    @classmethod
    def from_proto(cls, value: int) -> "JobState":
        name = jobs_pb2.JobState.Name(value) if value in jobs_pb2.JobState.values() else "JOB_STATE_UNSPECIFIED"
        return cls(name[len("JOB_STATE_"):].lower())

    @property
    def finished(self) -> bool:
        """True for the states a job does not leave by itself (succeeded, failed, cancelled)."""
        return self in (JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED)

    def __str__(self) -> str:
        return self.value


# States after which a watch stream ends: the job will not change until someone acts (or a restart).
WATCH_ENDING_STATES = (JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED, JobState.PAUSED, JobState.INTERRUPTED)


class Priority(str, enum.Enum):
    """Which queued job a free worker takes first (the oldest first among equals)."""

    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"

    def to_proto(self) -> Any:
        return jobs_pb2.Priority.Value("PRIORITY_" + self.name)

    @classmethod
    def parse(cls, value: Union[str, "Priority"]) -> "Priority":
        try:
            return cls(value.lower() if isinstance(value, str) else value)
        except ValueError:
            raise InvalidArgument(f"priority {value!r}: choose low, normal or high") from None
