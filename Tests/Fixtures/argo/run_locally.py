"""Runs the commands of an exported WorkflowTemplate here, in the order its
DAG allows, as Argo would in pods: parameters and {{…}} expressions
substituted, each foreach body run once per index its step wrote, the exit
handler last. Not a reimplementation of Argo — just enough of its DAG
semantics to prove the export's commands complete the flow together.

    python run_locally.py FILE --binary-dir DIR --workflow-name NAME [--param NAME=VALUE…]

The image's binary path (/usr/local/bin/FLOW) is replaced by DIR/FLOW. Exits
with the first failing command's status.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

import yaml

ap = argparse.ArgumentParser()
ap.add_argument("file")
ap.add_argument("--binary-dir", required=True)
ap.add_argument("--workflow-name", required=True)
ap.add_argument("--param", action="append", default=[])
args = ap.parse_args()

doc = yaml.safe_load(open(args.file))
spec = doc["spec"]
templates = {t["name"]: t for t in spec["templates"]}
workflow = {p["name"]: p.get("value", "") for p in spec.get("arguments", {}).get("parameters", [])}
for kv in args.param:
    k, v = kv.split("=", 1)
    workflow[k] = v
scratch = tempfile.mkdtemp(prefix="argo-local-")


def substitute(text, scope):
    def one(m):
        key = m.group(1).strip()
        if key not in scope:
            raise SystemExit(f"no value for {{{{{key}}}}}")
        return str(scope[key])
    return re.sub(r"\{\{([^}]+)\}\}", one, text)


def run_container(template, scope, status="Succeeded"):
    c = template["container"]
    scope = dict(scope)
    for p in template.get("inputs", {}).get("parameters", []):
        scope.setdefault(f"inputs.parameters.{p['name']}", scope.get(f"arg.{p['name']}"))
    out_dir = os.path.join(scratch, f"pod-{len(os.listdir(scratch))}")
    os.makedirs(out_dir)
    command = [os.path.join(args.binary_dir, os.path.basename(c["command"][0]))]
    argv = [substitute(a, scope).replace("/tmp/spindle/", out_dir + "/") for a in c["args"]]
    print("$", os.path.basename(command[0]), " ".join(argv[1:]), flush=True)
    r = subprocess.run(command + argv)
    if r.returncode != 0:
        return r.returncode, {}
    outputs = {}
    for p in template.get("outputs", {}).get("parameters", []):
        path = p["valueFrom"]["path"].replace("/tmp/spindle/", out_dir + "/")
        outputs[p["name"]] = open(path).read().strip()
    return 0, outputs


def run_dag(template, scope):
    tasks = {t["name"]: t for t in template["dag"]["tasks"]}
    done = {}
    while len(done) < len(tasks):
        ready = [t for n, t in tasks.items() if n not in done and all(d in done for d in t.get("dependencies", []))]
        if not ready:
            raise SystemExit(f"the DAG of {template['name']} is stuck: {sorted(set(tasks) - set(done))}")
        for t in ready:
            local = dict(scope)
            for name, outs in done.items():
                for k, v in outs.items():
                    local[f"tasks.{name}.outputs.parameters.{k}"] = v
            items = [None]
            if "withParam" in t:
                items = json.loads(substitute(t["withParam"], local))
            for item in items:
                call = dict(local)
                if item is not None:
                    call["item"] = item
                for p in t.get("arguments", {}).get("parameters", []):
                    call[f"arg.{p['name']}"] = substitute(str(p["value"]), call)
                call = {k: v for k, v in call.items() if not k.startswith("inputs.")} | {
                    f"inputs.parameters.{k[4:]}": v for k, v in call.items() if k.startswith("arg.")}
                code, outs = run_template(templates[t["template"]], call)
                if code != 0:
                    return code
            done[t["name"]] = outs if items == [None] else {}
    return 0


def run_template(template, scope):
    if "dag" in template:
        return run_dag(template, scope), {}
    return run_container(template, scope)


scope = {f"workflow.parameters.{k}": v for k, v in workflow.items()}
scope["workflow.name"] = args.workflow_name
code = run_dag(templates[spec["entrypoint"]], scope)
status = "Succeeded" if code == 0 else "Failed"
exit_code, _ = run_container(templates[spec["onExit"]], scope | {"workflow.status": status})
sys.exit(code or exit_code)
