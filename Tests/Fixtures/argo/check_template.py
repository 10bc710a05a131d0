"""Checks a WorkflowTemplate that `FLOW argo export` printed against Argo's own
models (hera's pydantic models of Argo's types: an unknown field, a wrong
type or a missing required one is an error), then the shape Spindle promises.

    python check_template.py FILE
"""
import sys

import yaml
from hera.workflows.models import WorkflowTemplate

text = open(sys.argv[1]).read()
doc = yaml.safe_load(text)
template = WorkflowTemplate.model_validate(doc)  # raises on anything Argo would not read
spec = template.spec
names = {t.name for t in spec.templates}
assert spec.entrypoint in names, f"entrypoint {spec.entrypoint} is not a template"
assert spec.on_exit in names, f"onExit {spec.on_exit} is not a template"
main = next(t for t in spec.templates if t.name == spec.entrypoint)
for task in main.dag.tasks:
    assert task.template in names, f"task {task.name} runs a template that does not exist: {task.template}"
    for dep in task.dependencies or []:
        assert dep in {t.name for t in main.dag.tasks}, f"task {task.name} depends on {dep}, which is not a task"
for t in spec.templates:
    if t.container:
        assert t.container.args[0] == "_step", t.name
        assert t.container.env_from and t.container.env_from[0].secret_ref.name, f"{t.name}: no secret for the store's credentials"
print(f"ok: {len(spec.templates)} templates, {len(main.dag.tasks)} tasks in {spec.entrypoint}")
