"""What the server fits, as ListTasks describes it: tasks, their inputs, typed options and presets.

The client checks a fit against these before it uploads anything: an unknown task, option or input,
and an option value of the wrong type or out of range raise :class:`~siren.InvalidArgument` at once.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence, Tuple

from ._stubs import fit_pb2, tasks_pb2
from .errors import InvalidArgument


def kind_to_name(kind: int) -> str:
    """TASK_KIND_POISSON_GRAD -> "poisson-grad" (the enum's name, lower case, '_' written '-')."""
    try:
        enum_name = fit_pb2.TaskKind.Name(kind)
    except ValueError:
        return f"task-{kind}"
    return enum_name[len("TASK_KIND_"):].lower().replace("_", "-")


def name_to_kind(name: str) -> Optional[int]:
    """"poisson-grad" (or "poisson_grad") -> TASK_KIND_POISSON_GRAD; None for a name the stubs lack."""
    enum_name = "TASK_KIND_" + normalize_task_name(name).upper().replace("-", "_")
    return fit_pb2.TaskKind.Value(enum_name) if enum_name in fit_pb2.TaskKind.keys() else None


def normalize_task_name(name: str) -> str:
    """The server's spelling of a task name: lower case, '-' between words."""
    return name.strip().lower().replace("_", "-")


@dataclass(frozen=True)
class TaskInput:
    """One named input of a task, e.g. ``image``, or ``background`` and ``foreground``."""

    name: str
    help: str
    optional: bool = False  # may be left out (e.g. image-inpainting's mask)
    media: str = "file"  # what it holds: file, image, audio, video or points (how an array is encoded)


def _input_media(value: int) -> str:
    """INPUT_MEDIA_IMAGE -> "image"; unspecified or newer than this client -> "file" (bytes and paths only)."""
    name = tasks_pb2.InputMedia.Name(value) if value in tasks_pb2.InputMedia.values() else ""
    media = name[len("INPUT_MEDIA_"):].lower()
    return media if media and media != "unspecified" else "file"


_OPTION_TYPES = {
    tasks_pb2.TASK_OPTION_TYPE_INTEGER: "integer",
    tasks_pb2.TASK_OPTION_TYPE_NUMBER: "number",
    tasks_pb2.TASK_OPTION_TYPE_CHOICE: "choice",
    tasks_pb2.TASK_OPTION_TYPE_POINT: "point",
    tasks_pb2.TASK_OPTION_TYPE_SIZE: "size",
}


@dataclass(frozen=True)
class TaskOption:
    """One task option (a key of FitSpec.task_options): its type, range or choices, default and help.

    ``type`` is one of ``"integer"``, ``"number"``, ``"choice"``, ``"point"`` (``"x,y"``) or ``"size"``
    (``"WxH"``, ``"N"`` or ``"original"``). ``default`` is ``""`` when it depends on the input.
    """

    name: str
    type: str
    default: str
    min: float
    max: float
    choices: Tuple[str, ...]
    value_name: str
    help: str

    @classmethod
    def from_proto(cls, option: "tasks_pb2.TaskOption") -> "TaskOption":
        return cls(
            name=option.name,
            type=_OPTION_TYPES.get(option.type, "text"),
            default=option.default_value,
            min=option.min,
            max=option.max,
            choices=tuple(option.choices),
            value_name=option.value_name,
            help=option.help,
        )

    def encode(self, value: Any) -> str:
        """The wire text of ``value`` for this option, checked against its type and range.

        Accepts Python values: ints/floats for numbers, a 2-sequence for a point, ``(W, H)``, ``N``,
        ``"WxH"`` or ``"original"`` for a size, and text in every case.
        """
        where = f"option {self.name}"
        if self.type == "integer":
            number = self._number(value, where)
            if not float(number).is_integer():
                raise InvalidArgument(f"{where}: {value!r} is not a whole number")
            self._check_range(number, where)
            return str(int(number))
        if self.type == "number":
            number = self._number(value, where)
            self._check_range(number, where)
            return _number_text(number)
        if self.type == "choice":
            text = str(value)
            if text not in self.choices:
                raise InvalidArgument(f"{where}: {text!r} is not one of {', '.join(self.choices)}")
            return text
        if self.type == "point":
            parts: Sequence[Any] = value.split(",") if isinstance(value, str) else value
            if isinstance(parts, (int, float)) or len(parts) != 2:
                raise InvalidArgument(f"{where}: {value!r} is not a point x,y")
            numbers = [self._number(p, where) for p in parts]
            for number in numbers:
                self._check_range(number, where)
            return ",".join(_number_text(n) for n in numbers)
        if self.type == "size":
            return _size_text(value, where)
        return str(value)

    def _number(self, value: Any, where: str) -> float:
        if isinstance(value, bool):
            raise InvalidArgument(f"{where}: {value!r} is not a number")
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise InvalidArgument(f"{where}: {value!r} is not a number") from None
        if not math.isfinite(number):
            raise InvalidArgument(f"{where}: {value!r} is not a finite number")
        return number

    def _check_range(self, number: float, where: str) -> None:
        if self.min < self.max and not (self.min <= number <= self.max):
            raise InvalidArgument(
                f"{where}: {_number_text(number)} is out of range [{_number_text(self.min)}, {_number_text(self.max)}]"
            )


def _number_text(number: float) -> str:
    return str(int(number)) if float(number).is_integer() and abs(number) < 1e15 else repr(float(number))


_SIZE = re.compile(r"^\s*(\d+)\s*(?:[xX]\s*(\d+))?\s*$")


def _size_text(value: Any, where: str) -> str:
    if isinstance(value, str):
        if value.strip().lower() == "original":
            return "original"
        match = _SIZE.match(value)
        if not match:
            raise InvalidArgument(f"{where}: {value!r} is not a size: WxH, N or 'original'")
        width, height = int(match.group(1)), int(match.group(2) or match.group(1))
    elif isinstance(value, int) and not isinstance(value, bool):
        width = height = value
    elif isinstance(value, (tuple, list)) and len(value) == 2 and all(isinstance(v, int) for v in value):
        width, height = value
    else:
        raise InvalidArgument(f"{where}: {value!r} is not a size: (W, H), N, 'WxH' or 'original'")
    if width < 1 or height < 1:
        raise InvalidArgument(f"{where}: {value!r}: width and height must be at least 1")
    return f"{width}x{height}"


def _fit_spec_settings(spec: "fit_pb2.FitSpec") -> Dict[str, Any]:
    """A FitSpec's model and train settings under the keyword names of Client.fit (only those set)."""
    settings: Dict[str, Any] = {}
    model, train = spec.model, spec.train
    if model.activation:
        settings["activation"] = fit_pb2.Activation.Name(model.activation)[len("ACTIVATION_"):].lower().replace("_", "-")
    for field_name, key in (
        ("hidden_features", "hidden"),
        ("hidden_layers", "layers"),
        ("first_omega0", "first_w0"),
        ("hidden_omega0", "hidden_w0"),
        ("pe_frequencies", "pe_frequencies"),
    ):
        if model.HasField(field_name):
            settings[key] = getattr(model, field_name)
    for field_name, key in (
        ("steps", "steps"),
        ("epochs", "epochs"),
        ("learning_rate", "lr"),
        ("optimizer", "optimizer"),
        ("batch_size", "batch_size"),
        ("seed", "seed"),
        ("checkpoint_every", "checkpoint_every"),
        ("clip_grad_norm", "clip_grad_norm"),
        ("fused_sine_layers", "fused_sine_layers"),
        ("closed_form_derivatives", "closed_form_derivatives"),
        ("device", "device"),
        ("precision", "precision"),
        ("cuda_graphs", "cuda_graphs"),
    ):
        if train.HasField(field_name):
            settings[key] = getattr(train, field_name)
    return settings


@dataclass(frozen=True)
class Task:
    """A task the server fits (ListTasks).

    Attributes:
        name: e.g. ``"image"``, ``"poisson-grad"`` (what :meth:`Client.fit` takes).
        kind: the TaskKind enum value.
        summary: one line; ``details``: paragraphs (the paper's setting, the loss, the preset).
        inputs: the named inputs, required unless ``optional``; empty for tasks defined by options (helmholtz, wave).
        options: the task options :meth:`Client.fit` accepts as keyword arguments.
        preset: the reference's settings, under :meth:`Client.fit`'s keyword names
            (``steps``, ``lr``, ``hidden``, ``layers``, ``first_w0``, ``batch_size``, ...).
        export_formats: what :meth:`Model.export` accepts; the first is the default.
    """

    name: str
    kind: int
    summary: str
    details: str
    inputs: Tuple[TaskInput, ...]
    options: Tuple[TaskOption, ...]
    preset: Dict[str, Any] = field(hash=False, compare=False)
    export_formats: Tuple[str, ...] = ()
    preset_spec: Optional["fit_pb2.FitSpec"] = field(default=None, repr=False, hash=False, compare=False)

    @classmethod
    def from_proto(cls, description: "tasks_pb2.TaskDescription") -> "Task":
        return cls(
            name=description.name or kind_to_name(description.kind),
            kind=description.kind,
            summary=description.summary,
            details=description.details,
            inputs=tuple(TaskInput(i.name, i.help, i.optional, _input_media(i.media)) for i in description.inputs),
            options=tuple(TaskOption.from_proto(o) for o in description.options),
            preset=_fit_spec_settings(description.preset),
            export_formats=tuple(description.export_formats),
            preset_spec=description.preset,
        )

    @property
    def input_names(self) -> List[str]:
        return [i.name for i in self.inputs]

    def option(self, name: str) -> TaskOption:
        """The option called ``name`` (``-`` and ``_`` alike); InvalidArgument naming the known ones."""
        wanted = name.replace("-", "_")
        for option in self.options:
            if option.name == wanted:
                return option
        known = ", ".join(o.name for o in self.options) or "none"
        raise InvalidArgument(f"task {self.name} has no option {name!r}; its options: {known}")

    def encode_options(self, values: Dict[str, Any]) -> Dict[str, str]:
        """Checks and converts keyword task options into FitSpec.task_options (None values are left out)."""
        encoded: Dict[str, str] = {}
        for name, value in values.items():
            if value is None:
                continue
            option = self.option(name)
            encoded[option.name] = option.encode(value)
        return encoded

    def __str__(self) -> str:
        return f"{self.name}: {self.summary}"


def find_task(tasks: Sequence[Task], name: str) -> Task:
    """The task called ``name``; InvalidArgument naming the server's tasks when there is none."""
    wanted = normalize_task_name(name)
    for task in tasks:
        if task.name == wanted:
            return task
    raise InvalidArgument(f"unknown task {name!r}; this server fits: {', '.join(t.name for t in tasks)}")
