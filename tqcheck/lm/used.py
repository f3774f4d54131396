"""Which language model a run used, as reports name it (kept apart from the model's loading code, so that
reports and the results cache read it without importing the model)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ModelUsed:
    """The language model a run (or a document's check) used, as reports name it."""

    name: str
    id: str
    device: str

    @property
    def label(self) -> str:
        return f"{self.name} (device {self.device})"

    def to_dict(self) -> dict[str, str]:
        return {"name": self.name, "id": self.id, "device": self.device}

    @classmethod
    def from_dict(cls, d: dict[str, str]) -> "ModelUsed":
        return cls(d["name"], d["id"], d["device"])
