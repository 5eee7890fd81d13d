"""JUnit XML: one testcase per check, one testsuite per layer, so CI tools list them."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from strataqc.run import QCRun
from strataqc.results import CheckResult, Status

XSD_PATH = Path(__file__).parent / "static" / "junit.xsd"
# ElementTree escapes < & " but writes control characters as they are, which no XML parser accepts
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


MAX_TEXT = 4000  # CI tools show a message, not a megabyte of it (the JSON report keeps it whole)


def _x(value: object) -> str:
    """Text a data value may reach: characters XML 1.0 cannot carry become U+FFFD; long text is cut."""
    text = str(value)
    if len(text) > MAX_TEXT:
        text = f"{text[:MAX_TEXT]}… ({len(text) - MAX_TEXT} more characters)"
    return _NOT_XML.sub("\ufffd", text)


def _name(r: CheckResult) -> str:
    test = r.details.get("test_name")
    target = (r.model or "") + (f".{r.column}" if r.column else "")
    base = f"{r.check} on {target}" if target else r.check
    return _x(f"{base} [{test}]" if test and test != r.check else base)


def incident_note(r: CheckResult, incidents: dict[str, dict]) -> str:
    """" [root of INC-…]" or " [symptom; root: model.column check, INC-…]": CI lists name the cause."""
    incident = incidents.get(r.incident_id or "")
    if incident is None:
        return ""
    if r.role == "root":
        return f" [root of {incident['id']}: {len(incident['symptoms'])} symptoms]"
    root = incident["root"]
    where = (root["model"] or "") + (f".{','.join(root['columns'])}" if root.get("columns") else "")
    return f" [symptom; root: {where} {root['check']}, {incident['id']}]"


def _case(r: CheckResult, note: str = "") -> ET.Element:
    case = ET.Element("testcase", {
        "classname": _x(".".join(p for p in ("strataqc", r.layer or "other", r.model or str(r.check_type)) if p)),
        "name": _name(r), "time": f"{r.duration_s or 0:.3f}"})
    detail = _x("\n".join(f"{k}: {v}" for k, v in (("observed", r.observed), ("threshold", r.threshold),
                                                 ("failures", r.failures), ("check_type", r.check_type))
                       if v is not None))
    if r.status is Status.FAIL:
        ET.SubElement(case, "failure", {"message": _x(r.message + note), "type": _x(r.check)}).text = detail
    elif r.status is Status.ERROR:
        ET.SubElement(case, "error", {"message": _x(r.message + note), "type": _x(r.check)}).text = detail
    elif r.status is Status.SKIP:
        ET.SubElement(case, "skipped", {"message": _x(r.message)})
    elif r.status is Status.WARN:
        # JUnit has no warning: a warn passes, its message stays visible in the output
        ET.SubElement(case, "system-out").text = _x(f"WARN: {r.message}{note}\n{detail}")
    return case


def render_junit(run: QCRun) -> str:
    suites = ET.Element("testsuites", {"name": "strataqc", "tests": str(len(run.results))})
    totals = {"failures": 0, "errors": 0, "skipped": 0, "time": 0.0}
    incidents = {i["id"]: i for i in run.context.get("incidents") or []}
    for layer, records in run.by_layer():
        counts = {"failures": sum(r.status is Status.FAIL for r in records),
                  "errors": sum(r.status is Status.ERROR for r in records),
                  "skipped": sum(r.status is Status.SKIP for r in records),
                  "time": sum(r.duration_s or 0 for r in records)}
        suite = ET.SubElement(suites, "testsuite", {
            "name": _x(f"strataqc.{layer}"), "tests": str(len(records)), "failures": str(counts["failures"]),
            "errors": str(counts["errors"]), "skipped": str(counts["skipped"]), "time": f"{counts['time']:.3f}",
            "timestamp": run.generated_at[:19], "id": _x(run.run_id)})
        for r in records:
            suite.append(_case(r, incident_note(r, incidents)))
        for key in totals:
            totals[key] += counts[key]
    suites.set("failures", str(totals["failures"]))
    suites.set("errors", str(totals["errors"]))
    suites.set("skipped", str(totals["skipped"]))
    suites.set("time", f"{totals['time']:.3f}")
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
