"""How a Ray run asks for its actors, against a stand-in Ray: runs where Ray is not installed too (the
real-cluster tests in test_ray.py skip there)."""
from __future__ import annotations

import pytest


class _FakeRay:
    """Enough of Ray's API to see how the actors would be asked for (no cluster needed)."""

    def __init__(self, resources):
        self.resources, self.options = resources, None

    def cluster_resources(self):
        return self.resources

    def remote(self, cls):
        fake = self

        class Actor:
            def options(self, **options):
                fake.options = options
                return self

            def remote(self, request):
                return object()

        return Actor()


@pytest.mark.parametrize("resources, use_model, actors, gpus", [
    ({"CPU": 16.0, "GPU": 4.0}, True, 4, 1),  # one GPU actor per GPU, holding the model
    ({"CPU": 16.0, "GPU": 4.0}, False, 16, None),  # no model: CPU actors
    ({"CPU": 8.0}, True, 5, None),  # never more actors than documents
])
def test_actors_hold_a_gpu_each_when_the_cluster_has_gpus_and_the_model_is_used(resources, use_model, actors, gpus):
    from tqcheck.executors.ray import RayChecks
    from tqcheck.pipeline import CheckRequest

    fake = _FakeRay(resources)
    checks = RayChecks(fake, CheckRequest(use_model=use_model), documents=5 if actors == 5 else 100)
    assert len(checks.actors) == actors
    assert fake.options.get("num_gpus") == gpus and fake.options["num_cpus"] == 1
